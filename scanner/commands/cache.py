"""``icts-scan cache info|clear``: the persistent HTTP cache of enrichment lookups."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.text import echo


def register(sub: Any) -> None:
    """Add the ``cache`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "cache",
        help="show or clear the lookup cache",
        description="The cache keeps registry and code-host answers (SQLite, in the user cache "
        "folder or $ICTS_SCAN_CACHE_DIR) so repeated and --offline scans need no network. "
        '"Not found" answers are kept too, for a day (--negative-ttl, policy key negative-ttl).',
    )
    p.add_argument("action", choices=("info", "clear"))
    p.add_argument("--source", help="with clear: only this source (npm, pypi, github-api, …)")
    p.add_argument(
        "--negative",
        action="store_true",
        help='with clear: only the "not found" answers (ask again for what was missing)',
    )
    p.add_argument("--path", help="cache file (default: the user cache folder)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print cache statistics or delete entries."""
    from scanner.net.cache import Cache

    cache = Cache(args.path)
    try:
        if args.action == "clear":
            removed = cache.clear(args.source, negative=args.negative)
            echo(f"removed {removed} entries from {cache.path}")
            return 0
        info = cache.info()
        echo(f"path: {info.path}")
        echo(f"entries: {info.entries} ({info.negative} of them 'not found')")
        echo(f"derived facts: {info.derived} rows (a component's results, kept while fresh)")
        echo(f"size: {info.size_bytes} bytes")
        for source, count in sorted(info.by_source.items()):
            echo(f"  {source}: {count}")
        if info.oldest:
            echo(f"oldest: {info.oldest}", f"newest: {info.newest}")
        return 0
    except OSError as exc:
        echo(f"icts-scan: error: {cache.path}: {exc}", file=sys.stderr)
        return 2
    finally:
        cache.close()
