"""Command-line entry: argument parsing and dispatch to the subcommand modules."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from scanner.text import echo, plain
from scanner.version import VersionAction

# Subcommands, each a module in scanner/commands with register(subparsers) and run(args).
COMMANDS: tuple[str, ...] = (
    "scan",
    "diff",
    "precommit",
    "sbom",
    "provenance",
    "explain",
    "feeds",
    "cache",
    "history",
    "fleet",
    "merge",
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="icts-scan",
        description="Inventory dependencies and report foreign-adversary provenance indicators "
        "(U.S. ICTS rule, 15 CFR part 791).",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"scanner.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"scanner.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 findings, 2 usage, 3 incomplete)."""
    # The collector's default, a pass per 700 new objects, walks the records that live for
    # the whole run (knowledge base, inventory, provenance) again and again: about a tenth of
    # a repeat scan of 1,600 npm packages (benchmarks/repeat_scan.py). A run makes few
    # cycles, so a pass per 50,000 new objects costs no memory that shows.
    gc.set_threshold(50_000, 20, 20)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.verbose:
        # Imported only when asked for: without it, warnings still reach stderr through
        # logging's last-resort handler, and short runs (pre-commit) skip the import.
        import logging

        logging.basicConfig(
            level=logging.WARNING - 10 * min(args.verbose, 2),
            format="icts-scan: %(levelname)s: %(message)s",
        )
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from sbom import limits

    if problem := limits.problem():  # a limit the operator mistyped is not silently the default
        echo(f"icts-scan: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        from feeds.errors import FeedError  # loaded already if that is what was raised

        if not isinstance(exc, FeedError):
            raise
        # A knowledge base that cannot be used (ICTS_SCAN_FEEDS_DIR, a damaged install):
        # one line, never a traceback, never a scan that looks clean.
        more = len(exc.problems) - 1
        tail = f" (and {more} more: icts-scan feeds verify)" if more > 0 else ""
        first = exc.problems[0] if exc.problems else "invalid"
        echo(f"icts-scan: error: knowledge base: {plain(str(first), 500)}{tail}", file=sys.stderr)
        return EXIT_USAGE


def console() -> None:
    """Console-script entry point."""
    sys.exit(main())
