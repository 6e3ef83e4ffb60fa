"""Evidence record: schema-valid, golden, byte-identical for the same scan, tamper-evident."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from typing import Any

import jsonschema
import pytest

from scanner.enrich.model import Enriched, Fact
from scanner.pipeline import ScanResult
from scanner.report import evidence
from tests.conftest import FIXTURES, REPO

GOLDEN = FIXTURES / "golden"
SCHEMA = json.loads((REPO / "scanner" / "report" / "schema" / "evidence-2.json").read_text())


def _golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    assert path.is_file(), f"{path} missing: run pytest --update-golden"
    assert path.read_bytes().decode() == text, f"{name} changed: review, then --update-golden"


def _valid(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return doc


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_golden(result: ScanResult, update_golden: bool) -> None:
    text = evidence.render(result)
    _valid(text)
    _golden("report.evidence.json", text, update_golden)


def test_empty_scan_is_valid(empty_result: ScanResult) -> None:
    doc = _valid(evidence.render(empty_result))
    assert doc["facts"] == [] and doc["findings"] == [] and evidence.verify(doc)


def test_same_scan_same_bytes(result: ScanResult) -> None:
    assert evidence.render(result) == evidence.render(result)
    # Enrichers finish in any order: a shuffled but equal provenance gives the same bytes.
    shuffled = {
        purl: replace(p, facts=p.facts[::-1], statuses=p.statuses[::-1])
        for purl, p in reversed(result.enriched.provenance.items())
    }
    other = replace(result, enriched=Enriched(shuffled, result.enriched.coverage))
    assert evidence.render(other) == evidence.render(result)


def test_hash_covers_canonical_form_and_detects_tampering(result: ScanResult) -> None:
    doc = json.loads(evidence.render(result))
    rest = {k: v for k, v in doc.items() if k != "record_sha256"}
    # The documented recipe, spelled out independently of the module.
    canon = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert doc["record_sha256"] == hashlib.sha256(canon.encode("utf-8")).hexdigest()
    assert evidence.verify(doc)
    doc["facts"][0]["value"] = "someone-else@example.invalid"
    assert not evidence.verify(doc)
    doc = json.loads(evidence.render(result))
    doc["policy"]["waivers"][0]["state"] = "unused"
    assert not evidence.verify(doc)


def test_every_fact_and_source_is_recorded(result: ScanResult) -> None:
    doc = evidence.record(result)
    prov = result.enriched.provenance
    assert len(doc["facts"]) == sum(len(p.facts) for p in prov.values())
    assert len(doc["sources"]) == sum(len(p.statuses) for p in prov.values())
    fact = next(f for f in doc["facts"] if f["field"] == "info.author_email")
    assert fact == {
        "purl": "pkg:pypi/somepkg@1.0",
        "kind": "author-email",
        "value": "dev@alibaba-inc.com",
        "field": "info.author_email",
        "source": "pypi",
        "url": "https://pypi.invalid/doc",
        "retrieved": "2026-11-01T00:00:00Z",
        "strength": "self-declared",
        "subject": None,
        "attrs": {},
    }
    failed = [s for s in doc["sources"] if s["status"] != "ok"]
    assert failed == [
        {
            "purl": "pkg:npm/leftover@0.1.0",
            "source": "npm",
            "status": "error",
            "reason": "HTTP 500",
            "url": "https://npm.invalid/leftover",
        }
    ]
    unknown = [c["purl"] for c in doc["components"] if c["provenance"] == "unknown"]
    assert unknown == ["pkg:npm/leftover@0.1.0"]


def test_inputs_versions_policy_findings(result: ScanResult) -> None:
    doc = evidence.record(result)
    assert doc["inputs"][0] == {
        "path": "web/package-lock.json",
        "format": "npm/package-lock",
        "sha256": "1" * 64,
        "size": 1000,
        "components": 5,
    }
    assert doc["input_issues"][0]["path"] == "broken/yarn.lock"
    assert doc["tool"] == {"name": "icts-scan", "version": "0.0.0-test"}
    assert doc["feeds"]["version"] == result.feed_version
    assert doc["policy"]["fail_on"] == "high"
    assert {w["id"]: w["state"] for w in doc["policy"]["waivers"]} == {
        "W-7": "used",
        "W-8": "stale",
    }
    assert doc["scan"]["complete"] is False
    assert [s["milliseconds"] for s in doc["stages"]] == [100, 1500, 10]
    assert len(doc["findings"]) == len(result.findings)
    for finding in doc["findings"]:
        assert finding["provision"].startswith("15 CFR")
    g2 = next(f for f in doc["findings"] if f["purl"] == "pkg:npm/%40antv/g2@5.1.0")
    assert g2["chain"] == ["antv", "ant-group", "alibaba-group"]
    source = next(f for f in result.findings if f.purl == g2["purl"])
    assert g2["evidence"] == [asdict(e) for e in source.evidence]
    assert g2["paths"] == [["pkg:npm/app-ui@2.0.0", "pkg:npm/%40antv/g2@5.1.0"]]
    # The record names the SBOM written by the same scan.
    from scanner.report import cyclonedx_json_report

    assert doc["scan"]["sbom_serial"] == cyclonedx_json_report.document(result)["serialNumber"]


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value]


def test_no_floats_and_hostile_text_kept_but_escaped(result: ScanResult) -> None:
    text = evidence.render(result)
    # Floats have no portable canonical form; the record holds none.
    assert not any(isinstance(v, float) for v in _walk(json.loads(text)))
    assert text.isascii() and "\x1b" not in text
    hostile = "**bold** <img src=x onerror=alert(1)> | pipe \x1b[31mred\x1b[0m"
    # A record keeps what the source said, exactly: escaped in the file, intact when read.
    assert hostile in {f["value"] for f in json.loads(text)["facts"]}


def test_lone_surrogate_from_a_registry_is_recorded(result: ScanResult) -> None:
    # JSON from a registry may hold "\\ud800"; UTF-8 cannot encode it, the record must still be written.
    purl = "pkg:npm/app-ui@2.0.0"
    prov = dict(result.enriched.provenance)
    bad = Fact(purl, "author-name", "x\ud800y", "author.name", "npm", None, "t", "self-declared")
    prov[purl] = replace(prov[purl], facts=(bad,))
    hostile = replace(result, enriched=Enriched(prov, result.enriched.coverage))
    doc = _valid(evidence.render(hostile))
    assert evidence.verify(doc)
    assert "x\ud800y" in {f["value"] for f in doc["facts"]}
    assert evidence.canonical({"v": "x\ud800y"}) == b'{"v":"x\\ud800y"}'


def test_statement_says_indicators_not_verdicts() -> None:
    text = evidence.STATEMENT.lower()
    assert "indicators for human review" in text and "791.106" in text
    assert "illegal" not in text and "banned" not in text


@pytest.mark.parametrize("attr", ["NAME", "TITLE", "EXTENSION"])
def test_module_shape(attr: str) -> None:
    assert getattr(evidence, attr)
    assert evidence.EXTENSION == ".evidence.json" and evidence.NAME == "evidence"
