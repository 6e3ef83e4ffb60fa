"""``icts-scan feeds list|show``: the knowledge base's records, and one entity with its sources."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sbom.safe_text import json_text
from scanner.commands.feeds import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, err, load
from scanner.text import document, echo


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
                **({"valid_from": li.valid_from} if li.valid_from else {}),
                **({"valid_to": li.valid_to} if li.valid_to else {}),
                **_fact_src(li),
            }
            for eid, li in r.listings
        ],
        "identifiers": [
            {
                "kind": i.kind,
                "value": i.value,
                "scope": i.scope,
                **({"excludes": list(i.excludes)} if i.excludes else {}),
                **({"valid_from": i.valid_from} if i.valid_from else {}),
                **({"valid_to": i.valid_to} if i.valid_to else {}),
                **_fact_src(i),
            }
            for i in e.identifiers
        ],
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


def list_(args: argparse.Namespace) -> int:
    fs = load(args)
    if fs is None:
        return EXIT_PROBLEMS
    try:
        fs.profile(args.profile)
    except KeyError as exc:
        err(str(exc.args[0]))
        return EXIT_USAGE
    chosen = [
        e
        for e in sorted(fs.entities.values(), key=lambda e: e.id)
        if e.negative_control == args.negative_controls
    ]
    if args.format == "json":
        records = [_entity_record(fs, e, args.profile) for e in chosen]
        doc = {"feed_version": fs.version.label, "entities": records}
        document(json_text(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n")
        return EXIT_OK
    for e in chosen:
        r = fs.resolve(e.id, args.profile)
        link = (
            "not linked"
            if not r.link
            else f"{r.link} {r.jurisdiction}" + ("" if r.via == e.id else f" via {r.via}")
        )
        parents = " > ".join(s.entity.id for s in r.chain[1:])
        echo(
            f"{e.id}\t{e.name}\t{e.jurisdiction.value}\t{link}"
            + (f"\tparents: {parents}" if parents else "")
        )
    return EXIT_OK


def show(args: argparse.Namespace) -> int:
    fs = load(args)
    if fs is None:
        return EXIT_PROBLEMS
    key = args.id
    if key in fs.entities:
        record = _entity_record(fs, fs.entities[key], args.profile)
        if args.format == "json":
            document(json_text(json.dumps(record, ensure_ascii=False, indent=2)) + "\n")
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
            document(json_text(json.dumps(_plain(table[key]), ensure_ascii=False, indent=2)) + "\n")
            return EXIT_OK
    err(f"no entity or record with id {key!r} (see `icts-scan feeds list`)")
    return EXIT_USAGE


def _plain(obj: Any) -> Any:
    """A knowledge-base record (a named tuple) as JSON data, leaving out empty fields."""
    if isinstance(obj, tuple) and hasattr(obj, "_asdict"):
        return {k: _plain(v) for k, v in obj._asdict().items() if v not in (None, ())}
    if isinstance(obj, (tuple, list)):
        return [_plain(x) for x in obj]
    return obj


def _print_entity(fs: Any, eid: str, profile: str | None) -> None:
    e = fs.entities[eid]
    r = fs.resolve(eid, profile)

    def src(fact: Any) -> str:
        flag = "" if fact.verified else " [unverified]"
        return f"  ({', '.join(fact.src)}){flag}"

    echo(f"{e.id}: {e.name}  [{e.kind}]" + ("  NEGATIVE CONTROL" if e.negative_control else ""))
    for n in e.names:
        echo(f"  name ({n.type}{', ' + n.lang if n.lang else ''}): {n.value}{src(n)}")
    echo(f"  jurisdiction: {e.jurisdiction.value} ({e.jurisdiction.basis}){src(e.jurisdiction)}")
    for step in r.chain[1:]:
        echo(f"  parent: {step.entity.id} ({step.entity.name}, {step.jurisdiction})")
    if e.parent:
        echo(f"  relation to parent: {e.parent.relation}{src(e.parent)}")
    if r.link:
        echo(
            f"  linked under {r.profile}: {r.link}, {r.jurisdiction} via {r.via}"
            + ("" if r.verified else " [unverified path]")
        )
    elif not e.negative_control:
        echo(f"  not linked under {r.profile}")
    for owner, li in r.listings:
        when = f" from {li.valid_from}" if li.valid_from else ""
        when += f" until {li.valid_to}" if li.valid_to else ""
        echo(
            f"  listing: {li.list} {li.status}{when}"
            + (f" (on {owner})" if owner != eid else "")
            + src(li)
        )
    for p in r.prohibitions:
        echo(f"  PROHIBITION: {p.title} ({p.citation.text})")
    for i in e.identifiers:
        scope = "" if i.scope == "organisation" else f" [{i.scope}]"
        others = f" excluding {', '.join(i.excludes)}" if i.excludes else ""
        when = f" from {i.valid_from}" if i.valid_from else ""
        when += f" until {i.valid_to}" if i.valid_to else ""
        echo(f"  {i.kind}: {i.value}{scope}{others}{when}{src(i)}")
    for w in (*e.why, *e.notes):
        echo(f"  note: {w.value}{src(w)}")
    used = sorted({s for _, fact in _all_facts(e) for s in fact.src})
    for sid in used:
        s = fs.sources[sid]
        pin = f"commit {s.commit[:12]}" if s.commit else f"as of {s.as_of}"
        echo(f"  source {sid}: {s.url} ({pin})")
