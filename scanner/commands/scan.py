"""``icts-scan scan``: inventory, enrich, assess and report, with a policy-driven exit code."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from scanner.commands import options

if TYPE_CHECKING:
    from scanner.assess.model import Finding
    from scanner.monorepo.projects import Tree
    from scanner.pipeline import ScanResult
    from scanner.progress import Progress


def register(sub: Any) -> None:
    """Add the ``scan`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "scan",
        help="find dependencies linked to foreign-adversary entities, with evidence",
        description="Inventory PATH (or --sbom FILE), enrich every component with provenance, "
        "assess it against the knowledge base and write reports. Findings are indicators for "
        "review; only an issued Final Determination makes a component 'prohibited'.",
    )
    p.add_argument("path", nargs="?", default=".", help="folder to scan (default: .)")
    p.add_argument("--sbom", metavar="FILE", help="scan this CycloneDX/SPDX document instead")
    p.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT[=PATH]",
        help="write a report (repeatable); without =PATH it goes to stdout",
    )
    options.add_policy(p)
    options.add_lookups(p)
    p.add_argument("--strict", action="store_true", help="exit 3 when the scan is incomplete")
    p.add_argument(
        "--sbom-dir",
        metavar="DIR",
        help="also write one enriched CycloneDX JSON SBOM per project (monorepos) into DIR",
    )
    p.add_argument(
        "--shard",
        metavar="I/N",
        type=_shard,
        help="scan only shard I of N (1-based) of the projects, for CI matrices: project "
        "folders sorted by path, dealt round-robin",
    )
    p.add_argument(
        "--reproducible",
        action="store_true",
        help="per-project SBOMs dated SOURCE_DATE_EPOCH (else 1970-01-01): same input, same bytes",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: on a terminal only; plain lines, no bars, in CI)",
    )
    p.set_defaults(run=run)


def _shard(text: str) -> tuple[int, int]:
    from scanner.monorepo.projects import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Scan and report; 0 ok, 1 findings at or above fail-on, 2 usage, 3 incomplete (strict)."""
    import dataclasses
    import os
    import time

    import feeds
    from scanner import config as configuration
    from scanner.assess.policy import exit_code
    from scanner.net.endpoints import EndpointError
    from scanner.pipeline import ScanRequest, scan
    from scanner.progress import Progress, choose
    from scanner.report import terminal
    from scanner.report.formats import BY_NAME

    targets, problem = options.report_targets(args.report, BY_NAME)
    if problem:
        return options.error(problem)
    if not args.sbom and not os.path.isdir(args.path):
        print(f"icts-scan: error: {args.path}: not a folder", file=sys.stderr)
        return 2
    monorepo = bool(args.sbom_dir or args.shard)
    if monorepo and args.sbom:
        print("icts-scan: error: --sbom-dir and --shard scan a folder, not --sbom", file=sys.stderr)
        return 2
    stamp = _stamp() if args.reproducible else None
    if stamp == "":
        print("icts-scan: error: SOURCE_DATE_EPOCH must be a whole number", file=sys.stderr)
        return 2
    if args.sbom_dir:
        try:
            os.makedirs(args.sbom_dir, exist_ok=True)
        except OSError as exc:
            print(f"icts-scan: error: {args.sbom_dir}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    progress = Progress(choose(args.progress, sys.stderr), sys.stderr)
    try:
        cfg = options.load_policy(args, None if args.sbom else args.path)
        feedset = feeds.load()
        request = ScanRequest(
            path=args.path,
            sbom=args.sbom,
            config=cfg,
            offline=args.offline or cfg.offline,
            network=not args.no_network,
            verify=args.verify_attestations,
            max_time=args.max_time,
        )
        tree, selected = None, None
        if monorepo:
            from scanner.monorepo import projects

            t0 = time.perf_counter()
            tree, selected = _projects(args, progress)
            read = time.perf_counter() - t0
            # Without a shard the tree's inventory is the whole scan already.
            inventory = projects.select(tree, selected) if args.shard else tree.inventory
            request = dataclasses.replace(request, inventory=inventory, history=True)
        progress.stage("scan", "lookups")
        result = scan(dataclasses.replace(request, progress=progress.advance), feedset)
        progress.done(", ".join(f"{s.name} {s.status}" for s in result.stages))
        if tree is not None:
            # The tree was read before the pipeline ran; its inventory stage includes that.
            stages = [
                dataclasses.replace(s, seconds=s.seconds + read) if s.name == "inventory" else s
                for s in result.stages
            ]
            result = dataclasses.replace(result, stages=tuple(stages), projects=tree.projects)
    except (configuration.ConfigError, EndpointError) as exc:
        progress.clear()
        print(f"icts-scan: error: {exc}", file=sys.stderr)
        return 2
    if tree is not None and args.sbom_dir:
        try:
            _write_sboms(result, tree, args, stamp, progress)
        except OSError as exc:
            progress.clear()
            print(f"icts-scan: error: {args.sbom_dir}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    for fmt, path in targets:
        write = getattr(BY_NAME.get(fmt), "write", None)
        if write is not None:  # streamed: a report of a huge inventory is never held whole
            if path is None:
                write(result, sys.stdout)
            else:
                with open(path, "w", encoding="utf-8") as fh:
                    write(result, fh)
            continue
        if fmt == "table":
            text = terminal.render(
                result, color=path is None and terminal.use_color(sys.stdout.isatty())
            )
        else:
            text = BY_NAME[fmt].render(result)
        if path is None:
            sys.stdout.write(text)
        else:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    progress.finish(
        f"{len(result.inventory.components)} components, "
        f"{sum(1 for f in result.findings if not f.waiver)} findings"
    )
    options.print_issues(result.inventory.issues)
    code = exit_code(result.findings, cfg.fail_on, result.incomplete, args.strict)
    return 1 if code == 0 and result.unknown_over_limit else code


def _stamp() -> str:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) as an ISO time; '' when malformed."""
    import os

    try:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
        return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, OSError):
        return ""


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


def _write_sboms(
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
