"""Workspace declarations: which member folders a workspace root claims (npm, pnpm, Cargo, uv, Go, Maven)."""

from __future__ import annotations

import posixpath
from fnmatch import fnmatchcase

from sbom.errors import ParseError
from sbom.loaders import load_json, load_toml, load_yaml
from sbom.xmltags import simple_values

# Files that can declare a workspace (members grouped under the declaring folder).
WORKSPACE_FILES = frozenset(
    {"go.work", "pnpm-workspace.yaml", "package.json", "Cargo.toml", "pyproject.toml", "pom.xml"}
)
# A cheap test before decoding: most package.json and pom.xml files declare no workspace.
_MARKERS = {"package.json": b'"workspaces"', "pom.xml": b"<modules", "Cargo.toml": b"workspace"}
MAX_DECLARATION = 1 << 20


def members(relpath: str, data: bytes) -> tuple[str, ...]:
    """Member folder patterns a workspace file declares, relative to its folder ('!' excludes)."""
    name = relpath.rsplit("/", 1)[-1]
    marker = _MARKERS.get(name, b"workspace" if name == "pyproject.toml" else b"")
    if marker not in data:
        return ()
    try:
        text = data.decode("utf-8-sig")
        if name == "go.work":
            return _go_work(text)
        if name == "pom.xml":
            mods = list(simple_values(text, "module"))
            return tuple(posixpath.dirname(m) if m.endswith(".xml") else m for m in mods)
        if name == "package.json":
            found = load_json(text).get("workspaces")
            found = found.get("packages") if isinstance(found, dict) else found
        elif name == "pnpm-workspace.yaml":
            found = (load_yaml(text) or {}).get("packages")
        else:
            doc = load_toml(text)
            ws = doc.get("workspace") if name == "Cargo.toml" else None
            ws = ws or doc.get("tool", {}).get("uv", {}).get("workspace") or {}
            found = _strings(ws.get("members")) + ["!" + e for e in _strings(ws.get("exclude"))]
    except (ParseError, UnicodeDecodeError, AttributeError, TypeError):
        return ()
    return tuple(_strings(found))


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _go_work(text: str) -> tuple[str, ...]:
    out: list[str] = []
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            block = line != ")"
            out.extend([line.strip('"')] if block and line else [])
        elif line.startswith("use"):
            rest = line[3:].strip()
            block = rest == "("
            out.extend([rest.strip('"')] if rest and not block else [])
    return tuple(out)


def matches(pattern: str, path: str) -> bool:
    """Folder glob: ``*`` stays within one segment, ``**`` spans any number.

    The pattern runs as a set of positions over the path's segments, so the work is at most
    segments x pattern segments (trying each way to split the path among the ``**`` was
    exponential in their number).
    """
    pat = pattern.split("/") if pattern else []
    # "**/**" is "**": collapsed, so that skipping them is one step.
    pat = [p for i, p in enumerate(pat) if p != "**" or not i or pat[i - 1] != "**"]
    states = _past_globstars(pat, {0})
    for part in path.split("/") if path else []:
        step = set()
        for i in states:
            if i < len(pat) and (pat[i] == "**" or fnmatchcase(part, pat[i])):
                step.add(i if pat[i] == "**" else i + 1)
        states = _past_globstars(pat, step)
        if not states:
            return False
    return len(pat) in states


def _past_globstars(pat: list[str], states: set[int]) -> set[int]:
    """Each position, plus those reached by letting ``**`` match no segment at all."""
    out = set(states)
    for i in states:
        while i < len(pat) and pat[i] == "**":
            i += 1
            out.add(i)
    return out


def under(folder: str, pattern: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, pattern.lstrip("!")))
    return "" if joined == "." else joined
