"""go.mod: require (direct and // indirect), replace, exclude; the main module is the project."""

from __future__ import annotations

from sbom import purl
from sbom.errors import ParseError
from sbom.merge import merge_sightings
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship, SourceKind

NAME = "golang/go-mod"
TITLE = "go.mod"
PATTERNS = ("go.mod",)
SUPERSEDED_BY: tuple[str, ...] = ()

# Directives that never name a dependency (the toolchain, debug settings, tools whose
# modules are also required, retractions of the main module's own versions).
_IGNORED = frozenset({"module", "go", "toolchain", "godebug", "retract", "tool", "ignore"})
_KNOWN = _IGNORED | {"require", "exclude", "replace"}


def is_local_path(target: str) -> bool:
    """Go treats a replacement target as a directory when it is a relative or absolute path."""
    return (
        target.startswith(("./", "../", "/", ".\\", "..\\"))
        or target in (".", "..")
        or target[1:3] in (":\\", ":/")
    )


def _unquote(token: str) -> str:
    # go.mod allows "interpreted" and `raw` strings for paths and versions.
    if len(token) >= 2 and token[0] == token[-1] and token[0] in '"`':
        return token[1:-1]
    return token


def directives(text: str) -> tuple[list[tuple[str, list[str], str, int]], list[tuple[int, str]]]:
    """(verb, args, comment, line) of every known directive, block members expanded, and (line, verb) of unknown ones."""
    out: list[tuple[str, list[str], str, int]] = []
    unknown: list[tuple[int, str]] = []
    block: str | None = None
    block_line = 0
    for n, raw in enumerate(text.splitlines(), 1):
        code, _, comment = raw.partition("//")
        tokens = code.split()
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
            elif block in _KNOWN:
                out.append((block, [_unquote(t) for t in tokens], comment, n))
            continue
        verb = tokens[0]
        if verb not in _KNOWN:
            if verb == ")":
                raise ParseError("')' without an open block", n)
            unknown.append((n, verb))
        if tokens[1:] == ["("]:
            block, block_line = verb, n
        elif verb in _KNOWN and tokens[1:] not in (["(", ")"], ["()"]):  # () is an empty block
            out.append((verb, [_unquote(t) for t in tokens[1:]], comment, n))
    if block is not None:
        raise ParseError(f"'{block} (' block is never closed", block_line)
    if unknown and not out:
        raise ParseError(f"not a go.mod file: unknown directive {unknown[0][1]!r}", unknown[0][0])
    return out, unknown


def parse(text: str, path: str) -> ParseResult:
    """Parse a go.mod."""
    found, unknown = directives(text)
    # Newer Go releases add directives (godebug, tool, ignore); an unknown one is not fatal.
    issues = [
        ParseIssue(path, n, f"{NAME}: unknown directive {verb!r}; ignored", "warning")
        for n, verb in unknown
    ]
    requires: list[tuple[str, str, bool, int]] = []
    go_version: str | None = None
    excludes: set[tuple[str, str]] = set()
    # (old path, old version or None for every version) → (new path, new version or None, line)
    replaces: dict[tuple[str, str | None], tuple[str, str | None, int]] = {}
    for verb, args, comment, line in found:
        if verb == "go" and args:
            go_version = args[0]
        if verb == "require" or verb == "exclude":
            if len(args) != 2:
                issues.append(
                    ParseIssue(path, line, f"{NAME}: {verb} needs a module path and a version")
                )
            elif verb == "require":
                # Go's rule: the trailing comment is exactly "indirect" or starts with "indirect;".
                note = comment.strip()
                requires.append(
                    (args[0], args[1], note == "indirect" or note.startswith("indirect;"), line)
                )
            else:
                excludes.add((args[0], args[1]))
        elif verb == "replace":
            if (
                "=>" not in args
                or args.index("=>") not in (1, 2)
                or len(args) - args.index("=>") not in (2, 3)
            ):
                issues.append(
                    ParseIssue(
                        path, line, f"{NAME}: replace needs 'old [version] => new [version]'"
                    )
                )
                continue
            arrow = args.index("=>")
            old_version = args[1] if arrow == 2 else None
            to = args[arrow + 1 :]
            replaces[(args[0], old_version)] = (to[0], to[1] if len(to) == 2 else None, line)

    sightings: list[Component] = []
    for module, version, indirect, line in requires:
        if (module, version) in excludes:
            # Go skips an excluded requirement and picks the next higher version, which
            # this file does not name; there is no version to report.
            msg = f"{NAME}: {module} {version} is both required and excluded; skipped"
            issues.append(ParseIssue(path, line, msg, "warning"))
            continue
        name, ver, url = module, version, None
        kind: SourceKind = "registry"
        if not purl.golang_ok(module):
            issues.append(ParseIssue(path, line, f"{NAME}: {module!r} is not a module path"))
            continue
        locations: tuple[Location, ...] = (Location(path, line),)
        # A replacement of this exact version wins over one for every version (Go's rule).
        target = replaces.get((module, version)) or replaces.get((module, None))
        if target is not None:
            new, new_version, replace_line = target
            locations += (Location(path, replace_line),)
            if new_version is not None and not purl.golang_ok(new):
                issues.append(
                    ParseIssue(path, replace_line, f"{NAME}: {new!r} is not a module path")
                )
                continue
            if new_version is not None:
                name, ver = new, new_version  # what Go builds is the replacement module
            elif is_local_path(new):
                kind, url = "path", new
            else:
                msg = f"{NAME}: replacement {new} has no version and is not a directory; ignored"
                issues.append(ParseIssue(path, replace_line, msg))
        comp = Component(
            purl=purl.golang(name, ver),
            ecosystem="golang",
            name=name,
            version=ver,
            direct=not indirect,
            source_kind=kind,
            source_url=url,
            locations=locations,
        )
        # Several old paths may be replaced by one module (kubeedge: Sirupsen/sirupsen logrus).
        sightings.append(comp)
    comps = merge_sightings(sightings)
    edges = tuple(Relationship("", ref) for ref, c in sorted(comps.items()) if c.direct)
    return ParseResult(
        tuple(comps.values()), edges, tuple(issues), complete_set=prunes_graph(go_version)
    )


def prunes_graph(go_version: str | None) -> bool:
    """Go 1.17 and later list every module of the build in go.mod; older files do not.

    Module-graph pruning: from 1.17 the require list names every module that provides a
    package to the build (// indirect included), so it is the complete module set and
    go.sum, which also keeps checksums for the tests of dependencies, only adds hashes.
    """
    major, _, rest = (go_version or "").partition(".")
    minor = rest.split(".", 1)[0].split("rc", 1)[0].split("beta", 1)[0]
    return major.isdigit() and minor.isdigit() and (int(major), int(minor)) >= (1, 17)
