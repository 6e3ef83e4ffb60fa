"""A recorded run read back as a scan result (what history compares), and the runs of a repository."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sbom.model import Inventory, ParseIssue, SourceFile
from scanner.assess.coverage import measure
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus
from scanner.enrich.run import coverage
from scanner.pipeline import ScanResult
from scanner.runs.codec import (
    acceptance_use_from,
    component_from,
    fact_from,
    finding_from,
    provenance_from,
    stage_from,
    waiver_use_from,
)
from scanner.store import schema as s


@dataclass(frozen=True)
class Run:
    """A run's row: who, what, when."""

    id: int
    repository: str
    revision: str | None
    kind: str
    started: str
    finished: str
    feeds_version: str
    profile: str
    fail_on: str
    incomplete: bool
    components: int
    findings: int

    @classmethod
    def of(cls, row: Any) -> Run:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


_ORDER = (s.runs.c.started.desc(), s.runs.c.id.desc())


def runs(conn: Connection, repository: str, limit: int = 2) -> list[Run]:
    """The repository's newest runs first."""
    query = (
        sa.select(s.runs).where(s.runs.c.repository == repository).order_by(*_ORDER).limit(limit)
    )
    return [Run.of(row) for row in conn.execute(query)]


def run(conn: Connection, run_id: int) -> Run | None:
    row = conn.execute(sa.select(s.runs).where(s.runs.c.id == run_id)).first()
    return Run.of(row) if row is not None else None


def previous(conn: Connection, of: Run) -> Run | None:
    """The repository's run before ``of`` (by start time, then by recording order)."""
    r = s.runs.c
    earlier = sa.or_(r.started < of.started, sa.and_(r.started == of.started, r.id < of.id))
    query = (
        sa.select(s.runs).where(r.repository == of.repository, earlier).order_by(*_ORDER).limit(1)
    )
    row = conn.execute(query).first()
    return Run.of(row) if row is not None else None


def repositories(conn: Connection) -> list[str]:
    return list(
        conn.scalars(sa.select(s.runs.c.repository).distinct().order_by(s.runs.c.repository))
    )


def result(conn: Connection, run_id: int) -> ScanResult:
    """Everything recorded for one run, as the scan result it came from (no dependency graph)."""
    row = conn.execute(sa.select(s.runs).where(s.runs.c.id == run_id)).one()
    where = {"run_id": run_id}
    comps = [
        component_from(json.loads(d))
        for d in conn.scalars(sa.select(s.components.c.data).filter_by(**where))
    ]
    facts: dict[str, list[Fact]] = defaultdict(list)
    joined = sa.select(s.facts.c.data).join(s.run_facts, s.run_facts.c.fact_id == s.facts.c.id)
    for data in conn.scalars(joined.where(s.run_facts.c.run_id == run_id)):
        fact = fact_from(json.loads(data))
        facts[fact.purl].append(fact)
    states: dict[str, list[SourceStatus]] = defaultdict(list)
    st = s.statuses.c
    for r in conn.execute(
        sa.select(st.purl, st.source, st.status, st.reason, st.url).filter_by(**where)
    ):
        states[r.purl].append(SourceStatus(r.source, r.status, r.reason, r.url))
    provenance = {
        purl: Provenance(
            purl,
            tuple(sorted(facts[purl], key=_fact_order)),
            tuple(sorted(states[purl], key=lambda x: x.source)),
        )
        for purl in sorted({*facts, *states})
    }
    found = [
        finding_from(json.loads(d))
        for d in conn.scalars(
            sa.select(s.findings.c.data).filter_by(**where).order_by(s.findings.c.id)
        )
    ]
    waived = [
        waiver_use_from(json.loads(d))
        for d in conn.scalars(sa.select(s.waivers.c.data).filter_by(**where))
    ]
    own = json.loads(row.project)
    stages = tuple(stage_from(x) for x in json.loads(row.stages))
    skipped = any(x.name == "enrichment" and x.status == "skipped" for x in stages)
    inventory = Inventory(
        root=row.repository,
        components=tuple(sorted(comps, key=lambda c: c.purl)),
        files=tuple(SourceFile(**f) for f in json.loads(row.inputs)),
        issues=tuple(ParseIssue(**i) for i in json.loads(row.issues)),
        metadata={"revision": row.revision} if row.revision else {},
    )
    enriched = Enriched(provenance, coverage(provenance))
    return ScanResult(
        inventory=inventory,
        enriched=enriched,
        findings=tuple(found),
        waivers=tuple(sorted(waived, key=lambda u: u.waiver.id)),
        stages=stages,
        profile=row.profile,
        fail_on=row.fail_on,
        feed_version=row.feeds_version,
        tool_version=row.tool_version,
        started=row.started,
        finished=row.finished,
        feed_hash=row.feeds_hash,
        projects=json.loads(row.projects),
        project=provenance_from("", own) if own["facts"] or own["statuses"] else None,
        coverage=measure(inventory, None if skipped else enriched),
        acceptances=tuple(acceptance_use_from(a) for a in json.loads(row.acceptances)),
        as_of=row.as_of or "",
    )


def _fact_order(f: Fact) -> tuple[str, ...]:
    return (f.source, f.kind, f.field, f.value)
