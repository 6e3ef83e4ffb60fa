"""Exports carry the CISA 2025 minimum elements where the inputs have them; --check-minimum says which."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from sbom import licenses
from sbom.build import inventory_from_tree
from sbom.export import cyclonedx_json, render
from sbom.export.completeness import RECORDS
from sbom.formats_index import FORMATS
from sbom.model import Inventory
from scanner.cli import main
from tests.conftest import REPO

SPDX_SCHEMA = json.loads((REPO / "tests" / "schemas" / "spdx-schema-2.3.json").read_text())


def tree(corpus: Path, folder: str) -> Inventory:
    return inventory_from_tree(str(corpus / folder), use_git=False)


def compositions(inv: Inventory) -> dict[str, list[str]]:
    doc = cyclonedx_json.document(inv, reproducible=True)
    return {c["aggregate"]: c["dependencies"] for c in doc["compositions"][1:]} | {
        "root": [doc["compositions"][0]["aggregate"]]
    }


@pytest.mark.parametrize(
    "folder",
    [
        "npm-lock-v3/gravity-ui__uikit",
        "composer-lock/composer__packagist",
        "maven-pom/apache__rocketmq",
    ],
)
def test_exports_with_licenses_lifecycles_and_compositions_validate(
    corpus: Path, folder: str
) -> None:
    inv = tree(corpus, folder)
    cdx = render(inv, "cyclonedx-json", reproducible=True, tool_version="0.0.0-test")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(cdx) is None
    xml = render(inv, "cyclonedx-xml", reproducible=True, tool_version="0.0.0-test")
    assert XmlValidator(SchemaVersion.V1_6).validate_str(xml) is None
    assert "<compositions>" in xml and "<phase>pre-build</phase>" in xml
    spdx = json.loads(render(inv, "spdx-json", reproducible=True, tool_version="0.0.0-test"))
    jsonschema.validate(spdx, SPDX_SCHEMA)
    assert spdx["creationInfo"]["comment"] == "lifecycle: pre-build"
    doc = json.loads(cdx)
    assert doc["metadata"]["lifecycles"] == [{"phase": "pre-build"}]
    assert doc["metadata"]["tools"]["components"][0]["version"]


def test_npm_lockfile_licenses_are_exported(corpus: Path) -> None:
    inv = tree(corpus, "npm-lock-v3/gravity-ui__uikit")
    declared = [c for c in inv.components if c.licenses]
    assert len(declared) == 1600  # 4 entries of package-lock.json carry no "license"
    doc = cyclonedx_json.document(inv, reproducible=True)
    by_ref = {c["bom-ref"]: c for c in doc["components"]}
    assert by_ref["pkg:npm/react@18.3.1"]["licenses"] == [{"license": {"id": "MIT"}}]
    expressions = {
        c["licenses"][0]["expression"]
        for c in by_ref.values()
        if "expression" in c.get("licenses", [{}])[0]
    }
    assert "(MIT OR CC0-1.0)" in expressions


def test_composer_licenses_and_alternatives(corpus: Path) -> None:
    inv = tree(corpus, "composer-lock/composer__composer")
    assert inv.by_purl()["pkg:composer/composer/ca-bundle@1.5.12"].licenses == ("MIT",)
    # Composer lists alternatives as an array ("any of them"): one OR expression.
    alternatives = licenses.declared(["MIT", "GPL-2.0-or-later"])
    assert licenses.cyclonedx(alternatives) == [{"expression": "MIT OR GPL-2.0-or-later"}]
    assert licenses.declared("UNLICENSED") == licenses.declared("SEE LICENSE IN x") == ()
    assert licenses.cyclonedx(("Apache 2.0",)) == [{"license": {"name": "Apache 2.0"}}]


@pytest.mark.parametrize(
    ("folder", "root", "graph"),
    [
        ("cargo-lock-v3/tikv__tikv", "complete", "complete"),  # every crate's dependencies
        ("go-mod/cloudwego__kitex", "complete", "unknown"),  # the module set, no edges
        ("maven-pom/apache__rocketmq", "incomplete", "unknown"),  # a manifest: no transitives
        ("vcpkg-json/rustdesk__rustdesk", "incomplete", "unknown"),
    ],
)
def test_compositions_say_what_is_known(corpus: Path, folder: str, root: str, graph: str) -> None:
    inv = tree(corpus, folder)
    comps = compositions(inv)
    assert comps["root"] == [root]
    assert sorted(comps[graph]) == sorted(c.purl for c in inv.components)


def test_every_format_says_what_it_records() -> None:
    assert set(RECORDS) == {name for name, *_ in FORMATS}
    assert set(RECORDS.values()) == {"graph", "set", "declared"}


def test_check_minimum_reports_per_element(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sbom.json"
    folder = str(corpus / "go-mod" / "cloudwego__kitex")
    assert main(["sbom", folder, "--no-git", "-o", str(out), "--check-minimum"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "  ok      Component hash: 41/41 components" in err
    assert any(line.startswith("  missing License: 0/41 components") for line in err)
    assert "  ok      Generation context (lifecycle)" in err
    assert "  ok      Known unknowns (compositions)" in err
    assert any(line.startswith("  missing Software producer (supplier): 0/41") for line in err)
    assert (
        main(
            ["sbom", folder, "--no-git", "--format", "spdx-json", "-o", str(out), "--check-minimum"]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "missing Known unknowns (compositions) (SPDX 2.3 has no compositions)" in err


def test_the_spdx_list_read_directly_is_the_librarys(monkeypatch: pytest.MonkeyPatch) -> None:
    from cyclonedx.spdx import is_supported_id

    sample = ["MIT", "Apache-2.0", "GPL-2.0-or-later", "Classpath-exception-2.0", "mit", "Foo"]
    assert [licenses.is_id(v) for v in sample] == [bool(is_supported_id(v)) for v in sample]
    # A library version that moved its copy of the list: the public API answers instead.
    monkeypatch.setattr(licenses, "_spdx_ids", lambda: None)
    assert [licenses.is_id(v) for v in sample] == [True, True, True, True, False, False]
