"""``icts-scan feeds``: verify, list, show, stats and update the knowledge base."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

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

    up = fs.add_parser("update", help="refresh the Consolidated Screening List snapshot")
    up.add_argument(
        "--from",
        dest="source",
        metavar="FILE|URL",
        help="raw CSL JSON/CSV file or URL (default: the trade.gov download)",
    )
    up.add_argument(
        "--sample",
        metavar="NOTE",
        help="mark the snapshot incomplete, with this note (for partial or sample files)",
    )
    up.add_argument("--timeout", type=float, default=120.0, help="download timeout in seconds")
    up.set_defaults(run=run)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _err(message: str) -> None:
    print(f"icts-scan: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the feeds subcommand."""
    handler = {"verify": _verify, "list": _list, "show": _show, "stats": _stats, "update": _update}
    return handler[args.feeds_command](args)


def _load(args: argparse.Namespace) -> Any:
    import feeds

    try:
        return feeds.load(args.data_dir)
    except feeds.FeedError as exc:
        _err(str(exc))
        return None


def _verify(args: argparse.Namespace) -> int:
    import feeds
    from feeds import manifest
    from feeds.load import as_of, data_dir, read

    feedset, problems = feeds.inspect(args.data_dir, check_digests=not args.rehash)
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        print(f"{len(problems)} problem(s)")
        return EXIT_PROBLEMS
    assert feedset is not None
    if args.rehash:
        root = data_dir(args.data_dir)
        raw = read(root)
        doc = manifest.write_manifest(root, raw.digests, as_of(raw.docs))
        feedset = feeds.load(root)
        print(f"rewrote {root / manifest.MANIFEST} ({len(doc['files'])} files)")
    n_neg = sum(1 for e in feedset.entities.values() if e.negative_control)
    print(
        f"ok: {len(feedset.entities) - n_neg} entities, {n_neg} negative controls, "
        f"{len(feedset.sources)} sources; feed version {feedset.version.label}"
    )
    return EXIT_OK


def _names(e: Any) -> list[dict[str, Any]]:
    return [
        {"value": n.value, "type": n.type, **({"lang": n.lang} if n.lang else {})} for n in e.names
    ]


def _fact_src(fact: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"src": list(fact.src)}
    if not fact.verified:
        out["verified"] = False
    return out


def _entity_record(fs: Any, e: Any, profile: str | None) -> dict[str, Any]:
    r = fs.resolve(e.id, profile)
    used = sorted({s for _, fact in _all_facts(e) for s in fact.src})
    return {
        "id": e.id,
        "kind": e.kind,
        "names": _names(e),
        "jurisdiction": e.jurisdiction.value,
        "parents": [s.entity.id for s in r.chain[1:]],
        "linked": {
            "link": r.link,
            "jurisdiction": r.jurisdiction,
            "via": r.via,
            "verified": r.verified,
            "profile": r.profile,
        },
        "listings": [
            {
                "entity": eid,
                "list": li.list,
                "status": li.status,
                **({"date": li.date} if li.date else {}),
                **_fact_src(li),
            }
            for eid, li in r.listings
        ],
        "identifiers": [{"kind": i.kind, "value": i.value, **_fact_src(i)} for i in e.identifiers],
        "prohibitions": [p.id for p in r.prohibitions],
        "sources": [{"id": s, "url": fs.sources[s].url} for s in used],
        **(
            {"negative_control": True, "why": [w.value for w in e.why]}
            if e.negative_control
            else {}
        ),
    }


def _all_facts(e: Any) -> list[tuple[str, Any]]:
    from feeds.checks import facts_of

    return list(facts_of(e))


