"""Write a CSL snapshot (with source URL, retrieval time, sha256, counts) and update the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feeds import manifest
from feeds.errors import CslFormatError, FeedError, Problem
from feeds.jsonfmt import dumps
from feeds.schema import validate
from feeds.updaters.csl import CSL_JSON_URL, normalize_party, parse

SNAPSHOT = "csl/snapshot.json"
ENV_URL = "ICTS_SCAN_CSL_URL"
# The full download is ~16 MB (2026); anything far beyond that is not the CSL.
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    records: int
    raw_records: int
    sha256: str
    source_url: str


def default_url() -> str:
    return os.environ.get(ENV_URL) or CSL_JSON_URL


def fetch(url: str, timeout: float = 120.0, max_bytes: int = MAX_BYTES) -> bytes:
    """Download the raw list over HTTP(S); a short, oversized or failed body is an error."""
    if not url.startswith(("https://", "http://")):
        raise CslFormatError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "icts-scan feeds update"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked above
            declared = response.headers.get("Content-Length")
            body: bytes = response.read(max_bytes + 1)
    except (OSError, http.client.HTTPException) as exc:
        raise CslFormatError(f"download failed: {exc}") from None
    if len(body) > max_bytes:
        raise CslFormatError(f"download larger than {max_bytes} bytes")
    if declared and declared.isdigit() and int(declared) != len(body):
        raise CslFormatError(f"truncated download: {len(body)} of {declared} bytes")
    return body


def profile_countries(root: Path) -> list[str]:
    """ISO codes of every jurisdiction any profile names (VE-MADURO counts as VE)."""
    doc = json.loads((root / "jurisdictions.json").read_text(encoding="utf-8"))
    return sorted({r["iso"] for r in doc["records"]})


def build_snapshot(
    raw: bytes,
    *,
    source_url: str,
    retrieved: dt.datetime,
    jurisdictions: Sequence[str],
    complete: bool = True,
    note: str | None = None,
) -> dict[str, Any]:
    """The snapshot document for a raw download; raises CslFormatError for a malformed one."""
    parsed = parse(raw)
    kept = [p for row in parsed.rows if (p := normalize_party(row, jurisdictions)) is not None]
    kept.sort(key=lambda p: (p["list"], p["name"].casefold(), p["id"]))
    stamp = retrieved.astimezone(dt.timezone.utc).replace(microsecond=0)
    meta: dict[str, Any] = {
        "source_url": source_url,
        "retrieved": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "raw_bytes": len(raw),
        "raw_format": parsed.format,
        "raw_records": len(parsed.rows) + parsed.skipped,
        "records": len(kept),
        "jurisdictions": sorted(jurisdictions),
        "complete": complete,
    }
    if note:
        meta["note"] = note
    doc = {
        "feed": "csl-snapshot",
        "version": 1,
        "as_of": stamp.date().isoformat(),
        "meta": meta,
        "records": kept,
    }
    problems = validate(SNAPSHOT, doc)
    if problems:
        raise CslFormatError(f"normalized records do not fit the snapshot schema: {problems[0]}")
    return doc


def update(
    root: Path,
    raw: bytes,
    *,
    source_url: str,
    retrieved: dt.datetime | None = None,
    jurisdictions: Sequence[str] | None = None,
    complete: bool = True,
    note: str | None = None,
) -> UpdateResult:
    """Replace the snapshot only when the new download is well formed; then re-hash it."""
    doc = build_snapshot(
        raw,
        source_url=source_url,
        retrieved=retrieved or dt.datetime.now(dt.timezone.utc),
        jurisdictions=jurisdictions if jurisdictions is not None else profile_countries(root),
        complete=complete,
        note=note,
    )
    manifest_path = root / manifest.MANIFEST
    try:
        current = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = dict(current["files"])
    except (OSError, ValueError, KeyError, TypeError):
        raise FeedError(
            [
                Problem(
                    manifest.MANIFEST,
                    None,
                    None,
                    "missing or unreadable; run `icts-scan feeds verify --rehash` first",
                )
            ]
        ) from None
    text = dumps(doc)
    target = root / SNAPSHOT
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest.atomic_write(target, text)
    # Only the snapshot's digest changes: edits elsewhere stay detectable.
    files[SNAPSHOT] = manifest.digest(text.encode("utf-8"))
    manifest.write_manifest(root, files, max(str(current.get("as_of", "")), doc["as_of"]))
    return UpdateResult(
        target,
        doc["meta"]["records"],
        doc["meta"]["raw_records"],
        doc["meta"]["sha256"],
        source_url,
    )
