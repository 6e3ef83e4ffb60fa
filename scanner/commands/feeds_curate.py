"""``icts-scan feeds propose|accept``: grow the knowledge base through reviewed proposals."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from scanner.commands.feeds import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, err, load
from scanner.text import echo


def register(fs: Any) -> None:
    """Add ``propose`` and ``accept`` to the ``feeds`` subcommands."""
    from scanner.commands.options import _duration

    pr = fs.add_parser(
        "propose",
        help="walk an entity's organisations and registries; write proposals with evidence (online)",
        description="Lists the repositories of the code-host organisations the knowledge base "
        "attributes to ENTITY, reads their manifests at a pinned commit, asks the registries "
        "about each package, and writes the namespaces they support to a proposal file for a "
        "person to review and `feeds accept`. Nothing enters the knowledge base by itself.",
    )
    pr.add_argument("entity", metavar="ENTITY", help="entity id (see `icts-scan feeds list`)")
    pr.add_argument(
        "-o", "--output", metavar="FILE", help="proposal file (default: ENTITY.proposal.json)"
    )
    pr.add_argument(
        "--max-repos", type=int, default=200, help="repositories walked in all (default 200)"
    )
    pr.add_argument(
        "--max-files", type=int, default=25, help="manifests read per repository (default 25)"
    )
    pr.add_argument("--offline", action="store_true", help="answer only from the lookup cache")
    pr.add_argument(
        "--max-time", type=_duration, metavar="DURATION",
        help="time for all lookups (90s, 10m); the proposal then says what was not walked",
    )  # fmt: skip
    pr.set_defaults(run=propose)

    ac = fs.add_parser(
        "accept",
        help="merge a reviewed proposal file into the data, check it, and rehash",
        description="Checks FILE against the staging format, merges the chosen identifiers, "
        "corrections and their sources into the data folder, runs every check of `feeds "
        "verify` on the result, and writes the files and MANIFEST.json only when they pass.",
    )
    ac.add_argument("file", metavar="FILE")
    ac.add_argument(
        "--only", action="append", metavar="KIND:VALUE", help="accept only these (repeatable)"
    )
    ac.add_argument(
        "--reject", action="append", metavar="KIND:VALUE",
        help="record these in rejected.json so they are not proposed again (repeatable)",
    )  # fmt: skip
    ac.add_argument("--why", help="why the --reject identifiers are rejected")
    ac.add_argument("--date", metavar="DAY", help="review date recorded (default: today)")
    ac.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    ac.set_defaults(run=accept)


def propose(args: argparse.Namespace) -> int:
    fs = load(args)
    if fs is None:
        return EXIT_PROBLEMS
    if args.entity not in fs.entities:
        err(f"no entity {args.entity!r} (see `icts-scan feeds list`)")
        return EXIT_USAGE
    from feeds.jsonfmt import dumps
    from feeds.manifest import atomic_write
    from scanner.curation.walk import Limits, propose
    from scanner.enrich.context import open_context

    ctx = open_context(offline=args.offline, max_time=args.max_time)
    today = dt.date.today().isoformat()
    try:
        doc = propose(fs, args.entity, ctx, today, Limits(args.max_repos, args.max_files))
    finally:
        ctx.client.close()
    out = Path(args.output or f"{args.entity}.proposal.json")
    atomic_write(out.resolve(), dumps(doc))
    by = doc["proposed_by"]
    idents = doc["entities"][0]["identifiers"]
    echo(
        f"wrote {out}: {len(idents)} identifier(s) proposed, {len(doc['not_added'])} not added, "
        f"{len(by['skipped'])} already known or rejected; {by['repositories_listed']} repositories ({by['forks_skipped']} forks skipped), "
        f"{by['manifests_read']} manifests"
    )
    for ident in idents:
        echo(f"  {ident['kind']}:{ident['value']}  ({len(ident['src'])} source(s))")
    for problem in by["problems"]:
        echo(f"incomplete: {problem}", file=sys.stderr)
    return EXIT_OK


def accept(args: argparse.Namespace) -> int:
    from feeds.accept import accept, parse_key
    from feeds.load import data_dir

    try:
        only = [parse_key(k) for k in args.only] if args.only else None
        rejects = {parse_key(k): args.why for k in args.reject or ()}
        day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError as exc:
        err(str(exc))
        return EXIT_USAGE
    root = data_dir(args.data_dir)
    result = accept(
        root, Path(args.file), day.isoformat(), only=only, rejects=rejects, dry_run=args.dry_run
    )
    outcome = result.outcome
    if outcome is not None:
        for title, rows in (
            ("added", outcome.added), ("updated", outcome.updated), ("removed", outcome.removed),
            ("disputed", outcome.disputed), ("rejected", outcome.rejected),
            ("not selected", outcome.left_out),
        ):  # fmt: skip
            for eid, kind, value in rows:
                echo(f"{title}: {eid + ' ' if eid else ''}{kind}:{value}")
        for eid in outcome.new_entities:
            echo(f"new entity: {eid}")
    for problem in result.problems:
        echo(f"error: {problem}")
    if result.problems:
        echo(f"{len(result.problems)} problem(s); nothing written")
        return EXIT_PROBLEMS
    if args.dry_run:
        echo("dry run: the merged data passes every check; nothing written")
        return EXIT_OK
    import feeds

    version = feeds.load(root).version.label
    echo(f"wrote {', '.join(result.written)} in {root}; feed version {version}")
    return EXIT_OK
