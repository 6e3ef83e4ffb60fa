"""``icts-scan diff``: what a change introduces between two git revisions, read from git objects."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.commands import options


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
    options.add_policy(p, fail_help="exit 1 for a new finding at or above this")
    options.add_lookups(p)
    p.add_argument("--strict", action="store_true", help="exit 3 when either scan is incomplete")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Diff and report; 0 ok, 1 new findings at or above fail-on, 2 usage, 3 incomplete (strict)."""
    import os

    import feeds
    from sbom.build import inventory_from_tree
    from scanner import config as configuration
    from scanner.diff import changes as diff
    from scanner.diff import gitrev
    from scanner.diff.report import FORMATS, render
    from scanner.net.endpoints import EndpointError
    from scanner.report.terminal import use_color

    targets, problem = options.report_targets(args.report, FORMATS)
    if problem:
        return options.error(problem)
    if not os.path.isdir(args.path):
        return options.error(f"{args.path}: not a folder")
    try:
        cfg = options.load_policy(args, args.path)
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
            max_time=args.max_time,
        )
    except (configuration.ConfigError, EndpointError, gitrev.RevisionError) as exc:
        return options.error(str(exc))
    for fmt, path in targets:
        text = render(fmt, result, color=path is None and use_color(sys.stdout.isatty()))
        if path is None:
            sys.stdout.write(text)
        else:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    options.print_issues(result.head_scan.inventory.issues)
    return result.exit_code(args.strict)
