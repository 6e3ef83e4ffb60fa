"""Composer composer.lock: packages and packages-dev, dist and source origins, the require graph."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sbom import hashes, purl
from sbom.errors import ParseError
from sbom.licenses import declared as declared_licenses
from sbom.lines import LineIndex
from sbom.loaders import load_json
from sbom.model import (
    Component,
    Location,
    ParseIssue,
    ParseResult,
    Relationship,
    Scope,
    SourceKind,
)

NAME = "composer/composer-lock"
TITLE = "Composer composer.lock"
PATTERNS = ("composer.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

_VCS_PREFIX = {"git": "git+", "hg": "hg+", "svn": "svn+"}


def parse(text: str, path: str) -> ParseResult:
    """Parse a composer.lock.

    Versions are kept as written (``v5.4.0``, ``dev-main``, ``2.0.x-dev``): that is the
    version Packagist lists and the purl spec asks for; comparing them is the reader's job.
    """
    doc = load_json(text)
    if not isinstance(doc, dict) or not ({"packages", "packages-dev"} & doc.keys()):
        raise ParseError("no 'packages' list: not a composer.lock", 1)
    index = LineIndex(text)
    comps: dict[str, Component] = {}
    requires: list[tuple[str, Any]] = []
    provided: dict[str, str] = {}
    issues: list[ParseIssue] = []
    sections: tuple[tuple[str, Scope], ...] = (("packages", "required"), ("packages-dev", "dev"))
    for section, scope in sections:
        entries = doc.get(section)
        if entries is None:
            continue
        start = max(text.find(f'"{section}"'), 0)
        if not isinstance(entries, list):
            issues.append(ParseIssue(path, index.line_of(start), f"'{section}' is not a list"))
            continue
        # Composer writes entries in list order, so one forward cursor finds every line.
        cursor = start
        for n, pkg in enumerate(entries):
            name = pkg.get("name") if isinstance(pkg, dict) else None
            version = pkg.get("version") if isinstance(pkg, dict) else None
            pos = text.find(f'"name": "{name}"', cursor) if isinstance(name, str) else -1
            cursor = pos + 1 if pos >= 0 else cursor
            line = index.line_of(pos) if pos >= 0 else None
            if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
                issues.append(ParseIssue(path, line, f"{section}[{n}] has no name or version"))
                continue
            comp = _component(pkg, name, version, scope, Location(path, line))
            comps.setdefault(comp.purl, comp)
            requires.append((comp.purl, pkg.get("require")))
            # replace/provide let a package stand in for another name in "require".
            for key in ("replace", "provide"):
                names = pkg.get(key)
                for other in names if isinstance(names, dict) else ():
                    provided.setdefault(str(other).lower(), comp.purl)
    by_name = {**provided, **{c.name.lower(): ref for ref, c in comps.items()}}
    edges: set[Relationship] = set()
    for ref, req in requires:
        for dep in req if isinstance(req, dict) else ():
            # php, ext-*, lib-* and composer-plugin-api are platform packages: not in the lock.
            target = by_name.get(str(dep).lower())
            if target and target != ref:
                edges.add(Relationship(ref, target))
    # The lock does not keep the root's own require list, but a package nothing else requires
    # can only be there because the root requires it.
    required = {e.target for e in edges}
    for ref in comps.keys() - required:
        comps[ref] = replace(comps[ref], direct=True)
        edges.add(Relationship("", ref))
    return ParseResult(tuple(comps.values()), tuple(sorted(edges)), tuple(issues))


def _component(
    pkg: dict[str, Any], name: str, version: str, scope: Scope, loc: Location
) -> Component:
    raw_dist, raw_source = pkg.get("dist"), pkg.get("source")
    dist: dict[str, Any] = raw_dist if isinstance(raw_dist, dict) else {}
    source: dict[str, Any] = raw_source if isinstance(raw_source, dict) else {}
    dist_type, dist_url = str(dist.get("type") or ""), dist.get("url")
    notify = pkg.get("notification-url")
    resolved: tuple[str, ...] = ()
    registries: tuple[str, ...] = ()
    url: str | None = None
    kind: SourceKind
    if dist_type == "path":
        kind = "path"
        url = str(dist_url) if dist_url else None
    else:
        resolved = (dist_url,) if isinstance(dist_url, str) and dist_url else ()
        if isinstance(notify, str) and notify:
            # Composer repositories (Packagist, private mirrors) set notification-url to
            # "<repository>/downloads/"; packages from vcs or package repositories have none.
            kind = "registry"
            registries = (notify.removesuffix("downloads/"),)
        elif source.get("type") in _VCS_PREFIX and source.get("url"):
            kind = "vcs"
            url = _VCS_PREFIX[source["type"]] + str(source["url"])
            url += f"#{source['reference']}" if source.get("reference") else ""
        else:
            kind = "url" if resolved else "registry"
            url = resolved[0] if resolved else None
    shasum = dist.get("shasum")
    digest = hashes.from_hex("sha1", shasum) if isinstance(shasum, str) and shasum else None
    return Component(
        purl=purl.slashed("composer", name.lower(), version),
        ecosystem="composer",
        name=name,
        version=version,
        scope=scope,
        hashes=(digest,) if digest else (),
        resolved=resolved,
        registries=registries,
        source_kind=kind,
        source_url=url,
        locations=(loc,),
        licenses=declared_licenses(pkg.get("license")),
    )
