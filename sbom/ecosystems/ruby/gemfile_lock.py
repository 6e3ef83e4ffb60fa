"""Bundler Gemfile.lock: GEM, GIT and PATH sources, platforms, DEPENDENCIES and CHECKSUMS."""

from __future__ import annotations

from dataclasses import dataclass, field

from sbom import hashes, limits, purl
from sbom.errors import ParseError
from sbom.lines import iter_lines
from sbom.model import (
    Component,
    Hash,
    Location,
    ParseIssue,
    ParseResult,
    Relationship,
    SourceKind,
)

NAME = "gem/gemfile-lock"
TITLE = "Bundler Gemfile.lock"
PATTERNS = ("Gemfile.lock", "gems.locked")
SUPERSEDED_BY: tuple[str, ...] = ()

_SOURCES = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})


@dataclass
class _Source:
    kind: str
    attrs: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Spec:
    name: str
    version: str
    platform: str | None
    source: _Source
    line: int
    deps: list[str] = field(default_factory=list)


def parse(text: str, path: str) -> ParseResult:
    """Parse a Gemfile.lock line by line, as Bundler does: sections, then indentation."""
    section: str | None = None
    source: _Source | None = None
    specs: list[_Spec] = []
    direct: set[str] | None = None
    sums: dict[str, tuple[Hash, ...]] = {}
    issues: list[ParseIssue] = []
    for n, raw in enumerate(iter_lines(text), 1):
        line = raw.rstrip()
        if not line:
            continue
        if not line.startswith(" "):
            section = line
            source = _Source(section) if section in _SOURCES else None
            if section == "DEPENDENCIES":
                direct = set()
            continue
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if source is not None:
            if indent == 2 and ":" in body and body != "specs:":
                key, _, value = body.partition(":")
                source.attrs.setdefault(key, []).append(value.strip())
            elif indent == 4:
                spec = _spec(body, source, n)
                if spec is None:
                    issues.append(ParseIssue(path, n, f"unreadable spec line {body!r}"))
                else:
                    specs.append(spec)
                    limits.built()  # a component to be: a huge file stops here
            elif indent == 6 and specs and specs[-1].source is source:
                specs[-1].deps.append(body.split(" ", 1)[0])
        elif section == "DEPENDENCIES" and direct is not None and indent == 2:
            # "name (>= 1.0)!" — the bang marks a gem from a non-default source.
            direct.add(body.split(" ", 1)[0].rstrip("!"))
        elif section == "CHECKSUMS" and indent == 2:
            # "name (version[-platform]) sha256=hex[,alg=hex]"; path and git gems carry none.
            key, _, digests = body.rpartition(") ")
            if key:
                found = (hashes.from_pair(d.strip(), "=") for d in digests.split(","))
                sums[key + ")"] = tuple(h for h in found if h)
    if section is None or (not specs and direct is None):
        raise ParseError("no GEM, GIT, PATH or DEPENDENCIES section: not a Gemfile.lock", 1)
    return _result(specs, direct, sums, path, issues)


def _spec(body: str, source: _Source, line: int) -> _Spec | None:
    """``name (version[-platform])`` → spec; the version never holds a dash in a lockfile."""
    name, sep, rest = body.partition(" (")
    if not sep or not rest.endswith(")") or not name or " " in name:
        return None
    version, _, platform = rest[:-1].partition("-")
    if not version:
        return None
    return _Spec(name, version, platform or None, source, line)


def _origin(source: _Source) -> tuple[SourceKind, str | None, tuple[str, ...]]:
    """(source_kind, source_url, registries) of a lockfile source section."""
    remotes = tuple(source.attrs.get("remote", ()))
    remote = remotes[0] if remotes else None
    if source.kind == "GEM":
        return "registry", None, remotes
    if source.kind == "GIT" and remote:
        revision = source.attrs.get("revision", [""])[0]
        url = remote if remote.startswith("git+") else "git+" + remote
        return "vcs", f"{url}#{revision}" if revision else url, ()
    if source.kind == "PATH":
        # "remote: ." is the project's own gemspec (a workspace member, as in Cargo).
        return ("workspace", None, ()) if remote in (".", "./") else ("path", remote, ())
    return "url", remote, ()


def _result(
    specs: list[_Spec],
    direct: set[str] | None,
    sums: dict[str, tuple[Hash, ...]],
    path: str,
    issues: list[ParseIssue],
) -> ParseResult:
    comps: dict[str, Component] = {}
    by_name: dict[str, list[str]] = {}
    origins: dict[int, tuple[SourceKind, str | None, tuple[str, ...]]] = {}
    refs: list[str] = []
    for spec in specs:
        kind, url, registries = origins.setdefault(id(spec.source), _origin(spec.source))
        # A platform gem is its own artifact (own checksum), told apart by the purl qualifier.
        quals = {"platform": spec.platform} if spec.platform and spec.platform != "ruby" else None
        ref = purl.purl("gem", spec.name, spec.version, qualifiers=quals)
        refs.append(ref)
        full = f"{spec.version}-{spec.platform}" if spec.platform else spec.version
        comps.setdefault(
            ref,
            Component(
                purl=ref,
                ecosystem="gem",
                name=spec.name,
                version=spec.version,
                direct=None if direct is None else spec.name in direct,
                hashes=sums.get(f"{spec.name} ({full})", ()),
                registries=registries,
                source_kind=kind,
                source_url=url,
                locations=(Location(path, spec.line),),
            ),
        )
        named = by_name.setdefault(spec.name, [])
        if ref not in named:
            named.append(ref)
    edges: set[Relationship] = set()
    for spec, ref in zip(specs, refs, strict=True):
        # A dependency names a gem, not a platform build: every build of it is a possible target.
        edges.update(
            Relationship(ref, t) for dep in spec.deps for t in by_name.get(dep, ()) if t != ref
        )
    for name in direct or ():
        edges.update(Relationship("", t) for t in by_name.get(name, ()))
    return ParseResult(tuple(comps.values()), tuple(sorted(edges)), tuple(issues))
