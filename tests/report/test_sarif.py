"""SARIF report: schema-valid, golden, GitHub's conventions and limits, hostile text kept inert."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import cache
from typing import Any

import jsonschema
import pytest

from scanner.assess.checks import CHECKS
from scanner.assess.model import Evidence
from scanner.pipeline import ScanResult
from scanner.report import sarif
from tests.conftest import FIXTURES, REPO

GOLDEN = FIXTURES / "golden" / "report.sarif"


@cache
def _validator() -> jsonschema.Draft4Validator:
    schema = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _valid(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(doc)]
    assert not errors, errors
    return doc


def _run(result: ScanResult) -> dict[str, Any]:
    run: dict[str, Any] = _valid(sarif.render(result))["runs"][0]
    return run


def test_golden(result: ScanResult, update_golden: bool) -> None:
    text = sarif.render(result)
    _valid(text)  # validated before it is compared or written
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "missing golden file: run pytest --update-golden"
    assert text == GOLDEN.read_text(encoding="utf-8"), "SARIF changed: review, then --update-golden"
    assert sarif.render(result) == text  # deterministic


def test_empty_result_is_valid(empty_result: ScanResult) -> None:
    run = _run(empty_result)
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(CHECKS)
    assert run["properties"]["resultsTotal"] == 0


def test_rules_one_per_check_with_github_properties(result: ScanResult) -> None:
    driver = _run(result)["tool"]["driver"]
    assert driver["name"] == "icts-scan"
    assert driver["semanticVersion"] == result.tool_version
    assert driver["informationUri"].startswith("https://")
    by_id = {r["id"]: r for r in driver["rules"]}
    assert list(by_id) == [record.id for record, _ in CHECKS]
    for record, _ in CHECKS:
        rule = by_id[record.id]
        assert rule["shortDescription"]["text"] == record.title
        assert rule["fullDescription"]["text"] == record.question
        assert record.remediation in rule["help"]["text"]
        assert record.provision in rule["help"]["text"]
        assert rule["help"]["markdown"]
        props = rule["properties"]
        assert props["tags"] == ["security", "supply-chain", "icts"]
        assert props["precision"] in ("very-high", "high", "medium", "low")
        assert isinstance(props["security-severity"], str)
        assert 0.0 <= float(props["security-severity"]) <= 10.0
    assert by_id["prohibition"]["properties"]["security-severity"] == "9.5"
    assert by_id["development"]["properties"]["security-severity"] == "8.0"
    assert by_id["maintenance"]["properties"]["security-severity"] == "5.5"
    assert by_id["individual"]["properties"]["security-severity"] == "3.0"
    # Unknown provenance is coverage (run properties), never a code-scanning alert.
    assert "unknown" not in by_id


def test_one_result_per_rule_file_and_entity(result: ScanResult) -> None:
    run = _run(result)
    rules = run["tool"]["driver"]["rules"]
    by_cause = {(r["ruleId"], r["properties"]["entity"]): r for r in run["results"]}
    antv = by_cause[("development", "antv")]
    # Two @antv packages in one lockfile: one result at the first line, both named.
    assert antv["properties"]["purls"] == ["pkg:npm/%40antv/g2@5.1.0", "pkg:npm/%40antv/util@3.3.0"]
    assert (
        "@antv/g2@5.1.0" in antv["message"]["text"]
        and "@antv/util@3.3.0" in antv["message"]["text"]
    )
    assert rules[antv["ruleIndex"]]["id"] == "development"
    assert antv["level"] == "error"
    loc = antv["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "web/package-lock.json", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 40}
    assert "AntV" in antv["message"]["text"] and "CN" in antv["message"]["text"]
    assert antv["properties"]["dependencyPaths"] == [
        "pkg:npm/app-ui@2.0.0 > pkg:npm/%40antv/g2@5.1.0"
    ]
    assert antv["properties"]["evidence"][0]["field"] == "purl name"
    assert by_cause[("individual", None)]["level"] == "note"
    # No informational results at all: unknown provenance is reported as coverage.
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}
    assert all(r["ruleId"] != "unknown" for r in run["results"])
    assert run["properties"]["coverage"]["unknownReasons"] == {"lookup-failed": 1}
    assert set(antv["partialFingerprints"]) == {"icts-scan/v2", "primaryLocationLineHash"}
    assert "originalUriBaseIds" in run and "%SRCROOT%" in run["originalUriBaseIds"]


def test_fingerprint_survives_version_bumps(result: ScanResult) -> None:
    before = _run(result)["results"]
    bumped = tuple(
        replace(f, purl=f.purl.replace("5.1.0", "5.2.0").replace("3.3.0", "3.4.0"))
        for f in result.findings
    )
    after = _run(replace(result, findings=bumped))["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]


def test_a_result_without_a_line_has_no_region(result: ScanResult) -> None:
    f = next(f for f in result.findings if f.check == "development" and not f.waiver)
    moved = replace(f, locations=(("apps/web/package-lock.json", None),))
    res = _run(replace(result, findings=(moved,)))["results"][0]
    assert "region" not in res["locations"][0]["physicalLocation"]


def test_dot_dot_never_reaches_sarif(result: ScanResult) -> None:
    f = next(f for f in result.findings if f.check == "development" and not f.waiver)
    res = _run(replace(result, findings=(replace(f, locations=(("../go.mod", 3),)),)))["results"][0]
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "go.mod" and ".." not in json.dumps(res)


def test_waived_and_accepted_are_left_out_by_default(result: ScanResult) -> None:
    # GitHub code scanning would open an alert for a suppressed result: leave it out and
    # record it in the run's properties (docs/github-action.md).
    run = _run(result)
    assert all("suppressions" not in r for r in run["results"])
    excused = run["properties"]["excused"]
    assert {e["check"] for e in excused} == {"development", "supply-path"}
    assert any("vendored and reviewed" in e["by"] for e in excused)
    assert any("accepted risk A-1" in e["by"] for e in excused)
    kept = sarif.document(result, waived="suppress")["runs"][0]["results"]
    suppressed = [r for r in kept if "suppressions" in r]
    assert len(suppressed) == 2
    (sup,) = suppressed[0]["suppressions"]
    assert sup["kind"] == "external" and sup["status"] == "accepted"
    assert kept[-2:] == suppressed  # excused results sort after active ones


def test_partial_stages_and_unreadable_files_are_notifications(result: ScanResult) -> None:
    inv = _run(result)["invocations"][0]
    assert inv["executionSuccessful"] is True
    notes = inv["toolExecutionNotifications"]
    ids = [n["descriptor"]["id"] for n in notes]
    assert ids.count("stage-partial") == 2
    issue = next(n for n in notes if n["descriptor"]["id"] == "input-issue")
    assert (
        issue["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken/yarn.lock"
    )
    assert [s["status"] for s in inv["properties"]["stages"]] == ["partial", "partial", "ok"]


def test_hostile_text_is_plain_and_bounded(result: ScanResult) -> None:
    hostile = (
        "[click](https://evil.invalid) \x1b[31mred\x1b[0m <img src=x> \u202egnp.exe " + "A" * 5000
    )
    f = replace(
        result.findings[0],
        reason=hostile,
        entity_name=hostile,
        waiver=None,
        evidence=(Evidence("fact", "info.author", hostile, "pypi", None, None, "self-declared"),),
    )
    res = _run(replace(result, findings=(f,)))["results"][0]
    text = res["message"]["text"]
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\[click\\](https://evil.invalid)" in text  # no embedded link can be forged
    assert len(text) <= sarif.MAX_TEXT
    value = res["properties"]["evidence"][0]["value"]
    assert "\x1b" not in value and len(value) <= sarif.MAX_VALUE


def test_results_truncated_most_severe_first(result: ScanResult) -> None:
    many = tuple(
        replace(f, entity=f"{f.entity or 'x'}-{n}", locations=((f"app{n}/lock", 1),))
        for n in range(30)
        for f in result.findings
        if not f.excused
    )
    doc = sarif.document(replace(result, findings=many), max_results=40)
    run = doc["runs"][0]
    _validator().validate(doc)
    assert len(run["results"]) == 40
    assert {r["level"] for r in run["results"]} == {"error", "warning"}  # notes went first
    assert run["properties"]["truncated"] is True
    assert run["properties"]["resultsTotal"] == len(sarif.units(list(many)))
    assert "results-truncated" in [
        n["descriptor"]["id"] for n in run["invocations"][0]["toolExecutionNotifications"]
    ]


def test_upload_size_limit(result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    def noisy(n: int) -> Evidence:  # incompressible values, so the gzip size really grows
        value = hashlib.sha256(str(n).encode()).hexdigest() * 4
        return Evidence("fact", "info.author", value, "pypi", None, None, "self-declared")

    base = result.findings[1]
    many = tuple(
        replace(base, purl=f"pkg:npm/p{n}@1.0.0", entity=f"e{n}", evidence=(noisy(n),), waiver=None)
        for n in range(400)
    )
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 20_000)
    run = _run(replace(result, findings=many))
    assert 0 < len(run["results"]) < 400
    assert run["properties"]["truncated"] is True
