"""``icts-scan scan``: inventory, enrich, assess and report, with a policy-driven exit code."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.config import PROFILES, SEVERITIES


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
    p.add_argument("--fail-on", choices=SEVERITIES, help="exit 1 at or above this severity")
    p.add_argument("--profile", choices=PROFILES, help="jurisdiction profile (default: icts)")
    p.add_argument("--config", metavar="FILE", help="policy file (default: found in PATH)")
    p.add_argument("--offline", action="store_true", help="only the cache and local files")
    p.add_argument(
        "--no-network", action="store_true", help="skip provenance lookups (all unknown)"
    )
    p.add_argument(
        "--verify-attestations",
        action="store_true",
        help="verify Sigstore attestations (needs the 'verify' extra); verified facts are 'signed'",
    )
    p.add_argument("--strict", action="store_true", help="exit 3 when the scan is incomplete")
    p.set_defaults(run=run)


def _targets(specs: list[str]) -> list[tuple[str, str | None]]:
    out = []
    for spec in specs or ["table"]:
        fmt, _, path = spec.partition("=")
        out.append((fmt, path or None))
    return out


def run(args: argparse.Namespace) -> int:
    """Scan and report; 0 ok, 1 findings at or above fail-on, 2 usage, 3 incomplete (strict)."""
    import dataclasses
    import os

    import feeds
    from scanner import config as configuration
    from scanner.assess.policy import exit_code
    from scanner.endpoints import EndpointError
    from scanner.pipeline import ScanRequest, scan
    from scanner.report import terminal
    from scanner.report.formats import BY_NAME

    targets = _targets(args.report)
    unknown = [fmt for fmt, _ in targets if fmt not in BY_NAME]
    if unknown:
        print(
            f"icts-scan: error: unknown report format(s) {', '.join(unknown)} "
            f"(known: {', '.join(BY_NAME)})",
            file=sys.stderr,
        )
        return 2
    if sum(1 for _, path in targets if path is None) > 1:
        print(
            "icts-scan: error: only one report can go to stdout; give the others =PATH",
            file=sys.stderr,
        )
        return 2
    if not args.sbom and not os.path.isdir(args.path):
        print(f"icts-scan: error: {args.path}: not a folder", file=sys.stderr)
        return 2
    try:
        cfg = configuration.load(
            args.config or (None if args.sbom else configuration.find(args.path))
        )
        if args.profile:
            cfg = dataclasses.replace(cfg, profile=args.profile)
        if args.fail_on:
            cfg = dataclasses.replace(cfg, fail_on=args.fail_on)
        feedset = feeds.load()
        result = scan(
            ScanRequest(
                path=args.path,
                sbom=args.sbom,
                config=cfg,
                offline=args.offline or cfg.offline,
                network=not args.no_network,
                verify=args.verify_attestations,
            ),
            feedset,
        )
    except (configuration.ConfigError, EndpointError) as exc:
        print(f"icts-scan: error: {exc}", file=sys.stderr)
        return 2
    for fmt, path in targets:
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
    for issue in result.inventory.issues:
        where = f"{issue.path}:{issue.line}" if issue.line else issue.path
        print(f"icts-scan: {issue.severity}: {where}: {issue.message}", file=sys.stderr)
    return exit_code(result.findings, cfg.fail_on, result.incomplete, args.strict)
