"""``icts-scan diff``: what a change introduces between two git revisions, read from git objects."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.config import PROFILES, SEVERITIES


def register(sub: Any) -> None:
    """Add the ``diff`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "diff",
        help="report what a change introduces between two git revisions (pull requests)",
        description="Read lockfiles and manifests at --base (and --head, default the working "
        "tree) straight from git objects, scan both and report what the change introduces: new "
        "components, new findings, provenance changes of kept packages and waivers that became "
        "stale. Exit 1 only for a new finding at or above --fail-on.",
    )
    p.add_argument("path", nargs="?", default=".", help="folder in a git work tree (default: .)")
    p.add_argument(
        "--base", required=True, metavar="REV", help="the revision the change starts from"
    )
    p.add_argument("--head", metavar="REV", help="the changed revision (default: the working tree)")
    p.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT[=PATH]",
        help="table, json, markdown or sarif (repeatable); without =PATH it goes to stdout",
    )
    p.add_argument(
        "--fail-on", choices=SEVERITIES, help="exit 1 for a new finding at or above this"
    )
    p.add_argument("--profile", choices=PROFILES, help="jurisdiction profile (default: icts)")
    p.add_argument("--config", metavar="FILE", help="policy file (default: found in PATH)")
    p.add_argument("--offline", action="store_true", help="only the cache and local files")
    p.add_argument(
        "--no-network", action="store_true", help="skip provenance lookups (all unknown)"
    )
    p.add_argument(
        "--verify-attestations", action="store_true", help="verify Sigstore attestations"
    )
    p.add_argument("--strict", action="store_true", help="exit 3 when either scan is incomplete")
    p.set_defaults(run=run)


def _fail(message: str) -> int:
    print(f"icts-scan: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Diff and report; 0 ok, 1 new findings at or above fail-on, 2 usage, 3 incomplete (strict)."""
    import dataclasses
    import os

    import feeds
    from sbom.build import inventory_from_tree
    from scanner import config as configuration
    from scanner import diff, gitrev
    from scanner.diff_report import FORMATS, render
    from scanner.endpoints import EndpointError
    from scanner.report.terminal import use_color

    targets = [
        (fmt, path or None) for fmt, _, path in (s.partition("=") for s in args.report or ["table"])
    ]
    unknown = [fmt for fmt, _ in targets if fmt not in FORMATS]
    if unknown:
        return _fail(f"unknown report format(s) {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    if sum(1 for _, path in targets if path is None) > 1:
        return _fail("only one report can go to stdout; give the others =PATH")
    if not os.path.isdir(args.path):
        return _fail(f"{args.path}: not a folder")
    try:
        cfg = configuration.load(args.config or configuration.find(args.path))
        if args.profile:
            cfg = dataclasses.replace(cfg, profile=args.profile)
        if args.fail_on:
            cfg = dataclasses.replace(cfg, fail_on=args.fail_on)
        repo = gitrev.open_repository(args.path)
        base = diff.Revision(args.base, gitrev.resolve(repo, args.base, "base"))
        head = diff.Revision(args.head or "working tree")
        if args.head:
            head = diff.Revision(args.head, gitrev.resolve(repo, args.head, "head"))
        base_inventory = gitrev.inventory_at(repo, str(base.commit))
        head_inventory = (
            gitrev.inventory_at(repo, head.commit)
            if head.commit
            else inventory_from_tree(args.path)
        )
        result = diff.run(
            base,
            base_inventory,
            head,
            head_inventory,
            feeds.load(),
            cfg,
            path=args.path,
            offline=args.offline or cfg.offline,
            network=not args.no_network,
            verify=args.verify_attestations,
        )
    except (configuration.ConfigError, EndpointError, gitrev.RevisionError) as exc:
        return _fail(str(exc))
    for fmt, path in targets:
        text = render(fmt, result, color=path is None and use_color(sys.stdout.isatty()))
        if path is None:
            sys.stdout.write(text)
        else:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    for issue in result.head_scan.inventory.issues:
        where = f"{issue.path}:{issue.line}" if issue.line else issue.path
        print(f"icts-scan: {issue.severity}: {where}: {issue.message}", file=sys.stderr)
    return result.exit_code(args.strict)
