"""The staging format of proposals (feeds propose writes it, feeds accept reads it): schema and checks."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from feeds.build import Parts
from feeds.errors import Problem
from feeds.hosts import normalize_identifier
from feeds.schema import Errors, Schema, format_path, shipped_schema

FEED = "proposals"
# Correction actions accept applies; anything else is edited by hand.
ACTIONS = ("remove", "dispute")
# What a proposal may stage for an entity already in the knowledge base.
EXISTING_KEYS = frozenset({"id", "new", "identifiers", "corrections", "note"})


@cache
def staging_schema() -> Schema:
    """The knowledge base's definitions plus the proposal file, staged entity and corrections."""
    kb = shipped_schema().document
    defs = copy.deepcopy(kb["$defs"])
    staged = copy.deepcopy(defs["entity"])
    staged["required"] = ["id", "new"]
    staged["properties"].update(
        new={"type": "boolean"},
        note={"$ref": "#/$defs/text"},
        corrections={"type": "array", "items": {"$ref": "#/$defs/correction"}},
    )
    ident_ref = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "value"],
        "properties": {
            "kind": {"$ref": "#/$defs/identifier_kind"},
            "value": {"type": "string", "minLength": 1},
        },
    }
    defs.update(
        staged_entity=staged,
        correction={
            "type": "object",
            "additionalProperties": False,
            "required": ["identifier", "action", "why"],
            "properties": {
                "identifier": ident_ref,
                "action": {"enum": list(ACTIONS)},
                "why": {"$ref": "#/$defs/text"},
                "src": {"$ref": "#/$defs/src"},
            },
        },
        not_added={
            "type": "object",
            "additionalProperties": False,
            "required": ["kind", "value", "why"],
            "properties": {
                "kind": {"$ref": "#/$defs/identifier_kind"},
                "value": {"type": "string", "minLength": 1},
                # The entity the lead was about: recorded on the rejection if it is rejected.
                "entity": {"type": "string", "minLength": 1},
                "why": {"$ref": "#/$defs/text"},
                "src": {"$ref": "#/$defs/src"},
            },
        },
        proposal_file={
            "type": "object",
            "additionalProperties": False,
            "required": ["group", "researched", "sources", "entities"],
            "properties": {
                "feed": {"const": FEED},
                "group": {"$ref": "#/$defs/text"},
                "researched": {"$ref": "#/$defs/day"},
                "proposed_by": {"type": "object"},
                "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}},
                "entities": {"type": "array", "items": {"$ref": "#/$defs/staged_entity"}},
                "not_added": {"type": "array", "items": {"$ref": "#/$defs/not_added"}},
                "notes": {"$ref": "#/$defs/text"},
            },
        },
    )
    return Schema({"$defs": defs})


def read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A proposal file parsed and checked against the staging schema."""
    name = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [Problem(name, None, None, f"cannot read: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, None, f"not UTF-8 (byte {exc.start})")]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return None, [Problem(name, None, None, f"invalid JSON at {where}: {exc.msg}")]
    if not isinstance(doc, dict):
        return None, [Problem(name, None, None, "a proposal file holds one JSON object")]
    check = staging_schema().file_check(FEED)
    assert check is not None
    errors: Errors = []
    check(doc, [], errors)
    problems = [Problem(name, None, format_path(p) or None, msg) for p, msg in errors]
    return (None if problems else doc), problems


def consistency(name: str, doc: dict[str, Any], parts: Parts) -> list[Problem]:
    """What the schema cannot see: entities exist (or not), sources resolve and do not clash."""
    return list(_consistency(name, doc, parts))


def _consistency(name: str, doc: dict[str, Any], parts: Parts) -> Iterator[Problem]:
    own = {s["id"]: s for s in doc["sources"]}
    for sid, s in own.items():
        known = parts.sources.get(sid)
        if known is not None and known.url != s["url"]:
            yield Problem(name, repr(sid), "sources", f"id already names {known.url}")
    ids = [s["id"] for s in doc["sources"]]
    for sid in sorted({i for i in ids if ids.count(i) > 1}):
        yield Problem(name, repr(sid), "sources", "listed twice")

    def cited(where: str, field: str, src: list[str]) -> Iterator[Problem]:
        for sid in src:
            if sid not in own and sid not in parts.sources:
                yield Problem(name, where, field, f"unknown source id {sid!r}")

    for i, staged in enumerate(doc["entities"]):
        eid, where = staged["id"], f"entities[{i}] {staged['id']!r}"
        if staged["new"] and eid in parts.entities:
            yield Problem(
                name, where, "new", "already in the knowledge base: stage it with new: false"
            )
        elif not staged["new"] and eid not in parts.entities:
            yield Problem(name, where, "id", "no such entity (a new one needs new: true)")
        elif staged["new"]:
            for key in ("kind", "names", "jurisdiction"):
                if key not in staged:
                    yield Problem(name, where, key, "a new entity needs it")
        else:
            for key in sorted(set(staged) - EXISTING_KEYS):
                yield Problem(
                    name, where, key, "accept merges identifiers and corrections into an existing "
                    "entity; edit other facts by hand",
                )  # fmt: skip
        for path, fact in _facts(staged):
            yield from cited(where, f"{path}.src", fact.get("src", []))
        for k, ident in enumerate(staged.get("identifiers", ())):
            if not normalize_identifier(ident["kind"], ident["value"]):
                yield Problem(name, where, f"identifiers[{k}].value", "empty after normalization")
    for i, item in enumerate(doc.get("not_added", ())):
        yield from cited(f"not_added[{i}]", "src", item.get("src", []))


def _facts(staged: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every sourced fact of a staged entity, with its field path."""
    for key in (
        "names",
        "listings",
        "identifiers",
        "notes",
        "external_ids",
        "stakes",
        "corrections",
    ):
        for k, fact in enumerate(staged.get(key, ())):
            yield f"{key}[{k}]", fact
    for key in ("jurisdiction", "parent"):
        if isinstance(staged.get(key), dict):
            yield key, staged[key]


def key(kind: str, value: str) -> tuple[str, str]:
    """How identifiers are compared: kind and normalized value."""
    return kind, normalize_identifier(kind, value)
