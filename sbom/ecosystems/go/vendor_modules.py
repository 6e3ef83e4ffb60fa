"""vendor/modules.txt: the modules `go mod vendor` copied, with their replacements."""

from __future__ import annotations

from dataclasses import dataclass

from sbom import purl
from sbom.ecosystems.go.go_mod import is_local_path
from sbom.errors import ParseError
from sbom.merge import merge_sightings
from sbom.model import Component, Location, ParseIssue, ParseResult, SourceKind

NAME = "golang/vendor-modules"
TITLE = "Go vendor/modules.txt"
PATTERNS = ("vendor/modules.txt",)
SUPERSEDED_BY: tuple[str, ...] = ()

# `direct` stays None: "## explicit" means "required in go.mod", and since Go 1.17 go.mod
# requires every module of the build, `// indirect` ones included (kubeedge: 255
# explicit, 181 of them indirect). go.mod itself says which are direct.


@dataclass
class _Header:
    line: int
    name: str
    version: str | None
    kind: SourceKind = "registry"
    url: str | None = None
    used: bool = False  # followed by "##" annotations or package lines
    workspace: bool = False  # a module of the go.work workspace: the project itself


def _header(rest: str, line: int) -> _Header | None:
    """``path version [=> new [version]]`` → the module Go builds from this vendor entry."""
    tokens = rest.split()
    old, arrow, new = tokens, False, []
    if "=>" in tokens:
        i = tokens.index("=>")
        old, new, arrow = tokens[:i], tokens[i + 1 :], True
    if not 1 <= len(old) <= 2 or (arrow and not 1 <= len(new) <= 2):
        return None
    head = _Header(line, old[0], old[1] if len(old) == 2 else None)
    if len(new) == 2:
        head.name, head.version = new  # Go builds the replacement module
    elif new and is_local_path(new[0]):
        head.kind, head.url = "path", new[0]
    elif new:
        return None
    return head


def parse(text: str, path: str) -> ParseResult:
    """Parse a vendor/modules.txt."""
    heads: list[_Header] = []
    issues: list[ParseIssue] = []
    current: _Header | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("# "):
            current = _header(line[2:], n)
            if current is None:
                issues.append(
                    ParseIssue(path, n, f"{NAME}: expected '# module version [=> replacement]'")
                )
            else:
                heads.append(current)
        elif line.startswith("##"):
            if current is not None:
                current.used = True
                notes = {a.strip() for a in line[2:].split(";")}
                current.workspace = current.workspace or "workspace" in notes
        elif line.strip() and not line.startswith("#"):
            if current is None:
                raise ParseError("package line before any '# module version' line", n)
            current.used = True
    if not heads and issues:
        raise ParseError("not a vendor/modules.txt: no '# module version' line", issues[0].line)

    sightings: list[Component] = []
    for head in heads:
        # Headers nothing follows (or without an old version) are go.mod replacements that
        # Go records at the end so it can check the vendor tree; they are not modules.
        if not head.used or head.workspace or head.version is None:
            continue
        if not purl.golang_ok(head.name):
            issues.append(
                ParseIssue(path, head.line, f"{NAME}: {head.name!r} is not a module path")
            )
            continue
        comp = Component(
            purl=purl.golang(head.name, head.version),
            ecosystem="golang",
            name=head.name,
            version=head.version,
            source_kind=head.kind,
            source_url=head.url,
            locations=(Location(path, head.line),),
        )
        sightings.append(comp)
    comps = merge_sightings(sightings)
    return ParseResult(tuple(comps.values()), (), tuple(issues))
