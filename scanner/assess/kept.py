"""Findings kept between scans: the same inventory, provenance and knowledge base find the same."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from scanner import __version__
from scanner.assess.model import Evidence, Finding
from scanner.net.cache import Cache

# The derived table's source column for these rows.
SOURCE = "assessment"
_FINDING = tuple(f.name for f in fields(Finding))
_EVIDENCE = tuple(f.name for f in fields(Evidence))


def key(settled: str, feed_hash: str, as_of: str, profile: str) -> str:
    """The row key of an assessment: the key of exactly the provenance it read (which holds
    the code's digest, the whole inventory's as the checks read it, the local facts and the
    network results themselves: scanner/enrich/memo.py), the knowledge base's content, the
    day it is evaluated on, the profile."""
    head = [__version__, _FINDING, _EVIDENCE, settled, feed_hash, as_of, profile]
    return hashlib.sha256(json.dumps(head).encode()).hexdigest()


def dump(findings: Sequence[Finding], csl_complete: bool) -> bytes:
    """Findings as stored, one array of field values each (evidence as arrays too), after
    whether the screening list they were checked against was complete. ASCII JSON, so that
    text with a lone surrogate is kept exactly."""
    rows = []
    for f in findings:
        row: list[Any] = [getattr(f, name) for name in _FINDING]
        row[_FINDING.index("evidence")] = [[getattr(e, n) for n in _EVIDENCE] for e in f.evidence]
        rows.append(row)
    return json.dumps([csl_complete, rows], separators=(",", ":")).encode()


def load(payload: bytes) -> tuple[list[Finding], bool] | None:
    """Stored findings and the list's completeness, or None when the row is not one this
    version wrote."""
    try:
        csl_complete, rows = json.loads(payload.decode())
        out = []
        for row in rows:
            values = {n: _tuples(v) for n, v in zip(_FINDING, row, strict=True)}
            values["evidence"] = tuple(Evidence(*e) for e in values["evidence"])
            out.append(Finding(**values))
        return out, bool(csl_complete)
    except (ValueError, TypeError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None


def _tuples(value: Any) -> Any:
    """JSON arrays back to the tuples the records hold."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


class Kept:
    """One scan's use of a kept assessment: its row under `key` until `until`."""

    def __init__(self, cache: Cache, key: str, until: float, now: float) -> None:
        self._derived = cache.derived
        self.key, self.until, self._now = key, until, now

    def get(self) -> tuple[list[Finding], bool] | None:
        """The findings kept under the key, still fresh, and whether the screening list was
        complete; or None."""
        stored = self._derived.get_many([self.key], self._now).get(self.key)
        return load(stored[0]) if stored is not None else None

    def put(self, findings: Sequence[Finding], csl_complete: bool) -> None:
        """Keep `findings` until the provenance they rest on expires."""
        if self.until <= self._now:
            return
        try:
            payload = dump(findings, csl_complete)
        except (TypeError, ValueError):  # a field JSON cannot hold: not kept, never a failure
            return
        self._derived.put_many([(self.key, SOURCE, self.until, payload)], self._now)
