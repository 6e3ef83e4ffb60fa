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
from scanner.report.common import fingerprint
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
    # "0.0": GitHub shows no security severity for what is only informational.
    assert by_id["unknown"]["properties"]["security-severity"] == "0.0"


def test_results_levels_locations_and_fingerprints(result: ScanResult) -> None:
    run = _run(result)
    rules = run["tool"]["driver"]["rules"]
    by_purl = {(r["properties"]["purl"], r["ruleId"]): r for r in run["results"]}
    g2 = by_purl[("pkg:npm/%40antv/g2@5.1.0", "development")]
    assert rules[g2["ruleIndex"]]["id"] == "development"
    assert g2["level"] == "error"
    loc = g2["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "web/package-lock.json", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 40}
    assert "AntV" in g2["message"]["text"] and "CN" in g2["message"]["text"]
    assert g2["properties"]["dependencyPaths"] == [
        "pkg:npm/app-ui@2.0.0 > pkg:npm/%40antv/g2@5.1.0"
    ]
    assert g2["properties"]["evidence"][0]["field"] == "purl name"
    assert by_purl[("pkg:npm/left-pad@1.3.0", "supply-path")]["level"] == "warning"
    assert by_purl[("pkg:pypi/somepkg@1.0", "individual")]["level"] == "note"
    assert by_purl[("pkg:npm/leftover@0.1.0", "unknown")]["level"] == "note"
    fp = fingerprint(next(f for f in result.findings if f.check == "development" and not f.waiver))
    assert g2["partialFingerprints"] == {"icts-scan/v1": fp, "primaryLocationLineHash": f"{fp}:1"}
    assert "originalUriBaseIds" in run and "%SRCROOT%" in run["originalUriBaseIds"]


def test_fingerprint_survives_version_bump_and_lockfile_move(result: ScanResult) -> None:
    f = next(f for f in result.findings if f.check == "development" and not f.waiver)
    moved = replace(
        f, purl="pkg:npm/%40antv/g2@5.2.0", locations=(("apps/web/package-lock.json", None),)
    )
    res = _run(replace(result, findings=(moved,)))["results"][0]
    assert res["partialFingerprints"]["icts-scan/v1"] == fingerprint(f)
    # No line known: a location without a region, never a made-up line.
    assert "region" not in res["locations"][0]["physicalLocation"]


def test_waived_finding_is_suppressed_not_dropped(result: ScanResult) -> None:
    run = _run(result)
    waived = [r for r in run["results"] if "suppressions" in r]
    assert len(waived) == 1
    (sup,) = waived[0]["suppressions"]
    assert sup["kind"] == "external" and sup["status"] == "accepted"
    assert "vendored and reviewed" in sup["justification"]
    assert waived[0]["properties"]["waiver"] == "W-7"
    assert run["results"][-1] == waived[0]  # waived results sort after active ones


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
        replace(f, purl=f"{f.purl}-{n}") for n in range(30) for f in result.findings if not f.waiver
    )
    doc = sarif.document(replace(result, findings=many), max_results=40)
    run = doc["runs"][0]
    _validator().validate(doc)
    assert len(run["results"]) == 40
    assert {r["level"] for r in run["results"]} == {"error", "warning"}  # notes went first
    assert run["properties"]["truncated"] is True
    assert run["properties"]["resultsTotal"] == len(many)
    assert "results-truncated" in [
        n["descriptor"]["id"] for n in run["invocations"][0]["toolExecutionNotifications"]
    ]


def test_upload_size_limit(result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    def noisy(n: int) -> Evidence:  # incompressible values, so the gzip size really grows
        value = hashlib.sha256(str(n).encode()).hexdigest() * 4
        return Evidence("fact", "info.author", value, "pypi", None, None, "self-declared")

    base = result.findings[1]
    many = tuple(
        replace(base, purl=f"pkg:npm/p{n}@1.0.0", evidence=(noisy(n),)) for n in range(400)
    )
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 20_000)
    run = _run(replace(result, findings=many))
    assert 0 < len(run["results"]) < 400
    assert run["properties"]["truncated"] is True
