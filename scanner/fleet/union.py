"""The fleet's union of components: each package version looked up once, its answer shared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from sbom.model import Component, Inventory
from scanner.enrich.model import Enriched, Provenance
from scanner.enrich.run import coverage

# What a lookup depends on besides the purl: a package from a private registry or a git source
# is not the public package of the same name, so those variants are looked up apart.
Key = tuple[str, tuple[str, ...], str, str | None]


def key(c: Component) -> Key:
    return (c.purl, c.registries, c.source_kind, c.source_url)


def layers(inventories: Iterable[Inventory]) -> list[tuple[Component, ...]]:
    """Distinct lookup subjects, in layers whose purls are unique (enrichment keys by purl)."""
    subjects: dict[Key, Component] = {}
    for inv in inventories:
        for c in inv.components:
            # Where a repository found it plays no part in who publishes it.
            subjects.setdefault(key(c), replace(c, locations=(), scope=None, direct=None))
    out: list[dict[str, Component]] = []
    for k, c in sorted(subjects.items(), key=lambda kv: (kv[0][0], str(kv[0][1:]))):
        layer = next((layer for layer in out if k[0] not in layer), None)
        if layer is None:
            layer = {}
            out.append(layer)
        layer[k[0]] = c
    return [tuple(layer.values()) for layer in out]


def share(inventory: Inventory, answers: Mapping[Key, Provenance]) -> Enriched:
    """One repository's provenance out of the fleet's answers."""
    prov = {c.purl: answers.get(key(c), Provenance(c.purl)) for c in inventory.components}
    return Enriched(prov, coverage(prov))
