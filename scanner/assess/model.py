"""Findings and the records that document each check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

# The evidence strength a finding rests on (DESIGN §3) and the most severe outcome it allows.
Tier = Literal["prohibition", "strong", "medium", "weak", "informational"]
TIER_SEVERITY: dict[str, Severity] = {
    "prohibition": "critical",
    "strong": "high",
    "medium": "medium",
    "weak": "low",
    "informational": "info",
}
TIER_RANK: dict[str, int] = {
    "informational": 0,
    "weak": 1,
    "medium": 2,
    "strong": 3,
    "prohibition": 4,
}

Outcome = Literal[
    "prohibited",
    "development-link",
    "maintenance-link",
    "collaboration-link",
    "supply-path",
    "individual-hint",
    "unknown",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact a finding rests on: what was read where, and what the knowledge base says of it."""

    kind: str
    """``fact`` (from a provenance source), ``identity`` (the package name itself),
    ``lockfile`` (a recorded download URL), ``feed`` (a knowledge-base record)."""
    field: str
    value: str
    source: str
    url: str | None
    retrieved: str | None
    strength: str
    """self-declared / registry-asserted / signed for facts; ``feed`` for knowledge-base records."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator about one component, with everything a reviewer needs to check it."""

    purl: str
    check: str
    outcome: Outcome
    tier: Tier
    severity: Severity
    reason: str
    provision: str
    remediation: str
    entity: str | None = None
    entity_name: str | None = None
    jurisdiction: str | None = None
    chain: tuple[str, ...] = ()
    """Entity ids from the matched entity up to the one in the adversary jurisdiction."""
    confidence: Literal["low", "medium", "high"] = "medium"
    evidence: tuple[Evidence, ...] = ()
    locations: tuple[tuple[str, int | None], ...] = ()
    paths: tuple[tuple[str, ...], ...] = ()
    """Dependency paths from a direct dependency down to this component (transitive ones)."""
    waiver: str | None = None
    """Id of the waiver that covers this finding, when one does."""
    basis: str = ""
    """The row of the severity table the strongest evidence used (scanner.assess.severity)."""
    namespace: str = ""
    """The knowledge-base identifier the component matched (``@antv``, ``github.com/aliyun``),
    or the mirror id of a supply-path finding: what groups findings of one cause."""
    notes: tuple[str, ...] = ()
    """What a reviewer should know besides the reason (a determination that does not cover it)."""
    listings: tuple[str, ...] = ()
    """Official-list entries of the entity or its owners that hold on the scan's day."""
    components: tuple[str, ...] = ()
    """For findings about a file rather than one component (supply path): the purls it covers."""
    accepted: str | None = None
    """Id of the scope acceptance (accepted risk) that covers this finding, when one does."""

    @property
    def group(self) -> str:
        """One cause: the same check and entity through the same namespace (or mirror, in a file)."""
        where = self.locations[0][0] if self.components and self.locations else ""
        return f"{self.check}|{self.entity or self.jurisdiction or ''}|{self.namespace}|{where}"

    @property
    def excused(self) -> bool:
        """Covered by a waiver or an accepted risk: shown, never failing the run."""
        return bool(self.waiver or self.accepted)

    @property
    def identity(self) -> str:
        """Version-independent identity: a patch bump of a known finding is not new."""
        if self.components:  # a file-level finding: the file and the mirror are what it is
            return f"{self.check}|{self.group}"
        base = self.purl.split("@", 1)[0] if "@" in self.purl[4:] else self.purl
        return f"{self.check}|{base}|{self.entity or ''}"


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """What a check answers, on what grounds, and what to do: shown by ``icts-scan explain``."""

    id: str
    title: str
    question: str
    outcome: Outcome
    provision: str
    grounds: str
    never: str
    remediation: str
    tiers: tuple[Tier, ...] = field(default=())
