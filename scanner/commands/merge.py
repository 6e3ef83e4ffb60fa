"""``icts-scan merge``: the JSON reports of ``scan --shard i/n`` as one report and one recorded run."""

from __future__ import annotations

import argparse
from typing import Any

from scanner.commands import options, store_options
from scanner.config import SEVERITIES

# Formats a merged result renders faithfully: JSON reports keep no dependency graph, hashes or
# download URLs, which the CycloneDX and evidence formats need (keep the shards' own files).
FORMATS = ("table", "json", "markdown", "sarif", "html")


def register(sub: Any) -> None:
    """Add the ``merge`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "merge",
        help="merge the JSON reports of a sharded scan into one report and one store run",
        description="Read the JSON reports that `icts-scan scan --shard I/N --report json=…` "
        "wrote (one per matrix job), combine them into the result an unsharded scan gives, "
        "write reports and record it as one run with --store.",
    )
    p.add_argument("reports", nargs="+", metavar="REPORT.json", help="the shards' JSON reports")
    options.add_reports(p, ", ".join(FORMATS))
    p.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 1 at or above this (default: the shards')",
    )
    p.add_argument("--strict", action="store_true", help="exit 3 when any shard was incomplete")
    store_options.add_store(p, store_options.STORE_HELP + "; records the merged run")
    store_options.add_identity(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Merge and report; exit codes as for scan."""
    import dataclasses

    from scanner.assess.policy import exit_code
    from scanner.report.formats import BY_NAME
    from scanner.report.terminal import render as table
    from scanner.runs import report_input
    from scanner.runs.combine import CombineError, combine
    from scanner.store import StoreError

    targets, problem = options.report_targets(args.report, FORMATS)
    if problem:
        return options.error(problem)
    try:
        result = combine([report_input.read(path) for path in args.reports])
    except (report_input.ReportError, CombineError) as exc:
        return options.error(str(exc))
    if args.fail_on:
        result = dataclasses.replace(result, fail_on=args.fail_on)
    options.write_reports(
        targets,
        lambda fmt: table(result, color=False) if fmt == "table" else BY_NAME[fmt].render(result),
    )
    if args.store:
        try:
            store = store_options.open_store(args.store)
        except StoreError as exc:
            return options.error(str(exc))
        with store:
            if store_options.record(
                store, result, *store_options.identity(args, "."), kind="merge"
            ):
                return 2
    return exit_code(result.findings, result.fail_on, result.incomplete, args.strict)
