"""``icts-scan scan``: inventory, enrich, assess and report, with a policy-driven exit code."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from scanner.commands import exits, options, store_options
from scanner.commands.exits import EPILOG
from scanner.text import document, echo

if TYPE_CHECKING:
    from scanner.pipeline import ScanResult


def register(sub: Any) -> None:
    """Add the ``scan`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "scan",
        help="find dependencies linked to foreign-adversary entities, with evidence",
        description="Inventory PATH (or --sbom FILE), enrich every component with provenance, "
        "assess it against the knowledge base and write reports. Findings are indicators for "
        "review; only an issued Final Determination makes a component 'prohibited'.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    p.add_argument(
        "--strict",
        action="store_true",
        help="also exit 3 when provenance stayed unknown for any component",
    )
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="an input file that could not be read is a warning, not exit 3",
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        type=_day,
        help="evaluate the knowledge base (listings, ownership, namespaces) as of this day "
        "(YYYY-MM-DD; default today)",
    )
    p.add_argument(
        "--min-severity",
        choices=("low", "medium", "high", "critical"),
        default="low",
        help="show only groups at or above this severity in the terminal (never changes the "
        "exit status)",
    )
    p.add_argument(
        "--show-unknown",
        action="store_true",
        help="list the components whose provenance stayed unknown, with the reason",
    )
    p.add_argument(
        "--sarif-waived",
        choices=("omit", "suppress"),
        default="omit",
        help="waived and accepted findings in SARIF: left out (default; GitHub would open "
        "alerts for them) or kept with a suppression",
    )
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
    store_options.add_store(p, store_options.STORE_HELP + "; records this scan as a run")
    store_options.add_identity(p)
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


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _shard(text: str) -> tuple[int, int]:
    from scanner.monorepo.projects import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Scan and report; the exit status follows scanner.commands.exits."""
    import dataclasses
    import os

    import feeds
    from scanner import config as configuration
    from scanner.assess.policy import exit_code
    from scanner.net.endpoints import EndpointError
    from scanner.pipeline import ScanRequest, scan
    from scanner.progress import Progress, choose
    from scanner.report import terminal
    from scanner.report.catalog import MODULES

    targets, problem = options.report_targets(args.report, MODULES)
    if problem:
        return exits.fail(problem)
    if args.sbom:
        unreadable = exits.unreadable_input(args.sbom)
        if unreadable:
            return exits.fail(unreadable)
    elif not os.path.isdir(args.path):
        return exits.fail(f"{args.path}: not a folder")
    monorepo = bool(args.sbom_dir or args.shard)
    if monorepo and args.sbom:
        return exits.fail("--sbom-dir and --shard scan a folder, not --sbom")
    stamp = _stamp() if args.reproducible else None
    if stamp == "":
        return exits.fail("SOURCE_DATE_EPOCH must be a whole number")
    # Every output is checked before the scan: a typo never costs a whole scan's time.
    blocked = exits.unwritable(path for _, path in targets)
    if blocked:
        return exits.fail(blocked)
    if args.sbom_dir:
        try:
            os.makedirs(args.sbom_dir, exist_ok=True)
        except OSError as exc:
            return exits.fail(f"{args.sbom_dir}: {exc.strerror or exc}")
    store = None
    if args.store:
        from scanner.store import StoreError

        if args.shard:
            return exits.fail(
                "--store records whole runs: merge the shards with icts-scan merge --store"
            )
        try:
            store = store_options.open_store(args.store)
        except StoreError as exc:
            return exits.fail(str(exc))
    progress = Progress(choose(args.progress, sys.stderr), sys.stderr)
    try:
        cfg = options.load_policy(args, None if args.sbom else args.path)
        feedset = feeds.load(lazy=True)
        request = ScanRequest(
            path=args.path,
            sbom=args.sbom,
            config=cfg,
            offline=args.offline or cfg.offline,
            network=not args.no_network,
            verify=args.verify_attestations,
            max_time=args.max_time,
            as_of=args.as_of,
        )
        tree, read = None, 0.0
        if monorepo:
            from scanner.commands.scan_projects import read_tree

            tree, request, read = read_tree(args, request, progress)
        progress.stage("scan", "lookups")
        result = scan(dataclasses.replace(request, progress=progress.advance), feedset)
        progress.done(", ".join(f"{s.name} {s.status}" for s in result.stages))
        if tree is not None:
            from scanner.commands.scan_projects import with_tree

            result = with_tree(result, tree, read)
    except (configuration.ConfigError, EndpointError) as exc:
        progress.clear()
        return exits.fail(str(exc))
    except feeds.FeedError:
        progress.clear()  # the knowledge base is built on first use; scanner.cli says why
        raise
    code, line = exits.inventory_status(result.inventory, explicit_input=args.sbom)
    if code == exits.USAGE:
        progress.clear()
        return exits.fail(line or "input could not be read")
    if tree is not None and args.sbom_dir:
        from scanner.commands.scan_projects import write_sboms

        try:
            write_sboms(result, tree, args, stamp, progress)
        except OSError as exc:
            progress.clear()
            return exits.fail(f"{args.sbom_dir}: {exc.strerror or exc}")
    failed = _write_reports(result, targets, args)
    progress.finish(
        f"{len(result.inventory.components)} components, "
        f"{sum(1 for f in result.findings if not f.excused)} findings"
    )
    if not any(fmt == "table" and path is None for fmt, path in targets):
        # The run never looks silent: the summary goes to stderr when reports go to files.
        for summary in terminal.summary_lines(result):
            echo(summary, file=sys.stderr)
    options.print_issues(result.inventory.issues)
    if failed:
        return exits.fail(failed)
    if store is not None:
        with store:
            if store_options.record(store, result, *store_options.scan_identity(args), kind="scan"):
                return exits.USAGE
    if code == exits.NOTHING:
        return exits.fail(line or "nothing to scan", exits.NOTHING)
    findings = exit_code(result.findings, cfg.fail_on, False, False) == exits.FINDINGS
    findings = findings or result.unknown_over_limit
    unread = exits.incomplete(result.inventory)
    unknown = args.strict and result.coverage.unknown_count > 0
    outcome = exits.combine(findings, unread or unknown, args.allow_incomplete and not unknown)
    if outcome == exits.INCOMPLETE and unread:
        exits.say("an input could not be read (above); --allow-incomplete to accept", "incomplete")
    elif outcome == exits.INCOMPLETE:
        exits.say(f"{result.coverage.summary()} (--strict)", "incomplete")
    return outcome


def _write_reports(
    result: ScanResult, targets: list[tuple[str, str | None]], args: argparse.Namespace
) -> str | None:
    """Every requested report; the first write failure, if any (the others are still written)."""
    from scanner.report import catalog, terminal

    failed = None
    for fmt, path in targets:
        color = fmt == "table" and path is None and terminal.use_color(sys.stdout.isatty())
        if fmt == "table":
            # A table written to a file lists every group; the terminal shows the first 30.
            text = terminal.render(
                result,
                color=color,
                limit=30 if path is None else None,
                min_severity=args.min_severity,
                show_unknown=args.show_unknown,
            )
        elif fmt == "sarif":
            from scanner.report import sarif

            text = sarif.render(result, waived=args.sarif_waived)
        elif fmt == "json" and path is not None:
            from scanner.report import json_report

            failed = failed or exits.write_with(path, lambda fh: json_report.write(result, fh))
            continue
        else:
            text = str(catalog.load(fmt).render(result))
        if path is None:
            document(text, colors=color)
        else:
            failed = failed or exits.write_text(path, text)
    return failed


def _stamp() -> str:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) as an ISO time; '' when malformed."""
    import os

    try:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
        return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, OSError):
        return ""
