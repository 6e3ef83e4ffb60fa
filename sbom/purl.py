"""Package URL construction per ecosystem, through packageurl-python, memoized."""

from __future__ import annotations

import re
from functools import lru_cache

from packageurl import PackageURL

_PEP503 = re.compile(r"[-_.]+")


def pypi_name(name: str) -> str:
    """PEP 503 normalized project name."""
    return _PEP503.sub("-", name).lower()


@lru_cache(maxsize=262144)
def _build(
    type_: str,
    namespace: str | None,
    name: str,
    version: str | None,
    qualifiers: tuple[tuple[str, str], ...],
    subpath: str | None,
) -> str:
    return str(
        PackageURL(
            type=type_,
            namespace=namespace or None,
            name=name,
            version=version or None,
            qualifiers=dict(qualifiers) or None,
            subpath=subpath,
        ).to_string()
    )


def purl(
    type_: str,
    name: str,
    version: str | None = None,
    namespace: str | None = None,
    qualifiers: dict[str, str] | None = None,
    subpath: str | None = None,
) -> str:
    """A canonical purl string."""
    quals = tuple(sorted((qualifiers or {}).items()))
    return _build(type_, namespace, name, version, quals, subpath)


def npm(name: str, version: str | None = None) -> str:
    """``@scope/pkg`` → ``pkg:npm/%40scope/pkg@version``."""
    if name.startswith("@") and "/" in name:
        scope, _, bare = name.partition("/")
        return purl("npm", bare, version, namespace=scope)
    return purl("npm", name, version)


def pypi(name: str, version: str | None = None) -> str:
    """PyPI purl with the PEP 503 normalized name."""
    return purl("pypi", pypi_name(name), version)


def golang_ok(module: str) -> bool:
    """Whether a module path can name a purl: no empty segment (``a//b``, a trailing ``/``)."""
    return bool(module) and all(module.split("/"))


def golang(module: str, version: str | None = None) -> str:
    """Go module path split at the last slash; a ``/vN`` major suffix stays the name."""
    namespace, _, name = module.rpartition("/")
    return purl("golang", name, version, namespace=namespace or None)


def maven(
    group: str,
    artifact: str,
    version: str | None = None,
    type_: str | None = None,
    classifier: str | None = None,
) -> str:
    """Maven purl; a non-jar packaging type and a classifier become qualifiers."""
    quals = {"type": type_} if type_ and type_ != "jar" else {}
    if classifier:
        quals["classifier"] = classifier
    return purl("maven", artifact, version, namespace=group, qualifiers=quals or None)


def slashed(type_: str, full_name: str, version: str | None = None) -> str:
    """Types whose names are ``namespace/name`` (composer, github, swift hosts)."""
    namespace, _, name = full_name.rpartition("/")
    return purl(type_, name, version, namespace=namespace or None)


def qualified(ref: str, source_kind: str, source_url: str | None) -> str:
    """``ref`` told apart from the registry package of the same name and version.

    A git copy gets the standard ``vcs_url`` qualifier and a tarball ``download_url``;
    a path or workspace copy, which has no URL to give, ``source=<kind>``
    (docs/cyclonedx-taxonomy.md).
    """
    p = PackageURL.from_string(ref)
    quals = dict(p.qualifiers) if isinstance(p.qualifiers, dict) else {}
    if source_kind == "vcs" and source_url:
        quals["vcs_url"] = source_url
    elif source_kind == "url" and source_url:
        quals["download_url"] = source_url
    else:
        quals["source"] = source_kind
    return purl(p.type, p.name, p.version, p.namespace, quals, p.subpath)
