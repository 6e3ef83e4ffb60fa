"""Git .gitmodules: submodules, their remote URLs and tracked branches."""

from __future__ import annotations

import re

from sbom import purl, vcs
from sbom.errors import ParseError
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship

NAME = "git/gitmodules"
TITLE = ".gitmodules (git submodules)"
PATTERNS = (".gitmodules",)
SUPERSEDED_BY: tuple[str, ...] = ()

# git-config syntax: [section "subsection"] headers and key = value lines.
_SECTION = re.compile(r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\s*\]\s*(?:[#;].*)?$')
# The value is taken whole and stripped afterwards: a lazy value before "\s*$" is quadratic
# on a long run of blanks.
_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$")


def parse(text: str, path: str) -> ParseResult:
    """Parse a .gitmodules file.

    The commit a submodule is pinned to lives in the superproject's tree (the gitlink), not in
    this file, so versions are unknown here. A github.com remote becomes ``pkg:github/owner/repo``;
    any other, relative URLs included, ``pkg:generic/<repo>?vcs_url=<url>``.
    """
    modules: dict[str, dict[str, str]] = {}
    starts: dict[str, int] = {}
    current: dict[str, str] | None = None
    lines = text.splitlines()
    n = 0
    while n < len(lines):
        raw, n = lines[n], n + 1
        # A backslash at the end of a line continues the value on the next one (joined once:
        # adding line by line copies the growing value each time).
        pieces = [raw]
        while pieces[-1].endswith("\\") and n < len(lines):
            pieces[-1] = pieces[-1][:-1]
            pieces.append(lines[n])
            n += 1
        raw = "".join(pieces)
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("["):
            m = _SECTION.match(raw)
            if m is None:
                raise ParseError(f"bad section header {stripped[:60]!r}", n)
            if m.group(1).lower() == "submodule" and m.group(2) is not None:
                name = re.sub(r"\\(.)", r"\1", m.group(2))
                current = modules.setdefault(name, {})
                starts.setdefault(name, n)
            else:
                current = None  # not a submodule: git ignores other sections here too
            continue
        m = _KEY.match(raw)
        if m is None:
            raise ParseError(f"bad line {stripped[:60]!r}", n)
        if current is not None:
            current[m.group(1).lower()] = _value(m.group(2) or "")
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for name, keys in modules.items():
        url, where = keys.get("url"), Location(path, starts[name])
        if not url or not keys.get("path"):
            issues.append(
                ParseIssue(
                    path, where.line, f"{NAME}: submodule {name!r} has no path or url", "warning"
                )
            )
            continue
        repo = vcs.github_repo(url)
        if repo:
            ref, ecosystem = purl.slashed("github", repo), "github"
        else:
            parts = vcs.split(url)
            base = (parts[1] if parts else url).rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
            ref = purl.purl("generic", base or name, qualifiers={"vcs_url": url})
            ecosystem = "generic"
        comps.append(
            Component(
                purl=ref,
                ecosystem=ecosystem,
                name=name,
                version=None,
                direct=True,
                source_kind="vcs",
                source_url=url,
                requirement=keys.get("branch") or None,
                locations=(where,),
            )
        )
    edges = tuple(sorted({Relationship("", c.purl) for c in comps}))
    return ParseResult(tuple(comps), edges, tuple(issues))


def _value(raw: str) -> str:
    """A git-config value: quotes removed, escapes resolved, an unquoted # or ; starts a comment."""
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(nxt, nxt))
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch in "#;" and not quoted:
            break
        else:
            out.append(ch)
        i += 1
    return "".join(out).strip()
