"""Policy: waivers bound to exact component versions, fail-on threshold, exit code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from packageurl import PackageURL

from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.config import ConfigError

_REQUIRED = ("id", "purl", "check", "reason", "approver", "date", "expires")
_OPTIONAL = ("ticket", "hash")


@dataclass(frozen=True)
class Waiver:
    """An accepted exception for one check on one exact component version (one transaction)."""

    id: str
    purl: str
    check: str
    reason: str
    approver: str
    date: str
    expires: str
    ticket: str | None = None
    hash: str | None = None
    """``alg:hex`` of the exact artifact when known; a different artifact is not covered."""

    @property
    def base(self) -> str:
        return self.purl.split("@", 1)[0] if "@" in self.purl[4:] else self.purl


def canonical_purl(purl: str) -> str:
    """One spelling of a purl (``@scope`` or ``%40scope``, qualifier order), so waivers match."""
    try:
        return str(PackageURL.from_string(purl).to_string())
    except ValueError:
        return purl


def check_ids() -> tuple[str, ...]:
    from scanner.assess.checks import CHECKS

    return tuple(record.id for record, _ in CHECKS)


def valid_check(value: str, label: str) -> str:
    """A check id or ``*``; anything else is an error that suggests the nearest id."""
    known = check_ids()
    if value == "*" or value in known:
        return value
    import difflib  # only for the message of a mistyped id

    near = difflib.get_close_matches(value, known, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise ConfigError(f"{label}: unknown check {value!r}{hint}; known: {', '.join(known)}, *")


@dataclass(frozen=True)
class WaiverUse:
    """How a waiver fared in this scan."""

    waiver: Waiver
    state: str
    """``used``, ``unused``, ``expired``, or ``stale`` (the waived package is present at another version)."""
    findings: int = 0
    note: str = ""


def parse_waivers(raw: Iterable[Mapping[str, Any]], path: str | None) -> list[Waiver]:
    """Validate the policy file's waivers; every problem names the file and the waiver."""
    out = []
    where = path or "policy"
    for n, item in enumerate(raw, 1):
        label = f"{where}: waivers[{n}]"
        unknown = set(item) - set(_REQUIRED) - set(_OPTIONAL)
        if unknown:
            raise ConfigError(f"{label}: unknown key(s) {', '.join(sorted(unknown))}")
        missing = [k for k in _REQUIRED if not isinstance(item.get(k), (str, date))]
        if missing:
            raise ConfigError(f"{label}: missing {', '.join(missing)}")
        values = {k: str(v) for k, v in item.items()}
        purl = values["purl"]
        if not purl.startswith("pkg:") or "@" not in purl[4:].lstrip("@").replace("/@", "/"):
            # A waiver covers one transaction: one exact version, never a whole package.
            raise ConfigError(f"{label}: purl must name an exact version (pkg:type/name@version)")
        try:
            if not PackageURL.from_string(purl).version:
                raise ValueError("no version")
        except ValueError as exc:
            raise ConfigError(f"{label}: purl {purl!r} is not valid: {exc}") from None
        values["purl"] = canonical_purl(purl)
        values["check"] = valid_check(values["check"], label)
        for key in ("date", "expires"):
            try:
                date.fromisoformat(values[key])
            except ValueError:
                raise ConfigError(f"{label}: {key} must be a date (YYYY-MM-DD)") from None
        out.append(Waiver(**values))
    ids = [w.id for w in out]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{where}: waiver ids must be unique")
    return out


def apply_waivers(
    findings: list[Finding],
    waivers: list[Waiver],
    present: Mapping[str, tuple[str, ...]],
    today: date,
) -> tuple[list[Finding], list[WaiverUse]]:
    """Mark covered findings; report each waiver as used, unused, expired or stale.

    ``present`` maps a purl to the artifact hashes (``alg:hex``) the inventory records.
    """
    uses: list[WaiverUse] = []
    covered: dict[tuple[str, str], str] = {}
    if not waivers:
        return list(findings), uses
    present = {canonical_purl(p): hashes for p, hashes in present.items()}
    bases = {p.split("@", 1)[0] if "@" in p[4:] else p: p for p in present}
    for w in waivers:
        if date.fromisoformat(w.expires) < today:
            uses.append(WaiverUse(w, "expired", note=f"expired on {w.expires}"))
            continue
        if w.purl not in present:
            now = bases.get(w.base)
            if now is not None:
                uses.append(WaiverUse(w, "stale", note=f"waived {w.purl}, inventory has {now}"))
            else:
                uses.append(WaiverUse(w, "unused", note="component not in the inventory"))
            continue
        if w.hash and w.hash.lower() not in {h.lower() for h in present[w.purl]}:
            uses.append(WaiverUse(w, "stale", note="artifact hash differs from the waived one"))
            continue
        covered[(w.purl, w.check)] = w.id
    out = []
    counts: dict[str, int] = {}
    for f in findings:
        purl = canonical_purl(f.purl) if f.purl else ""
        wid = covered.get((purl, f.check)) or covered.get((purl, "*"))
        if wid:
            counts[wid] = counts.get(wid, 0) + 1
            f = replace(f, waiver=wid)
        out.append(f)
    for w in waivers:
        if w.id in {u.waiver.id for u in uses}:
            continue
        n = counts.get(w.id, 0)
        uses.append(WaiverUse(w, "used" if n else "unused", n, "" if n else "no finding to cover"))
    return out, sorted(uses, key=lambda u: u.waiver.id)


def exit_code(findings: Iterable[Finding], fail_on: str, incomplete: bool, strict: bool) -> int:
    """0 nothing at or above fail-on, 1 findings at or above it, 3 incomplete under --strict."""
    limit = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK[f.severity] >= limit and not f.excused for f in findings):
        return 1
    return 3 if strict and incomplete else 0
