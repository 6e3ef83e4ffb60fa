"""Assessment: every check over every component, with its entity links and dependency paths."""

from __future__ import annotations

from feeds import FeedSet
from sbom.model import Inventory
from scanner.assess.checks import CHECKS, INVENTORY_CHECKS
from scanner.assess.links import entity_links
from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.assess.paths import PathFinder
from scanner.assess.subject import Subject
from scanner.enrich.model import Enriched, Provenance


def assess(inventory: Inventory, enriched: Enriched, feeds: FeedSet, profile: str) -> list[Finding]:
    """Findings for the inventory, most severe first, then by purl and check."""
    paths = PathFinder(inventory)
    order = {record.id: i for i, (record, _) in enumerate(CHECKS)}
    findings: list[Finding] = []
    subjects = []
    for comp in inventory.components:
        prov = enriched.provenance.get(comp.purl, Provenance(comp.purl))
        links = tuple(entity_links(comp, prov.facts, feeds, profile))
        subject = Subject(comp, prov, links, feeds, profile, paths.paths(comp.purl))
        subjects.append(subject)
        for _, run in CHECKS:
            findings.extend(run(subject))
    for run_all in INVENTORY_CHECKS:
        findings.extend(run_all(subjects))
    findings.sort(
        key=lambda f: (-SEVERITY_RANK[f.severity], f.purl, order[f.check], f.entity or "")
    )
    return findings
