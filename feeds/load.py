"""Read the data folder: parse, validate against the schema, check integrity and digests."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feeds import manifest
from feeds.errors import FeedError, Problem
from feeds.feedset import FeedSet
from feeds.version import FeedVersion

if TYPE_CHECKING:
    from feeds.build import Parts

# The schema, the checks and the record builders are imported where used: a scan that
# trusts the manifest and takes its findings as kept needs none of them.

ENV_DIR = "ICTS_SCAN_FEEDS_DIR"
PACKAGED_DIR = Path(__file__).parent / "data"
SCHEMA_FILE = "schema.json"
# How a sources file written in the canonical layout begins (feeds.jsonfmt).
_SOURCES_HEAD = b'{\n  "feed": "sources",'


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``path``, else $ICTS_SCAN_FEEDS_DIR, else the one shipped in the package."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else PACKAGED_DIR


@dataclass
class Raw:
    """What was read from disk, before indexing."""

    root: Path
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    deferred: dict[str, bytes] = field(default_factory=dict)
    """Files left unparsed by a load that skips the checks (parsed on first use)."""


def read(root: Path, *, schema_check: bool = True) -> Raw:
    """Parse and schema-check every data file; problems are collected, not raised."""
    raw = Raw(root)
    if not root.is_dir():
        raw.problems.append(Problem(str(root), None, None, "data folder not found"))
        return raw
    for name in [*manifest.data_files(root), manifest.MANIFEST]:
        path = root / name
        if name == manifest.MANIFEST and not path.exists():
            continue  # reported by inspect() when digests are checked
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raw.problems.append(Problem(name, None, None, f"cannot read: {exc.strerror or exc}"))
            continue
        if name != manifest.MANIFEST:
            raw.digests[name] = manifest.digest(blob)
            if not schema_check:
                raw.deferred[name] = blob
                continue
        try:
            doc = json.loads(blob.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raw.problems.append(Problem(name, None, None, f"not UTF-8 (byte {exc.start})"))
            continue
        except json.JSONDecodeError as exc:
            raw.problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                )
            )
            continue
        if name == SCHEMA_FILE:
            continue  # the schema describes the others; its digest still counts
        problems = _validate(name, doc) if schema_check else []
        raw.problems.extend(problems)
        if problems:
            continue
        if name == manifest.MANIFEST:
            raw.manifest = doc
        else:
            raw.docs[name] = doc
    return raw


def inspect(
    path: str | os.PathLike[str] | None = None, *, check_digests: bool = True
) -> tuple[FeedSet | None, list[Problem]]:
    """Every problem of the feed (for ``feeds verify``) and the FeedSet when there are none."""
    from feeds import checks, evidence_checks
    from feeds.build import build

    raw = read(data_dir(path))
    parts = build(raw.docs)
    problems = list(raw.problems)
    if not raw.problems:
        problems.extend(checks.check(parts))
        problems.extend(evidence_checks.check(parts))
    if check_digests and not problems:
        if raw.manifest is None:
            problems.append(
                Problem(
                    manifest.MANIFEST, None, None, "missing; run `icts-scan feeds verify --rehash`"
                )
            )
        else:
            problems.extend(manifest.compare(raw.manifest, raw.digests))
    if problems:
        return None, problems
    return _feedset(raw, parts), []


def load(
    path: str | os.PathLike[str] | None = None, *, check_digests: bool = True, lazy: bool = False
) -> FeedSet:
    """Load, validate and index the feed; raises FeedError naming file, record and field.

    A manifest is only written after every check passed (``feeds verify --rehash``), so files
    whose digests all match it are not checked again: loading stays fast for every scan. Any
    mismatch, or a missing manifest, runs every check and reports what is wrong.

    ``lazy``: files that match the manifest are parsed and built on first use, and a
    FeedError surfaces then (a repeat scan whose findings are kept needs only the version).
    """
    if check_digests:
        raw = read(data_dir(path), schema_check=False)
        trusted = raw.manifest is not None and not manifest.compare(raw.manifest, raw.digests)
        if trusted and not raw.problems and raw.manifest and raw.manifest.get("as_of"):
            trusted_set = _feedset(raw, _trusted_parts(raw, path))
            if not lazy:
                trusted_set.parts  # noqa: B018  (built now: a FeedError is raised here)
            return trusted_set

    feedset, problems = inspect(path, check_digests=check_digests)
    if feedset is None:
        raise FeedError(problems)
    return feedset


def _trusted_parts(raw: Raw, path: str | os.PathLike[str] | None) -> Callable[[], Parts]:
    """The records of files whose digests match the manifest, built when first asked for;
    the sources file is parsed later still. Data a manifest was written over without passing
    the checks fails as the full check says (FeedError), never halfway."""

    def make() -> Parts:
        from feeds.build import LazyTable, build, source_records

        sources = {n: b for n, b in raw.deferred.items() if b.startswith(_SOURCES_HEAD)}
        try:
            docs = {
                n: json.loads(b.decode("utf-8"))
                for n, b in raw.deferred.items()
                if n not in sources and n != SCHEMA_FILE
            }
            parts = build(docs)
        except (KeyError, TypeError, ValueError, AttributeError):
            _, problems = inspect(path)
            raise FeedError(
                problems or [Problem(str(raw.root), None, None, "data does not load")]
            ) from None
        if sources:
            parts.files.setdefault("sources", []).extend(sources)
            parts.sources = LazyTable(
                lambda: source_records(
                    {n: json.loads(b.decode("utf-8")) for n, b in sources.items()}
                )
            )
        return parts

    return make


def as_of(docs: dict[str, dict[str, Any]]) -> str:
    return max((str(d.get("as_of", "")) for d in docs.values()), default="")


def _feedset(raw: Raw, parts: Parts | Callable[[], Parts]) -> FeedSet:
    day = as_of(raw.docs)
    if raw.deferred and raw.manifest is not None:
        # The manifest, written when these very files passed every check, holds the day of
        # all of them, the unparsed ones included.
        day = str(raw.manifest.get("as_of", day))
    version = FeedVersion(content_hash=manifest.content_hash(raw.digests), as_of=day)
    return FeedSet(parts, version=version, root=raw.root, digests=dict(raw.digests))


def _validate(name: str, doc: Any) -> list[Problem]:
    from feeds.schema import validate

    return validate(name, doc)
