"""Accept a reviewed proposal: check it, merge it, run every feed check, and only then write and rehash."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feeds import manifest, staging
from feeds.errors import Problem
from feeds.jsonfmt import dumps
from feeds.load import as_of, inspect, read
from feeds.merge import Key, Merge, MergeError, Outcome


@dataclass
class Accepted:
    """The merge's outcome, or the problems that stopped it (nothing was written then)."""

    outcome: Outcome | None = None
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def parse_key(text: str) -> Key:
    """``KIND:VALUE`` (as ``--only`` and ``--reject`` take it) → a comparable key."""
    kind, sep, value = text.partition(":")
    if not sep or not kind or not value:
        raise ValueError(f"expected KIND:VALUE (e.g. npm_scope:@example), got {text!r}")
    kinds = staging.staging_schema().document["$defs"]["identifier_kind"]["enum"]
    if kind not in kinds:
        raise ValueError(f"unknown identifier kind {kind!r} (known: {', '.join(kinds)})")
    return staging.key(kind, value)


def accept(
    root: Path,
    proposal_path: Path,
    today: str,
    *,
    only: Collection[Key] | None = None,
    rejects: dict[Key, str | None] | None = None,
    dry_run: bool = False,
) -> Accepted:
    """Merge ``proposal_path`` into the data folder ``root`` when every check passes."""
    rejects = rejects or {}
    feedset, problems = inspect(root)
    if feedset is None:
        hint = Problem(
            str(root), None, None, "fix the data (icts-scan feeds verify) before accepting"
        )
        return Accepted(problems=[*problems, hint])
    doc, problems = staging.read(proposal_path)
    if doc is None:
        return Accepted(problems=problems)
    problems = staging.consistency(str(proposal_path), doc, feedset.parts)
    problems += _unknown_keys(str(proposal_path), doc, only, rejects)
    if problems:
        return Accepted(problems=problems)
    docs = {name: json.loads((root / name).read_text(encoding="utf-8")) for name in read(root).docs}
    try:
        outcome = Merge(docs, today).apply(doc, only, rejects)
    except MergeError as exc:
        return Accepted(problems=[Problem(str(proposal_path), None, None, str(exc))])
    texts = {name: dumps(docs[name]) for name in sorted(outcome.changed)}
    problems = _check_copy(root, texts)
    if problems or dry_run:
        return Accepted(outcome, problems)
    for name, text in texts.items():
        manifest.atomic_write(root / name, text)
    raw = read(root)
    manifest.write_manifest(root, raw.digests, as_of(raw.docs))
    return Accepted(outcome, [], [*texts, manifest.MANIFEST])


def _check_copy(root: Path, texts: dict[str, str]) -> list[Problem]:
    """Every check of `feeds verify`, run on a copy holding the merged files."""
    with tempfile.TemporaryDirectory(prefix="icts-scan-accept-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(root, copy)
        for name, text in texts.items():
            (copy / name).write_text(text, encoding="utf-8")
        _, problems = inspect(copy, check_digests=False)
    return problems


def _unknown_keys(
    name: str, doc: dict[str, Any], only: Collection[Key] | None, rejects: dict[Key, Any]
) -> list[Problem]:
    """A ``--only`` or ``--reject`` that names nothing in the file is a typo, not a no-op."""
    present = {
        staging.key(i["kind"], i["value"])
        for e in doc["entities"]
        for i in [*e.get("identifiers", ()), *(c["identifier"] for c in e.get("corrections", ()))]
    }
    present |= {staging.key(i["kind"], i["value"]) for i in doc.get("not_added", ())}
    asked = [*(only or ()), *rejects]
    return [
        Problem(name, None, None, f"{k[0]}:{k[1]} is not in the proposal")
        for k in asked
        if k not in present
    ]