def _list(args: argparse.Namespace) -> int:
    fs = _load(args)
    if fs is None:
        return EXIT_PROBLEMS
    try:
        fs.profile(args.profile)
    except KeyError as exc:
        _err(str(exc.args[0]))
        return EXIT_USAGE
    chosen = [
        e
        for e in sorted(fs.entities.values(), key=lambda e: e.id)
        if e.negative_control == args.negative_controls
    ]
    if args.format == "json":
        records = [_entity_record(fs, e, args.profile) for e in chosen]
        json.dump(
            {"feed_version": fs.version.label, "entities": records},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return EXIT_OK
    for e in chosen:
        r = fs.resolve(e.id, args.profile)
        link = (
            "not linked"
            if not r.link
            else f"{r.link} {r.jurisdiction}" + ("" if r.via == e.id else f" via {r.via}")
        )
        parents = " > ".join(s.entity.id for s in r.chain[1:])
        print(
            f"{e.id}\t{e.name}\t{e.jurisdiction.value}\t{link}"
            + (f"\tparents: {parents}" if parents else "")
        )
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    fs = _load(args)
    if fs is None:
        return EXIT_PROBLEMS
    key = args.id
    if key in fs.entities:
        record = _entity_record(fs, fs.entities[key], args.profile)
        if args.format == "json":
            print(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            _print_entity(fs, key, args.profile)
        return EXIT_OK
    for table in (
        fs.sources,
        fs.jurisdictions,
        fs.profiles,
        fs.prohibitions,
        fs.infrastructure,
        fs.email_providers,
    ):
        if key in table:
            print(json.dumps(_plain(table[key]), ensure_ascii=False, indent=2))
            return EXIT_OK
    _err(f"no entity or record with id {key!r} (see `icts-scan feeds list`)")
    return EXIT_USAGE


def _plain(obj: Any) -> Any:
    from dataclasses import fields, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _plain(getattr(obj, f.name))
            for f in fields(obj)
            if getattr(obj, f.name) not in (None, ())
        }
    if isinstance(obj, (tuple, list)):
        return [_plain(x) for x in obj]
    return obj


def _print_entity(fs: Any, eid: str, profile: str | None) -> None:
    e = fs.entities[eid]
    r = fs.resolve(eid, profile)

    def src(fact: Any) -> str:
        flag = "" if fact.verified else " [unverified]"
        return f"  ({', '.join(fact.src)}){flag}"

    print(f"{e.id}: {e.name}  [{e.kind}]" + ("  NEGATIVE CONTROL" if e.negative_control else ""))
    for n in e.names:
        print(f"  name ({n.type}{', ' + n.lang if n.lang else ''}): {n.value}{src(n)}")
    print(f"  jurisdiction: {e.jurisdiction.value} ({e.jurisdiction.basis}){src(e.jurisdiction)}")
    for step in r.chain[1:]:
        print(f"  parent: {step.entity.id} ({step.entity.name}, {step.jurisdiction})")
    if e.parent:
        print(f"  relation to parent: {e.parent.relation}{src(e.parent)}")
    if r.link:
        print(
            f"  linked under {r.profile}: {r.link}, {r.jurisdiction} via {r.via}"
            + ("" if r.verified else " [unverified path]")
        )
    elif not e.negative_control:
        print(f"  not linked under {r.profile}")
    for owner, li in r.listings:
        when = f" {li.date}" if li.date else ""
        print(
            f"  listing: {li.list} {li.status}{when}"
            + (f" (on {owner})" if owner != eid else "")
            + src(li)
        )
    for p in r.prohibitions:
        print(f"  PROHIBITION: {p.title} ({p.citation.text})")
    for i in e.identifiers:
        print(f"  {i.kind}: {i.value}{src(i)}")
    for w in (*e.why, *e.notes):
        print(f"  note: {w.value}{src(w)}")
    used = sorted({s for _, fact in _all_facts(e) for s in fact.src})
    for sid in used:
        s = fs.sources[sid]
        print(f"  source {sid}: {s.url} (as of {s.as_of})")


def _stats(args: argparse.Namespace) -> int:
    import feeds.load  # noqa: F401 - imported before timing: the figure is the load, not imports

    start = time.perf_counter()
    fs = _load(args)
    if fs is None:
        return EXIT_PROBLEMS
    from feeds.stats import stats

    data = stats(fs, (time.perf_counter() - start) * 1000)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    for key, value in data.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for k, v in value.items():
                print(f"  {k}: {v}")
        else:
            print(f"{key}: {value}")
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
        _err(f"cannot read {source}: {exc.strerror or exc}")
        return EXIT_USAGE
    except (CslFormatError, FeedError) as exc:
        _err(f"CSL update rejected, previous snapshot kept: {exc}")
        return EXIT_PROBLEMS
    print(
        f"wrote {result.path}: {result.records} parties in profile jurisdictions (of {result.raw_records} raw records), sha256 {result.sha256}"
    )
    return EXIT_OK
