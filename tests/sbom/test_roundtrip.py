"""Export then ingest gives the same inventory: our own SBOMs and cdxgen's survive the trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sbom.build import inventory_from_tree
from sbom.export import render
from sbom.ingest import ingest
from sbom.model import Component, Inventory


def _facts(inv: Inventory) -> tuple[list[Component], set[tuple[str, str]]]:
    """Everything but where each component was seen (an SBOM is a new place)."""
    # Where a graph is given, "not a root dependency" reads back as indirect (False).
    comps = [replace(c, locations=(), direct=bool(c.direct)) for c in inv.components]
    edges = {(r.source, r.target) for r in inv.relationships}
    # A direct component hangs off the root in every SBOM format.
    edges.update(("", c.purl) for c in inv.components if c.direct)
    return comps, edges


def _trip(inv: Inventory, fmt: str) -> Inventory:
    data = render(inv, fmt, reproducible=True).encode()
    out = ingest(data, f"bom.{fmt}")
    assert [i for i in out.issues if i.severity == "error"] == []
    return out


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml"])
def test_our_sbom_round_trips(corpus: Path, fmt: str) -> None:
    inv = inventory_from_tree(str(corpus / "cargo-lock-v3" / "tikv__tikv"), use_git=False)
    assert len(inv.components) > 800
    assert _facts(_trip(inv, fmt)) == _facts(inv)


def test_spdx_round_trip_keeps_identity_versions_hashes_and_edges(corpus: Path) -> None:
    inv = inventory_from_tree(str(corpus / "cargo-lock-v4" / "rust-lang__crates.io"), use_git=False)
    back = _trip(inv, "spdx-json")
    key = lambda c: (c.purl, c.version, c.hashes)  # noqa: E731
    assert sorted(map(key, back.components)) == sorted(map(key, inv.components))
    assert {(r.source, r.target) for r in back.relationships} == _facts(inv)[1]


def test_cdxgen_sbom_round_trips(corpus: Path) -> None:
    for path in sorted((corpus / "sboms").glob("cdxgen-*/*")):
        first = ingest(path.read_bytes(), path.name)
        assert first.components, path
        assert _facts(_trip(first, "cyclonedx-json")) == _facts(first), path
