"""``icts-scan feeds``: verify, list, show, stats and update the knowledge base."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from scanner.text import echo

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def register(sub: Any) -> None:
    """Add the ``feeds`` subcommand and its own subcommands."""
    p: argparse.ArgumentParser = sub.add_parser(
        "feeds",
        help="inspect, verify and refresh the knowledge base",
        description="The knowledge base of foreign-adversary entities, official screening lists, "
        "mirrors and mailbox providers that findings are matched against (see docs/feeds.md).",
    )
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="use this data folder (default: $ICTS_SCAN_FEEDS_DIR or the shipped one)",
    )
    p.set_defaults(run=lambda args: _usage(p))
    fs = p.add_subparsers(dest="feeds_command", metavar="SUBCOMMAND")

    v = fs.add_parser(
        "verify",
        help="check schema, sources, parents, identifiers and digests (exit 1 on any problem)",
    )
    v.add_argument(
        "--rehash",
        action="store_true",
        help="after a clean check, rewrite MANIFEST.json for the current files",
    )
    v.set_defaults(run=run)

    ls = fs.add_parser("list", help="one record per entity")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.add_argument(
        "--profile", help="profile for the linked jurisdiction (default: the default profile)"
    )
    ls.add_argument(
        "--negative-controls", action="store_true", help="list the negative controls instead"
    )
    ls.set_defaults(run=run)

    sh = fs.add_parser(
        "show",
        help="one entity (or source, jurisdiction, profile, prohibition, mirror, mail provider)",
    )
    sh.add_argument("id")
    sh.add_argument("--format", choices=("text", "json"), default="text")
    sh.add_argument("--profile")
    sh.set_defaults(run=run)

    st = fs.add_parser("stats", help="counts and coverage")
    st.add_argument("--format", choices=("text", "json"), default="text")
    st.set_defaults(run=run)

    up = fs.add_parser(
        "update",
        help="refresh the Consolidated Screening List snapshot",
        description="Downloads the full Consolidated Screening List (default: $ICTS_SCAN_CSL_URL, "
        "else the trade.gov JSON download named in docs/feeds.md) or reads a file, keeps the "
        "parties in profile jurisdictions, and rewrites csl/snapshot.json.",
    )
    up.add_argument(
        "--from",
        dest="source",
        metavar="FILE|URL",
        help="raw CSL JSON/CSV file or URL (default: $ICTS_SCAN_CSL_URL, else the full list "
        "from trade.gov)",
    )
    up.add_argument(
        "--sample",
        metavar="NOTE",
        help="mark the snapshot incomplete, with this note (for partial or sample files)",
    )
    up.add_argument("--timeout", type=float, default=120.0, help="download timeout in seconds")
    up.set_defaults(run=run)

    from scanner.commands import feeds_curate

    feeds_curate.register(fs)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def err(message: str) -> None:
    echo(f"icts-scan: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the feeds subcommand."""
    from scanner.commands import feeds_show, feeds_stats

    handler = {
        "verify": _verify,
        "list": feeds_show.list_,
        "show": feeds_show.show,
        "stats": feeds_stats.stats,
        "update": _update,
    }
    return handler[args.feeds_command](args)


def load(args: argparse.Namespace) -> Any:
    import feeds

    try:
        return feeds.load(args.data_dir)
    except feeds.FeedError as exc:
        err(str(exc))
        return None


def _verify(args: argparse.Namespace) -> int:
    import feeds
    from feeds import manifest
    from feeds.load import as_of, data_dir, read

    feedset, problems = feeds.inspect(args.data_dir, check_digests=not args.rehash)
    for problem in problems:
        echo(f"error: {problem}")
    if problems:
        echo(f"{len(problems)} problem(s)")
        return EXIT_PROBLEMS
    assert feedset is not None
    if args.rehash:
        root = data_dir(args.data_dir)
        raw = read(root)
        doc = manifest.write_manifest(root, raw.digests, as_of(raw.docs))
        feedset = feeds.load(root)
        echo(f"rewrote {root / manifest.MANIFEST} ({len(doc['files'])} files)")
    n_neg = sum(1 for e in feedset.entities.values() if e.negative_control)
    echo(
        f"ok: {len(feedset.entities) - n_neg} entities, {n_neg} negative controls, "
        f"{len(feedset.sources)} sources; feed version {feedset.version.label}"
    )
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    from feeds.errors import CslFormatError, FeedError
    from feeds.load import data_dir
    from feeds.updaters import snapshot

    root = data_dir(args.data_dir)
    source = args.source or snapshot.default_url()
    try:
        if source.startswith(("http://", "https://")):
            raw = snapshot.fetch(source, timeout=args.timeout)
            retrieved = dt.datetime.now(dt.timezone.utc)
        else:
            path = Path(source)
            raw = path.read_bytes()
            # The file's modification time is the best retrieval time a local copy has; the
            # path is recorded as given so a shipped snapshot does not carry a machine path.
            retrieved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
        result = snapshot.update(
            root,
            raw,
            source_url=source,
            retrieved=retrieved,
            complete=not args.sample,
            note=args.sample,
        )
    except OSError as exc:
        err(f"cannot read {source}: {exc.strerror or exc}")
        return EXIT_USAGE
    except (CslFormatError, FeedError) as exc:
        err(f"CSL update rejected, previous snapshot kept: {exc}")
        return EXIT_PROBLEMS
    echo(
        f"wrote {result.path}: {result.records} parties in profile jurisdictions (of {result.raw_records} raw records), sha256 {result.sha256}"
    )
    return EXIT_OK
