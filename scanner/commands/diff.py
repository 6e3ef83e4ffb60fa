"""``icts-scan diff``: what a change introduces between two git revisions, read from git objects."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.commands import exits, options
from scanner.text import document


def register(sub: Any) -> None:
    """Add the ``diff`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "diff",
        help="report what a change introduces between two git revisions (pull requests)",
        description="Read lockfiles and manifests at --base (and --head, default the working "
        "tree) straight from git objects, scan both and report what the change introduces: new "
        "components, new findings, provenance changes of kept packages and waivers that became "
        "stale. The policy that judges the change is the base revision's (or an operator's "
        "--config outside the repository): a change cannot waive or relax checks for itself, "
        "and a policy change is reported for review. Exit 1 for a new finding at or above "
        "--fail-on, or a policy change (unless --accept-policy-change).",
        epilog=exits.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    p.add_argument(
        "--accept-policy-change",
        action="store_true",
        help="report a change of the policy file without failing on it (it never judges the "
        "change itself either way)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Diff and report; 0 ok, 1 new findings at or above fail-on, 2 usage, 3 incomplete (strict)."""
    import dataclasses
    import os

    import feeds
    from sbom.build import inventory_from_tree
    from scanner import config as configuration
    from scanner.diff import changes as diff
    from scanner.diff import gitrev, policy
    from scanner.diff.report import FORMATS, render
    from scanner.net.endpoints import EndpointError
    from scanner.report.terminal import use_color

    targets, problem = options.report_targets(args.report, FORMATS)
    if problem:
        return options.error(problem)
    if not os.path.isdir(args.path):
        return options.error(f"{args.path}: not a folder")
    blocked = exits.unwritable(path for _, path in targets)
    if blocked:
        return exits.fail(blocked)
    try:
        repo = gitrev.open_repository(args.path)
        base = diff.Revision(args.base, gitrev.resolve(repo, args.base, "base"))
        head = diff.Revision(args.head or "working tree")
        if args.head:
            head = diff.Revision(args.head, gitrev.resolve(repo, args.head, "head"))
        # The base revision's policy judges the change; the head's is only compared with it.
        judging, proposed, source = policy.policies(
            repo, str(base.commit), head.commit, args.config, args.path
        )
        cfg = options.with_flags(judging, args)
        cfg = policy.tree_lookups(cfg, bool(args.trust_tree_endpoints))
        if args.negative_ttl is not None:
            cfg = dataclasses.replace(cfg, negative_ttl=args.negative_ttl)
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
        return exits.fail(str(exc))
    result = dataclasses.replace(
        result, policy_source=source, policy_changes=policy.changes(judging, proposed)
    )
    failed = None
    for fmt, path in targets:
        color = path is None and use_color(sys.stdout.isatty())
        text = render(fmt, result, color=color)
        if path is None:
            document(text, colors=color)
        else:
            failed = failed or exits.write_text(path, text)
    options.print_issues(result.head_scan.inventory.issues)
    if failed:
        return exits.fail(failed)
    if result.policy_changes:
        exits.say(
            f"this change edits the policy ({len(result.policy_changes)} change(s)); it was judged "
            f"by {source}: review the policy change before merging",
            "policy",
        )
    code = result.exit_code(args.strict)
    if code == exits.OK and result.policy_changes and not args.accept_policy_change:
        return exits.FINDINGS
    return code
