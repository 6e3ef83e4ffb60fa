"""MANIFEST.json: the sha256 of every data file, so hand edits and corruption are caught."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from feeds.errors import Problem
from feeds.jsonfmt import dumps

MANIFEST = "MANIFEST.json"


def data_files(root: Path) -> list[str]:
    """Data files under ``root`` as sorted POSIX paths, the manifest itself excluded."""
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*.json") if p.name != MANIFEST
    )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(files: Mapping[str, str]) -> str:
    """One hash over every file's name and digest: the feed's content identity."""
    text = "".join(f"{name} {files[name]}\n" for name in sorted(files))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def manifest_doc(files: Mapping[str, str], as_of: str) -> dict[str, Any]:
    return {
        "feed": "manifest",
        "version": 1,
        "as_of": as_of,
        "content_hash": content_hash(files),
        "files": dict(sorted(files.items())),
    }


def compare(manifest: Mapping[str, Any], actual: Mapping[str, str]) -> list[Problem]:
    """Files whose digest differs from the manifest, or that are missing or unlisted."""
    hint = "review the change, then run `icts-scan feeds verify --rehash`"
    listed: Mapping[str, str] = manifest.get("files", {})
    out: list[Problem] = []
    for name in sorted(set(listed) | set(actual)):
        if name not in actual:
            out.append(Problem(name, None, None, f"listed in {MANIFEST} but missing"))
        elif name not in listed:
            out.append(Problem(name, None, None, f"not listed in {MANIFEST}; {hint}"))
        elif listed[name] != actual[name]:
            out.append(
                Problem(
                    name,
                    None,
                    None,
                    f"digest differs from {MANIFEST} (file was edited or corrupted); {hint}",
                )
            )
    if not out and manifest.get("content_hash") != content_hash(listed):
        out.append(
            Problem(MANIFEST, None, "content_hash", "does not match the listed file digests")
        )
    return out


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename, so readers never see half a
    file. The file keeps its permissions (a new one is readable by all, 0644): a temporary
    file is private, and a knowledge base that only its curator can read fails for every
    other user of an installation."""
    import tempfile  # writers only: loading the knowledge base never needs it

    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_manifest(root: Path, files: Mapping[str, str], as_of: str) -> dict[str, Any]:
    doc = manifest_doc(files, as_of)
    atomic_write(root / MANIFEST, dumps(doc))
    return doc
