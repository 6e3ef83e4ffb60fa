"""Findings of one cause gathered into a group: one row per namespace and entity, or per file and mirror."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import unquote

from scanner.assess.model import SEVERITY_RANK, Finding


@dataclass(frozen=True)
class Group:
    """Findings with the same check, entity and namespace (or the same mirror in one file)."""

    id: str
    check: str
    severity: str
    entity: str | None
    entity_name: str | None
    namespace: str
    findings: tuple[Finding, ...]

    @property
    def purls(self) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for f in self.findings:
            for p in f.components or (f.purl,):
                out[p] = None
        return tuple(out)

    @property
    def count(self) -> int:
        return len(self.purls)

    @property
    def excused(self) -> int:
        return sum(1 for f in self.findings if f.excused)

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def title(self) -> str:
        """``21 packages under @antv — AntV`` or the one component's name."""
        f = self.first
        who = f.entity_name or f.jurisdiction or "-"
        if f.components:
            where = f.locations[0][0] if f.locations else "the registry settings"
            return f"{_n(self.count)} in {where} through {f.namespace} — {who}"
        if self.count == 1:
            return f"{short(f.purl)} — {who}"
        basis, sep, value = f.namespace.partition(":")
        phrase = (
            f"{_THROUGH[basis]} {value}" if sep and basis in _THROUGH else f"under {f.namespace}"
        )
        return f"{_n(self.count)} {phrase} — {who}"


# How a group of fact-based links reads: "12 packages with maintainers at alibaba-inc.com".
_THROUGH = {
    "email-domain": "with maintainers at",
    "web-domain": "with homepages on",
    "declared-repository": "with source repositories at",
    "repository-owner": "with repositories owned by",
    "owner": "published by the account",
    "trusted-publisher": "built in",
    "declared-organization": "declaring the organisation",
    "declared-employer": "maintained by someone declaring the employer",
}


def _n(count: int) -> str:
    return f"{count} package" + ("" if count == 1 else "s")


def short(purl: str) -> str:
    """``pkg:npm/%40antv/g2@5.1.0`` → ``@antv/g2@5.1.0`` (for people; reports keep the purl)."""
    rest = purl.split("/", 1)[1] if "/" in purl else purl
    return unquote(rest.split("?", 1)[0].split("#", 1)[0])


def group(findings: tuple[Finding, ...] | list[Finding]) -> list[Group]:
    """Groups, most severe first, then largest, then by title; findings keep their order."""
    buckets: dict[str, list[Finding]] = {}
    for f in findings:
        buckets.setdefault(f.group, []).append(f)
    out = []
    for key, members in buckets.items():
        worst = max(members, key=lambda f: SEVERITY_RANK[f.severity])
        out.append(
            Group(
                id=hashlib.sha256(key.encode()).hexdigest()[:16],
                check=worst.check,
                severity=worst.severity,
                entity=worst.entity,
                entity_name=worst.entity_name,
                namespace=worst.namespace,
                findings=tuple(members),
            )
        )
    out.sort(key=lambda g: (-SEVERITY_RANK[g.severity], -g.count, g.title))
    return out
