"""Scope acceptances: an accepted risk for a namespace, an entity or a mirror, with an expiry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from packageurl import PackageURL

from scanner.assess.model import Finding
from scanner.assess.policy import valid_check
from scanner.config import ConfigError

_REQUIRED = ("id", "reason", "approver", "date", "expires")
_SCOPES = ("namespace", "entity", "mirror")
_OPTIONAL = ("check", "versions", "ticket")


@dataclass(frozen=True)
class Acceptance:
    """A reviewed decision to accept one cause (not one transaction) until it expires.

    Unlike a waiver, which covers one exact component version (the ICTS "same transaction"
    reading), an acceptance covers every component of a namespace or entity, or everything
    resolved through a mirror, optionally limited to a version range; reports print each
    covered finding as accepted risk.
    """

    id: str
    scope: str
    value: str
    reason: str
    approver: str
    date: str
    expires: str
    check: str = "*"
    versions: str | None = None
    ticket: str | None = None

    def covers(self, f: Finding) -> bool:
        if self.check not in ("*", f.check):
            return False
        if self.scope == "namespace" and f.namespace.lower() != self.value.lower():
            return False
        if self.scope == "entity" and self.value not in (f.entity, *f.chain):
            return False
        if self.scope == "mirror" and not (f.check == "supply-path" and f.namespace == self.value):
            return False
        return self.versions is None or _in_range(f.purl, self.versions)


@dataclass(frozen=True)
class AcceptanceUse:
    acceptance: Acceptance
    state: str
    """``used``, ``unused`` or ``expired``."""
    findings: int = 0


def _in_range(purl: str, versions: str) -> bool:
    from packaging.specifiers import SpecifierSet  # only acceptances with a range need it
    from packaging.version import InvalidVersion, Version

    try:
        version = PackageURL.from_string(purl).version or ""
        return Version(version) in SpecifierSet(versions)
    except (ValueError, InvalidVersion):
        return False  # a version the range cannot judge is not silently accepted


def parse_acceptances(raw: Iterable[Mapping[str, Any]], path: str | None) -> list[Acceptance]:
    """Validate ``[[acceptances]]``: one scope, reason, approver, date and expiry each."""
    out = []
    where = path or "policy"
    for n, item in enumerate(raw, 1):
        label = f"{where}: acceptances[{n}]"
        unknown = set(item) - set(_REQUIRED) - set(_SCOPES) - set(_OPTIONAL)
        if unknown:
            raise ConfigError(f"{label}: unknown key(s) {', '.join(sorted(unknown))}")
        missing = [k for k in _REQUIRED if not isinstance(item.get(k), (str, date))]
        if missing:
            raise ConfigError(f"{label}: missing {', '.join(missing)} (an accepted risk needs all)")
        scopes = [k for k in _SCOPES if k in item]
        if len(scopes) != 1:
            raise ConfigError(f"{label}: give exactly one of {', '.join(_SCOPES)}")
        values = {k: str(v) for k, v in item.items()}
        for key in ("date", "expires"):
            try:
                date.fromisoformat(values[key])
            except ValueError:
                raise ConfigError(f"{label}: {key} must be a date (YYYY-MM-DD)") from None
        if "versions" in values:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet

            try:
                SpecifierSet(values["versions"])
            except InvalidSpecifier:
                raise ConfigError(f"{label}: versions must be a range such as '>=5,<6'") from None
        check = valid_check(values.get("check", "*"), label)
        out.append(
            Acceptance(
                id=values["id"],
                scope=scopes[0],
                value=values[scopes[0]],
                reason=values["reason"],
                approver=values["approver"],
                date=values["date"],
                expires=values["expires"],
                check=check,
                versions=values.get("versions"),
                ticket=values.get("ticket"),
            )
        )
    if len({a.id for a in out}) != len(out):
        raise ConfigError(f"{where}: acceptance ids must be unique")
    return out


def apply_acceptances(
    findings: list[Finding], acceptances: list[Acceptance], today: date
) -> tuple[list[Finding], list[AcceptanceUse]]:
    """Mark findings an unexpired acceptance covers (a waiver, when present, is kept first)."""
    active = [a for a in acceptances if date.fromisoformat(a.expires) >= today]
    counts: dict[str, int] = {}
    out = []
    for f in findings:
        if not f.waiver:
            hit = next((a for a in active if a.covers(f)), None)
            if hit is not None:
                counts[hit.id] = counts.get(hit.id, 0) + 1
                f = replace(f, accepted=hit.id)
        out.append(f)
    uses = [
        AcceptanceUse(
            a,
            "expired" if a not in active else ("used" if counts.get(a.id) else "unused"),
            counts.get(a.id, 0),
        )
        for a in acceptances
    ]
    return out, sorted(uses, key=lambda u: u.acceptance.id)
