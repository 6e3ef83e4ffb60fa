"""SBOM export: schema-valid CycloneDX 1.6 JSON/XML and SPDX 2.3, both CycloneDX writers agree."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import jsonschema
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from sbom.build import inventory_from_tree
from sbom.export import cyclonedx_json, cyclonedx_lib, render, spdx_json
from sbom.model import Component, Hash, Inventory, Location, Relationship
from tests.conftest import REPO

SPDX_SCHEMA = json.loads((REPO / "tests" / "schemas" / "spdx-schema-2.3.json").read_text())


def small_inventory() -> Inventory:
    a = Component(
        purl="pkg:npm/%40scope/a@1.0.0",
        ecosystem="npm",
        name="@scope/a",
        version="1.0.0",
        scope="required",
        direct=True,
        hashes=(Hash("SHA-512", "ab" * 64),),
        resolved=("https://registry.npm.invalid/@scope/a/-/a-1.0.0.tgz",),
        registries=("https://registry.npm.invalid",),
        locations=(Location("package-lock.json", 12),),
    )
    b = Component(
        purl="pkg:pypi/b@2.0",
        ecosystem="pypi",
        name="B",
        version="2.0",
        scope="dev",
        source_kind="vcs",
        source_url="git+https://example.invalid/b.git@0123abcd",
        locations=(Location("req.txt", 3), Location("sub/req.txt", None)),
    )
    c = Component(
        purl="pkg:maven/org.x/c",
        ecosystem="maven",
        name="org.x:c",
        version=None,
        requirement="[1.0,2.0)",
    )
    return Inventory(
        root="/somewhere/demo",
        components=(a, b, c),
        relationships=(
            Relationship("pkg:npm/%40scope/a@1.0.0", "pkg:pypi/b@2.0"),
            Relationship("", "pkg:maven/org.x/c"),
        ),
    )


@pytest.fixture(scope="module")
def corpus_inventory(corpus: Path) -> Inventory:
    return inventory_from_tree(
        str(corpus / "cargo-lock-v4" / "rust-lang__crates.io"), use_git=False
    )


def test_cyclonedx_json_is_schema_valid() -> None:
    text = render(small_inventory(), "cyclonedx-json")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None


def test_cyclonedx_xml_is_schema_valid() -> None:
    text = render(small_inventory(), "cyclonedx-xml")
    assert XmlValidator(SchemaVersion.V1_6).validate_str(text) is None


def test_corpus_outputs_are_schema_valid(corpus_inventory: Inventory) -> None:
    assert (
        JsonStrictValidator(SchemaVersion.V1_6).validate_str(
            render(corpus_inventory, "cyclonedx-json")
        )
        is None
    )
    jsonschema.validate(json.loads(render(corpus_inventory, "spdx-json")), SPDX_SCHEMA)


def test_spdx_is_schema_valid() -> None:
    doc = json.loads(render(small_inventory(), "spdx-json"))
    jsonschema.validate(doc, SPDX_SCHEMA)
    rels = {(r["spdxElementId"], r["relatedSpdxElement"]) for r in doc["relationships"]}
    ids = {p["externalRefs"][0]["referenceLocator"]: p["SPDXID"] for p in doc["packages"][1:]}
    assert ("SPDXRef-Root", ids["pkg:npm/%40scope/a@1.0.0"]) in rels
    assert (ids["pkg:npm/%40scope/a@1.0.0"], ids["pkg:pypi/b@2.0"]) in rels


def _normalized(doc: dict) -> dict:  # type: ignore[type-arg]
    """Order-insensitive view: the two writers order lists differently."""
    doc = json.loads(json.dumps(doc))
    for comp in doc["components"]:
        for key in ("properties", "hashes", "externalReferences"):
            if key in comp:
                comp[key] = sorted(comp[key], key=json.dumps)
        if "evidence" in comp:
            comp["evidence"]["occurrences"] = sorted(
                comp["evidence"]["occurrences"], key=json.dumps
            )
    doc["components"] = sorted(doc["components"], key=lambda c: c["bom-ref"])
    doc["dependencies"] = sorted(
        (
            {"ref": d["ref"], "dependsOn": sorted(d.get("dependsOn", []))}
            for d in doc["dependencies"]
        ),
        key=lambda d: d["ref"],
    )
    doc["metadata"].pop("tools", None)
    doc.pop("$schema", None)
    return doc


@pytest.mark.parametrize("which", ["small", "corpus"])
def test_fast_writer_matches_library(which: str, request: pytest.FixtureRequest) -> None:
    inv = small_inventory() if which == "small" else request.getfixturevalue("corpus_inventory")
    ours = json.loads(cyclonedx_json.render(inv, reproducible=True))
    lib = json.loads(cyclonedx_lib.render(inv, "json", reproducible=True))
    assert _normalized(ours) == _normalized(lib)


def test_reproducible_output_is_stable() -> None:
    inv = small_inventory()
    for fmt in ("cyclonedx-json", "cyclonedx-xml", "spdx-json"):
        assert render(inv, fmt, reproducible=True) == render(inv, fmt, reproducible=True)
    doc = json.loads(render(inv, "cyclonedx-json", reproducible=True))
    assert "serialNumber" not in doc and "timestamp" not in doc["metadata"]
    assert json.loads(render(inv, "cyclonedx-json"))["serialNumber"].startswith("urn:uuid:")


def test_dependency_graph_root_and_edges() -> None:
    doc = cyclonedx_json.document(small_inventory(), reproducible=True)
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert deps["root"] == ["pkg:maven/org.x/c", "pkg:npm/%40scope/a@1.0.0"]
    assert deps["pkg:npm/%40scope/a@1.0.0"] == ["pkg:pypi/b@2.0"]
    comp = {c["bom-ref"]: c for c in doc["components"]}
    assert comp["pkg:npm/%40scope/a@1.0.0"]["group"] == "@scope"
    assert comp["pkg:pypi/b@2.0"]["scope"] == "excluded"
    assert comp["pkg:maven/org.x/c"]["group"] == "org.x"


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown SBOM format"):
        render(small_inventory(), "yaml")


def test_spdx_checksum_names() -> None:
    assert set(spdx_json.SPDX_ALG) >= {"SHA-1", "SHA-256", "SHA-512"}


def test_xml_export_survives_control_characters_from_lockfiles() -> None:
    bad = Component(
        purl="pkg:npm/x@1",
        ecosystem="npm",
        name="x\x01\x1b[31m",
        version="1",
        requirement="^1 \x00",
    )
    text = render(Inventory(root="r", components=(bad,)), "cyclonedx-xml", reproducible=True)
    assert XmlValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert "\\u0001" in text and "\x01" not in text


def test_a_root_without_dependencies_warns_nobody() -> None:
    """A pinned requirements file names no direct dependencies: the compositions say the graph
    is incomplete, and the library's warning (with its own file path) never reaches a user."""
    only = Component(
        purl="pkg:pypi/requests@2.31.0", ecosystem="pypi", name="requests", version="2.31.0"
    )
    inv = Inventory(root="r", components=(only,))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for fmt in ("cyclonedx-xml", "cyclonedx-json"):
            render(inv, fmt, reproducible=True)
    assert [str(w.message) for w in seen] == []
