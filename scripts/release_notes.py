"""CHANGELOG.md in Keep a Changelog style: check [Unreleased], roll it into a release, read one back.

Each release section starts with the knowledge-base (feeds) version it ships, because a
finding means nothing without the knowledge base that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHANGELOG = "CHANGELOG.md"
REPO_URL = "https://github.com/icts-scan/icts-scan"
UNRELEASED = "Unreleased"
# An entry the lead still has to write; a release refuses to ship one.
PLACEHOLDER = "TO COMPLETE"
FEEDS_LINE = "Knowledge base (feeds): `{label}`"

_HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?[ \t]*$", re.M)
_LINK = re.compile(r"^\[(?P<name>[^\]]+)\]: \S+[ \t]*$", re.M)
_FEEDS = re.compile(r"^Knowledge base \(feeds\): `(?P<label>[^`]+)`", re.M)
# Notes to maintainers in [Unreleased]: neither entries nor part of the release.
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


@dataclass(frozen=True)
class Section:
    """One ``## [name] - date`` section: where its body starts and ends in the text."""

    name: str
    date: str | None
    start: int  # the heading's first character
    body_start: int
    end: int


def sections(text: str) -> list[Section]:
    """Every release section in order; the link references at the end are not in any body."""
    heads = list(_HEADING.finditer(text))
    links = _LINK.search(text, heads[-1].end()) if heads else None
    stop = links.start() if links else len(text)
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else stop
        out.append(Section(m["name"], m["date"], m.start(), m.end(), end))
    return out


def body(text: str, name: str) -> str | None:
    """A section's text without its heading, or None when there is no such section."""
    for s in sections(text):
        if s.name == name:
            return text[s.body_start : s.end].strip("\n")
    return None


def feeds_of(text: str, version: str) -> str | None:
    """The knowledge-base label a release section names."""
    found = _FEEDS.search(body(text, version) or "")
    return found["label"] if found else None


def unreleased_problems(text: str) -> list[str]:
    """Why [Unreleased] cannot become a release yet (empty list: it can)."""
    pending = body(text, UNRELEASED)
    if pending is None:
        return [f"{CHANGELOG} has no `## [{UNRELEASED}]` section"]
    pending = _COMMENT.sub("", pending)
    problems = []
    if not re.search(r"^- \S", pending, re.M):
        problems.append(f"`## [{UNRELEASED}]` in {CHANGELOG} lists no change")
    if PLACEHOLDER in pending:
        count = pending.count(PLACEHOLDER)
        problems.append(f"{count} entry(ies) under [{UNRELEASED}] still say {PLACEHOLDER!r}")
    return problems


def roll(text: str, version: str, date: str, feeds: str, previous: str | None) -> str:
    """[Unreleased] becomes ``## [version] - date`` (feeds line first); a new empty one on top."""
    unreleased = next(s for s in sections(text) if s.name == UNRELEASED)
    pending = _COMMENT.sub("", text[unreleased.body_start : unreleased.end]).strip("\n")
    released = (
        f"## [{UNRELEASED}]\n\n## [{version}] - {date}\n\n"
        f"{FEEDS_LINE.format(label=feeds)}\n\n{pending}\n\n"
    )
    text = text[: unreleased.start] + released + text[unreleased.end :]
    return _links(text, version, previous)


def _links(text: str, version: str, previous: str | None) -> str:
    """Link references: [Unreleased] compares with the new tag, the new version gets its own."""
    stop = sections(text)[-1].end
    refs = text[stop:].splitlines()
    kept = [ln for ln in refs if ln.strip() and not ln.startswith(f"[{UNRELEASED}]: ")]
    new = (
        f"[{version}]: {REPO_URL}/compare/v{previous}...v{version}"
        if previous
        else f"[{version}]: {REPO_URL}/releases/tag/v{version}"
    )
    head = text[:stop].rstrip("\n")
    unreleased = f"[{UNRELEASED}]: {REPO_URL}/compare/v{version}...HEAD"
    return head + "\n\n" + "\n".join([unreleased, new, *kept]) + "\n"


def tag_message(text: str, version: str) -> str:
    """The annotated tag's message: the version, then its CHANGELOG section as written."""
    notes = body(text, version)
    if notes is None:
        raise KeyError(f"{CHANGELOG} has no section for {version}")
    return f"icts-scan {version}\n\n{notes}\n"
