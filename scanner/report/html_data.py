"""The HTML report's embedded data: components, groups and findings as compact JSON, one string table."""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from sbom.model import Component
from scanner.assess.checks import CHECKS
from scanner.assess.coverage import FIRST_PARTY
from scanner.assess.model import Evidence, Finding
from scanner.pipeline import ScanResult
from scanner.report.common import fingerprint
from scanner.report.groups import Group, group
from scanner.report.html_assets import clean

# Column positions of a component row (the page's script reads them by the same numbers).
# A row is a flat list of numbers: string-table indexes, flags and counts, because 20,000
# components as objects with repeated keys would be megabytes of key names.
COMPONENT = (
    "purl",
    "name",
    "version",
    "ecosystem",
    "scope",
    "relation",
    "locations",
    "provenance",
    "reason",
    "detail",
    "findings",
    "statuses",
    "facts",
)
# Provenance states of a component row.
UNKNOWN, KNOWN, FIRST = 0, 1, 2
FACT_STRIDE = 8  # kind value field source url link strength retrieved
EVIDENCE_STRIDE = 9  # kind field value source url link strength retrieved note
PLAIN_LIMIT = 1_000_000
"""Characters of JSON embedded as they are; larger data is packed."""


def linkable(url: str | None) -> bool:
    """A plain, printable http(s) URL with a host: the only text that may become a link."""
    if not url or len(url) > 2000 or not url.isprintable() or any(c in url for c in ' "<>`'):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and other malformed addresses stay text
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class Strings:
    """Every distinct text once: rows hold its index. Text is cleaned on the way in, so the page
    shows no control characters and the payload holds no lone surrogates."""

    def __init__(self) -> None:
        self.table: list[str] = [""]
        self.index: dict[object, int] = {"": 0, None: 0}

    def __call__(self, value: object) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.table)
            self.table.append(clean(value))
        return found

    def many(self, values: tuple[str, ...] | list[str]) -> list[int]:
        return [self(v) for v in values]


def _places(s: Strings, locations: tuple[tuple[str, int | None], ...]) -> list[int]:
    return [n for path, line in locations for n in (s(path), line or 0)]


def _evidence(s: Strings, items: tuple[Evidence, ...]) -> list[int]:
    out: list[int] = []
    for e in items:
        link = int(linkable(e.url))
        out += [s(e.kind), s(e.field), s(e.value), s(e.source), s(e.url), link]
        out += [s(e.strength), s(e.retrieved), s(e.note)]
    return out


def _finding(s: Strings, f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "p": s(f.purl),
        "c": s(f.check),
        "o": s(f.outcome),
        "t": s(f.tier),
        "v": s(f.severity),
        "r": s(f.reason),
        "pr": s(f.provision),
        "rm": s(f.remediation),
        "cf": s(f.confidence),
        "id": s(fingerprint(f)),
        "ik": s(f.identity),
    }
    optional = {
        "e": s(f.entity),
        "en": s(f.entity_name),
        "j": s(f.jurisdiction),
        "b": s(f.basis),
        "ns": s(f.namespace),
        "w": s(f.waiver),
        "a": s(f.accepted),
        "ch": s.many(f.chain),
        "ev": _evidence(s, f.evidence),
        "l": _places(s, f.locations),
        "pa": [s.many(p) for p in f.paths],
        "no": s.many(f.notes),
        "li": s.many(f.listings),
        "cs": s.many(f.components),
    }
    data.update((k, v) for k, v in optional.items() if v)
    return data


def _state(g: Group) -> str:
    if not g.excused:
        return "active"
    if g.excused < len(g.findings):
        return "partly excused"
    return "waived" if all(f.waiver for f in g.findings) else "accepted risk"


def _group(s: Strings, g: Group, index: dict[int, int]) -> dict[str, Any]:
    f = g.first
    return {
        "id": g.id,
        "c": s(g.check),
        "v": s(g.severity),
        "ti": s(g.title),
        "e": s(g.entity),
        "en": s(g.entity_name),
        "j": s(f.jurisdiction),
        "n": g.count,
        "st": s(_state(g)),
        "f": [index[id(x)] for x in g.findings],
    }


def _component(
    s: Strings,
    c: Component,
    result: ScanResult,
    why: dict[str, tuple[str, str]],
    found: Counter[str],
) -> list[Any]:
    prov = result.enriched.provenance.get(c.purl)
    reason, detail = why.get(c.purl, ("", ""))
    if c.source_kind in FIRST_PARTY:
        state = FIRST
    else:
        state = KNOWN if prov is not None and prov.known else UNKNOWN
    statuses = [
        n
        for st in (prov.statuses if prov else ())
        for n in (s(st.source), s(st.status), s(st.reason))
    ]
    facts: list[int] = []
    for x in prov.facts if prov else ():
        facts += [s(x.kind), s(x.value), s(x.field), s(x.source), s(x.url), int(linkable(x.url))]
        facts += [s(x.strength), s(x.retrieved)]
    return [
        s(c.purl),
        s(c.name),
        s(c.version or c.requirement),
        s(c.ecosystem),
        s(c.scope),
        {True: 1, False: 0, None: -1}[c.direct],
        _places(s, tuple((loc.path, loc.line) for loc in c.locations)),
        state,
        s(reason),
        s(detail),
        found[c.purl],
        statuses,
        facts,
    ]


def payload(result: ScanResult) -> dict[str, Any]:
    """Everything the page's tables show, as plain data (strings by index into ``s``)."""
    s = Strings()
    findings = list(result.findings)
    index = {id(f): n for n, f in enumerate(findings)}
    why = {purl: (reason, detail) for purl, reason, detail in result.coverage.unknown}
    found = Counter(p for f in findings if not f.excused for p in (f.components or (f.purl,)))
    data = {
        "failOn": s(result.fail_on),
        "checks": {record.id: s(record.title) for record, _ in CHECKS},
        "findings": [_finding(s, f) for f in findings],
        "groups": [_group(s, g, index) for g in group(findings)],
        "components": [_component(s, c, result, why, found) for c in result.inventory.components],
    }
    return {"s": s.table, **data}


def embed(data: dict[str, Any]) -> tuple[str, str]:
    """The data block's attributes and text. Plain JSON (no "<", so nothing in the data can end
    the element or open a comment) while it is small enough to read and search in the file;
    above PLAIN_LIMIT gzip, base64-encoded, which the page unpacks with DecompressionStream
    (an online scan of 20,000 components carries some 15 MB of facts, 3 MB packed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= PLAIN_LIMIT:
        return 'type="application/json"', text.replace("<", "\\u003c")
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return 'type="text/plain" data-packed="gzip"', base64.b64encode(packed).decode("ascii")
