"""Enriched CycloneDX reports: schema-valid, golden, reproducible, both formats agree."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from typing import Any

import defusedxml.ElementTree as ET
import pytest
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator
from packageurl import PackageURL

from sbom.model import Component, Location
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus
from scanner.pipeline import ScanResult
from scanner.report import cyclonedx_json_report, cyclonedx_xml_report
from scanner.report.cyclonedx_enrich import clean
from tests.conftest import FIXTURES, REPO

GOLDEN = FIXTURES / "golden"
CDX = "{http://cyclonedx.org/schema/bom/1.6}"
T = "2026-11-01T00:00:00Z"


def _golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    assert path.is_file(), f"{path} missing: run pytest --update-golden"
    assert path.read_bytes().decode() == text, f"{name} changed: review, then --update-golden"


def _valid_json(text: str) -> dict[str, Any]:
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    doc: dict[str, Any] = json.loads(text)
    return doc


def _valid_xml(text: str) -> Any:
    assert XmlValidator(SchemaVersion.V1_6).validate_str(text) is None
    return ET.fromstring(text.encode())


def _props(comp: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in comp.get("properties", ()) if p["name"] == "icts-scan:" + name]


def _by_ref(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in doc["components"]}


def _fact(purl: str, kind: str, value: str, field: str, **kw: Any) -> Fact:
    attrs = tuple(sorted(kw.pop("attrs", {}).items()))
    return Fact(
        purl, kind, value, field, kw.pop("source", "npm"), "https://npm.invalid/doc", T,
        kw.pop("strength", "registry-asserted"), attrs=attrs, **kw,
    )  # fmt: skip


def with_people(result: ScanResult) -> ScanResult:
    """The shared fixture plus the facts that fill supplier, authors and publisher."""
    app = "pkg:npm/app-ui@2.0.0"
    some = "pkg:pypi/somepkg@1.0"
    org = "github:acme-corp"
    extra = {
        app: (
            _fact(app, "publisher-account", "alice", "versions[2.0.0]._npmUser.name"),
            _fact(app, "publisher-email", "alice@acme.example", "versions[2.0.0]._npmUser.email"),
            _fact(app, "author-name", "Alice A.", "versions[2.0.0].author.name",
                  strength="self-declared"),
            _fact(app, "author-email", "alice@acme.example", "versions[2.0.0].author.email",
                  strength="self-declared"),
            _fact(app, "author-email", "helper@x.example", "versions[2.0.0].contributors[0].email",
                  strength="self-declared", attrs={"role": "contributor"}),
            _fact(app, "host-owner", "github:forker", "owner.login", source="codehost",
                  subject="github:forker", attrs={"type": "User"}),
            _fact(app, "host-owner", org, "parent.owner.login", source="codehost", subject=org,
                  attrs={"type": "Organization", "role": "fork-parent"}),
        ),
        some: (
            _fact(some, "organization", "Acme\x1b[2J Corp\u202e", "ownership.organization",
                  source="pypi"),
            _fact(some, "trusted-publisher", "github:acme/somepkg", "attestation_bundles[0]."
                  "publisher.repository", source="pypi-provenance", strength="signed"),
        ),
        "pkg:npm/left-pad@1.3.0": (
            _fact("pkg:npm/left-pad@1.3.0", "host-owner", org, "owner.login",
                  source="codehost", subject=org, attrs={"type": "Organization"}),
            _fact("pkg:npm/left-pad@1.3.0", "host-org-name", "Acme Corporation", "name",
                  source="codehost", subject=org, strength="self-declared"),
            _fact("pkg:npm/left-pad@1.3.0", "host-org-blog", "https://acme.example", "blog",
                  source="codehost", subject=org, strength="self-declared"),
            _fact("pkg:npm/left-pad@1.3.0", "host-org-email", "not an address", "email",
                  source="codehost", subject=org, strength="self-declared"),
        ),
    }  # fmt: skip
    prov = dict(result.enriched.provenance)
    for purl, facts in extra.items():
        prov[purl] = replace(prov[purl], facts=prov[purl].facts + facts)
    return replace(result, enriched=Enriched(prov, result.enriched.coverage))


def test_json_golden(result: ScanResult, update_golden: bool) -> None:
    text = cyclonedx_json_report.render(result)
    _valid_json(text)
    _golden("report.cdx.json", text, update_golden)


def test_xml_golden(result: ScanResult, update_golden: bool) -> None:
    text = cyclonedx_xml_report.render(result)
    _valid_xml(text)
    _golden("report.cdx.xml", text, update_golden)


def test_empty_scan_is_valid(empty_result: ScanResult) -> None:
    doc = _valid_json(cyclonedx_json_report.render(empty_result))
    assert doc["components"] == []
    _valid_xml(cyclonedx_xml_report.render(empty_result))


def test_reproducible_serial_from_content(result: ScanResult) -> None:
    a, b = cyclonedx_json_report.render(result), cyclonedx_json_report.render(result)
    assert a == b
    assert cyclonedx_xml_report.render(result) == cyclonedx_xml_report.render(result)
    serial = json.loads(a)["serialNumber"]
    assert uuid.UUID(serial.removeprefix("urn:uuid:")).version == 5
    # Both files of one scan name the same BOM; another scan is another BOM.
    root = ET.fromstring(cyclonedx_xml_report.render(result).encode())
    assert root.get("serialNumber") == serial
    other = cyclonedx_json_report.document(replace(result, profile="connected-vehicles"))
    assert other["serialNumber"] != serial
    meta = json.loads(a)["metadata"]
    assert meta["timestamp"] == "2026-11-01T00:00:00+00:00"
    assert meta["tools"]["components"][0]["version"] == "0.0.0-test"


def test_finding_properties(result: ScanResult) -> None:
    doc = _by_ref(cyclonedx_json_report.document(result))
    g2 = doc["pkg:npm/%40antv/g2@5.1.0"]
    assert _props(g2, "finding") == ["development|high|antv|CN"]
    assert _props(g2, "max-severity") == ["high"]
    # Look-through: the parents are filterable too.
    assert _props(g2, "entity") == ["alibaba-group", "ant-group", "antv"]
    assert _props(g2, "jurisdiction") == ["CN"]
    some = doc["pkg:pypi/somepkg@1.0"]
    assert _props(some, "finding") == [
        "individual|low||CN",
        "maintenance|medium|alibaba-group|CN",
    ]
    assert _props(some, "max-severity") == ["medium"]
    # A waived finding stays listed with its waiver but no longer raises max-severity.
    easy = doc["pkg:golang/github.com/mailru/easyjson@v0.7.7"]
    assert _props(easy, "waiver") == ["W-7"]
    assert _props(easy, "finding") == ["development|high|mail-ru|RU"]
    assert _props(easy, "max-severity") == ["none"]
    left = doc["pkg:npm/leftover@0.1.0"]
    assert _props(left, "provenance") == ["unknown"]
    # Unknown provenance is coverage with its reason, not a finding.
    assert _props(left, "finding") == []
    assert _props(left, "provenance-unknown-reason") == ["lookup-failed"]
    pad = doc["pkg:npm/left-pad@1.3.0"]
    assert _props(pad, "finding") == ["supply-path|medium|cnpm|CN"]
    assert _props(pad, "accepted-risk") == ["A-1"]
    assert _props(doc["pkg:npm/app-ui@2.0.0"], "provenance") == ["known"]
    assert _props(doc["pkg:npm/app-ui@2.0.0"], "max-severity") == ["none"]


def test_document_properties(result: ScanResult, empty_result: ScanResult) -> None:
    meta = cyclonedx_json_report.document(result)["metadata"]
    props = {p["name"]: p["value"] for p in meta["properties"]}
    assert props["icts-scan:feed-version"] == result.feed_version
    assert props["icts-scan:profile"] == "icts"
    assert props["icts-scan:scan-complete"] == "false"
    assert "icts-scan:input" in props
    done = replace(empty_result, stages=tuple(replace(s, status="ok") for s in result.stages))
    meta = cyclonedx_json_report.document(done)["metadata"]
    assert {"name": "icts-scan:scan-complete", "value": "true"} in meta["properties"]


def test_supplier_authors_publisher(result: ScanResult) -> None:
    rich = with_people(result)
    doc = _by_ref(_valid_json(cyclonedx_json_report.render(rich)))
    app = doc["pkg:npm/app-ui@2.0.0"]
    assert app["publisher"] == "alice <alice@acme.example>"
    assert _props(app, "publisher-source") == [
        "npm|versions[2.0.0]._npmUser.name|registry-asserted"
    ]
    # Contributors are not authors; a fork's upstream owner and a user account not suppliers.
    assert app["authors"] == [{"name": "Alice A.", "email": "alice@acme.example"}]
    assert _props(app, "author-source") == ["npm|versions[2.0.0].author.name|self-declared"]
    assert "supplier" not in app
    some = doc["pkg:pypi/somepkg@1.0"]
    assert some["supplier"] == {"name": "Acme\\u001b[2J Corp\\u202e"}
    assert _props(some, "supplier-source") == ["pypi|ownership.organization|registry-asserted"]
    assert some["publisher"] == "github:acme/somepkg"
    assert _props(some, "publisher-source")[0].endswith("|signed")
    left = doc["pkg:npm/left-pad@1.3.0"]
    # A malformed e-mail is left out rather than written where the schema wants an address.
    assert left["supplier"] == {"name": "Acme Corporation", "url": ["https://acme.example"]}
    assert _props(left, "supplier-source") == ["codehost|owner.login|registry-asserted"]
    # Key order follows the schema: supplier and authors right after bom-ref.
    assert list(app)[:4] == ["type", "bom-ref", "authors", "publisher"]

    root = _valid_xml(cyclonedx_xml_report.render(rich))
    comps = {c.get("bom-ref"): c for c in root.iter(CDX + "component")}
    xml_app = comps["pkg:npm/app-ui@2.0.0"]
    assert xml_app.findtext(CDX + "publisher") == "alice <alice@acme.example>"
    assert xml_app.findtext(f"{CDX}authors/{CDX}author/{CDX}email") == "alice@acme.example"
    xml_left = comps["pkg:npm/left-pad@1.3.0"]
    assert xml_left.findtext(f"{CDX}supplier/{CDX}name") == "Acme Corporation"
    assert xml_left.findtext(f"{CDX}supplier/{CDX}url") == "https://acme.example"


def _normalized(doc: dict[str, Any]) -> dict[str, Any]:
    """Order-insensitive view: the library orders lists its own way."""
    doc = json.loads(json.dumps(doc))
    for comp in doc["components"]:
        # The library re-encodes purls (%3c -> %3C): the same purl, spelled its way.
        comp["purl"] = PackageURL.from_string(comp["purl"]).to_string()
        for key in ("properties", "hashes", "externalReferences", "authors"):
            if key in comp:
                comp[key] = sorted(comp[key], key=json.dumps)
    doc["components"] = sorted(doc["components"], key=lambda c: c["bom-ref"])
    doc["metadata"]["properties"] = sorted(doc["metadata"]["properties"], key=json.dumps)
    doc["dependencies"] = sorted(
        (
            {"ref": d["ref"], "dependsOn": sorted(d.get("dependsOn", []))}
            for d in doc["dependencies"]
        ),
        key=lambda d: d["ref"],
    )
    doc.pop("$schema", None)
    # The library's Bom has no compositions: the XML text gets them added (golden file).
    doc.pop("compositions", None)
    return doc


def test_json_and_xml_say_the_same(result: ScanResult) -> None:
    rich = with_people(result)
    ours = cyclonedx_json_report.document(rich)
    outputter = make_outputter(
        cyclonedx_xml_report.bom(rich), OutputFormat.JSON, SchemaVersion.V1_6
    )
    lib = json.loads(outputter.output_as_string())
    assert _normalized(ours) == _normalized(lib)


def test_hostile_text_is_safe_everywhere(result: ScanResult) -> None:
    rich = with_people(result)
    doc = cyclonedx_json_report.document(rich)
    values = [p["value"] for c in doc["components"] for p in c["properties"]]
    values += [c.get("publisher", "") for c in doc["components"]]
    values += [a.get("name", "") for c in doc["components"] for a in c.get("authors", ())]
    values += [c.get("supplier", {}).get("name", "") for c in doc["components"]]
    # Dependency-Track rejects control characters in property values and keeps 1024 of them.
    assert not any(re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", v) for v in values)
    assert all(len(v) <= 1024 for v in values)
    xml = cyclonedx_xml_report.render(rich)
    assert "\x1b" not in xml and "<img" not in xml
    _valid_xml(xml)
    assert clean("a" * 2000).endswith("…") and len(clean("a" * 2000)) == 1024


def test_taxonomy_documents_every_property(result: ScanResult) -> None:
    doc = cyclonedx_json_report.document(with_people(result))
    names = {p["name"] for c in doc["components"] for p in c["properties"]}
    names |= {p["name"] for p in doc["metadata"]["properties"]}
    text = (REPO / "docs" / "cyclonedx-taxonomy.md").read_text()
    assert all(n.startswith("icts-scan:") for n in names)
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, f"undocumented properties: {missing}"


def test_control_characters_in_inventory_names(result: ScanResult) -> None:
    # A lockfile can name a package with characters XML 1.0 cannot carry at all.
    evil = Component(
        "pkg:npm/evil@1.0",
        "npm",
        "evil\x1b[31m\x00\ud800",
        "1.0",
        locations=(Location("web/a\x07b.json", 1),),
    )
    inv = replace(result.inventory, components=(*result.inventory.components, evil))
    hostile = replace(result, inventory=inv)
    _valid_json(cyclonedx_json_report.render(hostile))
    root = _valid_xml(cyclonedx_xml_report.render(hostile))
    names = [c.findtext(CDX + "name") for c in root.iter(CDX + "component")]
    assert "evil\\u001b[31m\\u0000\\ud800" in names


@pytest.mark.parametrize("module", [cyclonedx_json_report, cyclonedx_xml_report])
def test_module_shape(module: Any) -> None:
    assert module.NAME.startswith("cyclonedx-")
    assert module.EXTENSION in (".cdx.json", ".cdx.xml")
    assert module.TITLE


def test_provenance_without_enrichment_is_unknown(result: ScanResult) -> None:
    bare = replace(result, enriched=Enriched())
    doc = cyclonedx_json_report.document(bare)
    assert {v for c in doc["components"] for v in _props(c, "provenance")} == {"unknown"}
    status = Provenance("pkg:npm/app-ui@2.0.0", (), (SourceStatus("npm", "offline"),))
    one = replace(result, enriched=Enriched({"pkg:npm/app-ui@2.0.0": status}))
    assert _props(
        _by_ref(cyclonedx_json_report.document(one))["pkg:npm/app-ui@2.0.0"], "provenance"
    ) == ["unknown"]


def test_reports_carry_the_inventorys_lifecycle_and_known_unknowns(result: ScanResult) -> None:
    inventory = replace(result.inventory, metadata={"sbom.lifecycles": "build"})
    scanned = replace(result, inventory=inventory)
    doc = _valid_json(cyclonedx_json_report.render(scanned))
    assert doc["metadata"]["lifecycles"] == [{"phase": "build"}]
    aggregates = {c["aggregate"] for c in doc["compositions"]}
    assert "complete" in aggregates and "unknown" in aggregates
    xml = _valid_xml(cyclonedx_xml_report.render(scanned))
    assert xml.findtext(f"{CDX}metadata/{CDX}lifecycles/{CDX}lifecycle/{CDX}phase") == "build"
    found = {a.text for a in xml.iter(f"{CDX}aggregate")}
    assert found == aggregates
