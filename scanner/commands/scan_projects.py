"""Monorepo scans: read the tree once, pick a shard's projects, write one enriched SBOM per project."""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.assess.model import Finding
    from scanner.monorepo.projects import Tree
    from scanner.pipeline import ScanRequest, ScanResult
    from scanner.progress import Progress


def read_tree(
    args: argparse.Namespace, request: ScanRequest, progress: Progress
) -> tuple[Tree, ScanRequest, float]:
    """The tree (read once), the request for this shard's projects, and seconds spent reading."""
    from scanner.monorepo import projects

    t0 = time.perf_counter()
    tree, selected = _projects(args, progress)
    # Without a shard the tree's inventory is the whole scan already.
    inventory = projects.select(tree, selected) if args.shard else tree.inventory
    request = dataclasses.replace(request, inventory=inventory, history=True)
    return tree, request, time.perf_counter() - t0


def with_tree(result: ScanResult, tree: Tree, read: float) -> ScanResult:
    """The result with the tree's projects, its inventory stage including the tree read."""
    stages = [
        dataclasses.replace(s, seconds=s.seconds + read) if s.name == "inventory" else s
        for s in result.stages
    ]
    return dataclasses.replace(result, stages=tuple(stages), projects=tree.projects)


def _projects(args: argparse.Namespace, progress: Progress) -> tuple[Tree, list[str]]:
    """Read the tree once and pick this shard's projects (all of them without --shard)."""
    from scanner.monorepo import projects

    progress.stage("inventory", "files")
    tree = projects.build(args.path, tick=progress.advance)
    names = sorted(set(tree.projects.values()))
    selected = projects.shard(names, *args.shard) if args.shard else names
    where = f"; shard {args.shard[0]}/{args.shard[1]}: {len(selected)}" if args.shard else ""
    progress.done(
        f"{len(tree.inventory.components)} components from {len(tree.inventory.files)} files, "
        f"{len(names)} projects{where}"
    )
    return tree, selected


def write_sboms(
    result: ScanResult, tree: Tree, args: argparse.Namespace, stamp: str | None, progress: Progress
) -> None:
    """One enriched CycloneDX JSON per project of the scan, plus an index of them."""
    import json
    import os
    from dataclasses import replace

    from sbom.export.fields import NS
    from sbom.safe_text import json_text
    from scanner.enrich.model import Enriched
    from scanner.enrich.run import coverage
    from scanner.monorepo import projects
    from scanner.report import cyclonedx_json_report
    from scanner.report.cyclonedx_enrich import serial_number

    per = projects.split(result.inventory, tree.projects, tree.parts)
    # Over every project, not this shard's: a file name never depends on the sharding.
    stems = projects.file_names({*tree.projects.values(), *per})
    finished = stamp or result.finished
    base = os.path.basename(os.path.abspath(args.path)) or "project"
    provenance = result.enriched.provenance
    by_purl: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_purl.setdefault(finding.purl, []).append(finding)
    index = []
    progress.stage("SBOMs", "projects")
    for n, (name, inv) in enumerate(per.items(), 1):
        purls = {c.purl for c in inv.components}
        paths = {f.path for f in inv.files}
        prov = {p: provenance[p] for p in purls if p in provenance}
        findings = tuple(
            replace(f, locations=tuple(loc for loc in f.locations if loc[0] in paths))
            for p in sorted(purls & by_purl.keys())
            for f in by_purl[p]
        )
        own = replace(
            result,
            inventory=inv,
            enriched=Enriched(prov, coverage(prov)),
            findings=findings,
            finished=finished,
        )
        doc = cyclonedx_json_report.document(own)
        meta = doc["metadata"]
        meta["component"]["name"] = f"{base}/{name}" if name else base
        meta["properties"] = sorted(
            [*meta["properties"], {"name": NS + "project", "value": name or "."}],
            key=lambda p: (p["name"], p["value"]),
        )
        doc["serialNumber"] = serial_number(doc)
        file = stems[name] + ".cdx.json"
        text = json_text(json.dumps(doc, ensure_ascii=False)) + "\n"
        with open(os.path.join(args.sbom_dir, file), "w", encoding="utf-8") as fh:
            fh.write(text)
        index.append(
            {
                "project": name or ".",
                "sbom": file,
                "files": sorted(paths),
                "components": len(inv.components),
                "findings": sum(1 for f in findings if not f.waiver),
            }
        )
        progress.advance(n, len(per))
    shard = f"-shard-{args.shard[0]}-of-{args.shard[1]}" if args.shard else ""
    with open(os.path.join(args.sbom_dir, f"projects{shard}.json"), "w", encoding="utf-8") as fh:
        json.dump({"shard": list(args.shard or (1, 1)), "projects": index}, fh, indent=2)
        fh.write("\n")
    progress.done(f"{len(index)} written to {args.sbom_dir}")
