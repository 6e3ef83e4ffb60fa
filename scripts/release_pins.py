"""Where the docs pin a release (Action SHA, pre-commit rev, pip and git installs) and the record.

``releases.json`` records each release's tag, commit, date and knowledge-base version. The
docs can only name a release commit after it exists, so the release script pins them in a
commit of its own right after the tag; tests check the docs against this record, and the
record against git wherever the tag or the commit is present (a tarball or a clone without
tags still passes what it can show).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

RECORD = "releases.json"
PLACEHOLDER_SHA = "0" * 40
# The files that show users how to install or pin icts-scan.
DOC_GLOBS = ("README.md", "docs/**/*.md", "examples/**/*.md", "examples/**/*.yml")
# Pages about the pins themselves, whose example versions are not pins.
NOT_PINS = frozenset({"docs/releasing.md"})

# `uses: icts-scan/icts-scan@<full SHA> # v0.1.0`: the comment names the tag (Dependabot and
# Renovate update both); anything after the tag on that line is replaced too.
ACTION = re.compile(
    r"(?<![\w./-])icts-scan/icts-scan@(?P<sha>[0-9a-f]{40}) # v(?P<version>\d[\w.]*)[^\n]*"
)
# pre-commit: `rev: v0.1.0`, or `rev: <SHA>  # frozen: v0.1.0` as `pre-commit autoupdate --freeze`
# writes it, on the line after the repository URL.
HOOK = re.compile(
    r"(?P<lead>repo: https://github\.com/icts-scan/icts-scan\n[ \t]*rev: )"
    r"(?:v(?P<version>\d[\w.]*)|(?P<sha>[0-9a-f]{40})[ \t]+# frozen: v(?P<frozen>\d[\w.]*))"
)
PIP = re.compile(r"(?<![\w-])icts-scan(?P<extras>\[[\w,]+\])?==(?P<version>\d[\w.]*)")
GIT = re.compile(r"github\.com/icts-scan/icts-scan(?:\.git)?@v(?P<version>\d[\w.]*)")


@dataclass(frozen=True)
class Pin:
    """One place a document pins a release."""

    path: str
    line: int
    kind: str  # action | pre-commit | pip | git
    version: str
    sha: str | None  # the commit, where the pin names one


def doc_files(root: Path) -> list[Path]:
    found = {p for g in DOC_GLOBS for p in root.glob(g) if p.is_file()}
    return sorted(p for p in found if p.relative_to(root).as_posix() not in NOT_PINS)


def pins(text: str, path: str = "") -> list[Pin]:
    """Every release pin in a document, in order."""

    def at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    found = [
        Pin(path, at(m.start()), "action", m["version"], m["sha"]) for m in ACTION.finditer(text)
    ]
    for m in HOOK.finditer(text):
        version = m["version"] or m["frozen"]
        found.append(Pin(path, at(m.start("lead")) + 1, "pre-commit", version, m["sha"]))
    found += [Pin(path, at(m.start()), "pip", m["version"], None) for m in PIP.finditer(text)]
    found += [Pin(path, at(m.start()), "git", m["version"], None) for m in GIT.finditer(text)]
    return sorted(found, key=lambda p: p.line)


def all_pins(root: Path) -> list[Pin]:
    return [
        pin
        for path in doc_files(root)
        for pin in pins(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
    ]


def repin(text: str, version: str, sha: str) -> str:
    """Every pin in ``text`` moved to ``version`` at commit ``sha``."""
    text = ACTION.sub(f"icts-scan/icts-scan@{sha} # v{version}", text)

    def hook(m: re.Match[str]) -> str:
        frozen = m["sha"] is not None
        return m["lead"] + (f"{sha}  # frozen: v{version}" if frozen else f"v{version}")

    text = HOOK.sub(hook, text)
    text = PIP.sub(lambda m: f"icts-scan{m['extras'] or ''}=={version}", text)
    return GIT.sub(lambda m: m[0][: m.start("version") - m.start()] + version, text)


def repin_docs(root: Path, version: str, sha: str) -> list[Path]:
    """Rewrite the pins of every document; returns the files that changed."""
    changed = []
    for path in doc_files(root):
        old = path.read_text(encoding="utf-8")
        new = repin(old, version, sha)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def releases(root: Path) -> list[dict[str, str]]:
    """The recorded releases, newest first (empty before the first release)."""
    path = root / RECORD
    if not path.exists():
        return []
    doc = json.loads(path.read_text(encoding="utf-8"))
    return list(doc["releases"])


def record(root: Path, entry: dict[str, str]) -> Path:
    """Add a release to the record (newest first)."""
    path = root / RECORD
    entries = [entry, *(e for e in releases(root) if e["version"] != entry["version"])]
    path.write_text(json.dumps({"releases": entries}, indent=2) + "\n", encoding="utf-8")
    return path
