"""Shared pieces of SBOM ingestion: purl identity and names, digests, graph assembly."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from packageurl import PackageURL

from sbom import purl as purls
from sbom.model import Component, Hash, Location, ParseIssue, ParseResult, Relationship

# purl types whose namespace is a distro, vendor or channel rather than part of the
# package's own name: the ecosystem writes the bare name ("busybox", not "alpine/busybox").
_BARE_NAME_TYPES = frozenset(
    {"deb", "apk", "rpm", "alpm", "qpkg", "conan", "hex", "cpan", "cran", "julia", "oci", "bitnami"}
)

# Digest algorithms by every spelling CycloneDX and SPDX use, to CycloneDX names. SPDX's
# SHA224, MD2, MD4, MD6 and ADLER32 have no CycloneDX name and are dropped.
_ALGS = {
    spelling: name
    for name in (
        "MD5",
        "SHA-1",
        "SHA-256",
        "SHA-384",
        "SHA-512",
        "SHA3-256",
        "SHA3-384",
        "SHA3-512",
        "BLAKE2b-256",
        "BLAKE2b-384",
        "BLAKE2b-512",
        "BLAKE3",
    )
    for compact in (name.replace("SHA-", "SHA"),)
    for spelling in (name, name.upper(), name.lower(), compact, compact.lower())
}
_HEX_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128}
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True, slots=True)
class PurlInfo:
    """A purl in canonical form with the parts a Component needs."""

    purl: str
    ecosystem: str
    name: str
    version: str | None


@dataclass(slots=True)
class Parsed:
    """What a format module returns: the parse result and document-level metadata."""

    result: ParseResult
    metadata: dict[str, str] = field(default_factory=dict)


def _display_name(p: PackageURL) -> str:
    ns = p.namespace
    if not ns or p.type in _BARE_NAME_TYPES:
        return str(p.name)
    if p.type == "maven":
        return f"{ns}:{p.name}"
    return f"{ns}/{p.name}"  # npm "@scope/pkg", golang module path, composer, github, swift...


@lru_cache(maxsize=131072)
def purl_info(raw: str) -> PurlInfo | None:
    """Canonical purl and its parts, or None when ``raw`` is not a valid purl.

    packageurl fixes encoding and qualifier order, so the same package written two ways
    by two tools gets one identity; ``type=jar`` is dropped because jar is Maven's
    default and sbom.purl.maven leaves it out too.
    """
    try:
        p = PackageURL.from_string(raw.strip())
    except (ValueError, TypeError):
        return None
    quals = p.qualifiers if isinstance(p.qualifiers, dict) else {}
    if p.type == "maven" and quals.get("type") == "jar":
        quals = {k: v for k, v in quals.items() if k != "type"}
        p = PackageURL(p.type, p.namespace, p.name, p.version, quals or None, p.subpath)
    return PurlInfo(str(p.to_string()), str(p.type), _display_name(p), p.version or None)


def name_from_purl(purl: str) -> str | None:
    """The package name as its ecosystem writes it (``@scope/pkg``, ``group:artifact``…)."""
    info = purl_info(purl)
    return None if info is None else info.name


def generic_purl(name: str, version: str | None, group: str | None = None) -> PurlInfo | None:
    """A stable ``pkg:generic`` identity for an entry that names no purl; None if unusable."""
    # A slash in the name would not round-trip through the purl string; make it a namespace.
    namespace, _, bare = name.strip().strip("/").rpartition("/")
    if group:
        namespace = f"{group}/{namespace}" if namespace else group
    try:
        text = purls.purl("generic", bare, version, namespace=namespace or None)
    except ValueError:
        return None
    return PurlInfo(text, "generic", f"{group}/{name}" if group else name, version)


def digest(alg: object, value: object) -> Hash | None:
    """A Hash from a CycloneDX or SPDX algorithm name and hex digest; None if unusable."""
    name = _ALGS.get(alg) if isinstance(alg, str) else None
    if name is None or not isinstance(value, str):
        return None
    value = value.strip().lower()
    if not _HEX.fullmatch(value) or len(value) != _HEX_LENGTHS.get(name, len(value)):
        return None
    return Hash(name, value)


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else empty: hostile documents put anything anywhere."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """A non-empty string or None."""
    return value if isinstance(value, str) and value else None


def match_lines(pattern: re.Pattern[str], text: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each match with its 1-based line; newlines are counted once, in C, between matches."""
    line, pos = 1, 0
    for m in pattern.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        yield m, line


def line_of(text: str, needle: str) -> int | None:
    """Line of the first occurrence of ``needle``, or None."""
    pos = text.find(needle)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def key_lines(text: str, *keys: str) -> dict[tuple[str, str], int]:
    """Line of the first ``"key": "value"`` in JSON text for each key and decoded value.

    One regex pass over the raw text: far cheaper than a line-tracking JSON parser, and
    the keys we look for (``bom-ref``, ``purl``, ``SPDXID``) hold unique short strings.
    """
    alternatives = "|".join(map(re.escape, keys))
    pattern = re.compile(rf'"({alternatives})"\s*:\s*"([^"\\]*(?:\\.[^"\\]*)*)"')
    out: dict[tuple[str, str], int] = {}
    for m, line in match_lines(pattern, text):
        value = m.group(2)
        if "\\" in value:
            try:
                value = json.loads(f'"{value}"')
            except ValueError:
                continue
        out.setdefault((m.group(1), value), line)
    return out


def assemble(
    path: str,
    components: list[Component],
    ref_purl: dict[str, str],
    root_refs: set[str],
    edges: list[tuple[str, str]],
    issues: list[ParseIssue],
) -> ParseResult:
    """Resolve reference edges to purl edges and mark direct dependencies of the root.

    An edge from the root (or anything in its subtree) has source ``""``. When the
    document gives the root's dependencies, every other component is known to be
    indirect; when it does not, ``direct`` stays None (unknown).
    """
    rels: set[Relationship] = set()
    dangling: list[str] = []
    for src_ref, tgt_ref in edges:
        if tgt_ref in root_refs:
            continue  # an edge into the project itself adds nothing
        target = ref_purl.get(tgt_ref)
        source = "" if src_ref in root_refs else ref_purl.get(src_ref)
        if target is None or source is None:
            dangling.append(tgt_ref if target is None else src_ref)
        elif source != target:
            rels.add(Relationship(source, target))
    if dangling:
        msg = f"{len(dangling)} dependency references name no component (first: {dangling[0]!r})"
        issues.append(ParseIssue(path, None, msg, "warning"))
    direct = {r.target for r in rels if r.source == ""}
    if direct:
        components = [replace(c, direct=c.purl in direct) for c in components]
    return ParseResult(tuple(components), tuple(sorted(rels)), tuple(issues))


def located(
    components: list[Component],
    ref_purl: dict[str, str],
    files: dict[str, str],
    edges: list[tuple[str, str]],
) -> list[Component]:
    """Each package listed under a lockfile entry gains that file as a location.

    ``files`` maps the entry's reference to the file name it stands for (Trivy's
    "go.mod"), which says where in the scanned subject the package was declared.
    """
    where: dict[str, set[str]] = {}
    for source, target in edges:
        if source in files and target in ref_purl:
            where.setdefault(ref_purl[target], set()).add(files[source])
    if not where:
        return components
    return [
        replace(c, locations=(*c.locations, *(Location(f) for f in sorted(where[c.purl]))))
        if c.purl in where
        else c
        for c in components
    ]
