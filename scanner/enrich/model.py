"""Provenance facts: what a source said about a component, where, when, and how trustworthy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# How much a fact can be trusted (DESIGN §3): typed by an uploader, asserted by the
# registry that knows the account, or verified cryptographically.
Strength = Literal["self-declared", "registry-asserted", "signed"]
STRENGTH_RANK: dict[str, int] = {"self-declared": 0, "registry-asserted": 1, "signed": 2}

# Outcome of one source for one component. Anything but "ok"/"not-applicable" leaves the
# component's provenance from that source *unknown*, never clean. "rate-limited": the host
# was paused for longer than the scan could wait; "deadline": --max-time (or a request's or
# host's time limit) ran out before the lookup.
Status = Literal[
    "ok",
    "not-found",
    "error",
    "offline",
    "rate-limited",
    "deadline",
    "skipped",
    "not-applicable",
]

# Fact kinds (docs/provenance.md). A fact is one value: a person's e-mail is one fact,
# their account another, so that each can be matched and cited on its own.
KINDS = frozenset(
    {
        "author-name",
        "author-email",
        "maintainer-name",
        "maintainer-email",
        "maintainer-account",
        "publisher-account",
        "publisher-email",
        "owner-account",
        "owner-team",
        "organization",
        "repository",
        "homepage",
        "trusted-publisher",
        "build-workflow",
        "source-commit",
        "host-owner",
        "host-owner-type",
        "host-org-name",
        "host-org-email",
        "host-org-blog",
        "host-location",
        "host-company",
        "commit-email-domain",
        "commit-tz-offset",
    }
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One piece of provenance evidence with its source, time and strength."""

    purl: str
    kind: str
    value: str
    field: str
    """Where in the source document: ``versions[1.2.3]._npmUser.email``, ``info.author``."""
    source: str
    """Which enricher read it (``npm``, ``pypi``, ``github``, ``git``...)."""
    url: str | None
    """The document it was read from (URL or file path)."""
    retrieved: str
    """ISO-8601 time the document was fetched (the cache keeps the original time)."""
    strength: Strength
    subject: str | None = None
    """For facts about an account or organization rather than the package (``github:alibaba``)."""
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What one source did for one component."""

    source: str
    status: Status
    reason: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SourceResult:
    """An enricher's answer for one component: facts plus its status."""

    status: SourceStatus
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Everything known about one component's provenance, and which sources failed."""

    purl: str
    facts: tuple[Fact, ...] = ()
    statuses: tuple[SourceStatus, ...] = ()

    @property
    def known(self) -> bool:
        """True when at least one applicable source answered."""
        return any(s.status == "ok" for s in self.statuses)

    @property
    def unknown_reasons(self) -> tuple[str, ...]:
        """Why sources that applied did not answer."""
        return tuple(
            f"{s.source}: {s.reason or s.status}"
            for s in self.statuses
            if s.status not in ("ok", "not-applicable")
        )


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of an inventory each source covered."""

    components: int
    known: int
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    """source → status → number of components."""


@dataclass(frozen=True, slots=True)
class Enriched:
    """An inventory's provenance, one record per component purl."""

    provenance: dict[str, Provenance] = field(default_factory=dict)
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0))
