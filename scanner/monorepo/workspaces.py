"""Workspace declarations: which member folders a workspace root claims (npm, pnpm, Cargo, uv, Go, Maven)."""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatchcase

from sbom.errors import ParseError
from sbom.loaders import load_json, load_toml, load_yaml

# Files that can declare a workspace (members grouped under the declaring folder).
WORKSPACE_FILES = frozenset(
    {"go.work", "pnpm-workspace.yaml", "package.json", "Cargo.toml", "pyproject.toml", "pom.xml"}
)
# A cheap test before decoding: most package.json and pom.xml files declare no workspace.
_MARKERS = {"package.json": b'"workspaces"', "pom.xml": b"<modules", "Cargo.toml": b"workspace"}
MAX_DECLARATION = 1 << 20
_MODULE = re.compile(r"<module>\s*([^<]+?)\s*</module>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


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
            mods = _MODULE.findall(_COMMENT.sub("", text))
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
    """Folder glob: ``*`` stays within one segment, ``**`` spans any number."""
    return _match(pattern.split("/") if pattern else [], path.split("/") if path else [])


def _match(pat: list[str], parts: list[str]) -> bool:
    if not pat:
        return not parts
    if pat[0] == "**":
        return any(_match(pat[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pat[0]) and _match(pat[1:], parts[1:])


def under(folder: str, pattern: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, pattern.lstrip("!")))
    return "" if joined == "." else joined
