"""Which repositories depend on an entity, a namespace or a package, in each one's latest run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from scanner.assess.model import SEVERITY_RANK
from scanner.history.trends import chunks
from scanner.store import schema as s
from scanner.store.engine import Store
from scanner.store.rows import package_of


@dataclass(frozen=True)
class Dependent:
    """A repository whose latest run has components matching the question."""

    repository: str
    run_id: int
    started: str
    revision: str | None
    packages: tuple[str, ...]
    """Matching component purls."""
    findings: int
    """Findings (neither waived nor accepted) on them; for an entity, those that name it."""
    severity: str | None
    """The most severe of those findings."""


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _latest() -> sa.Subquery:
    r = s.runs.c
    order = (r.started.desc(), r.id.desc())
    number = sa.func.row_number().over(partition_by=r.repository, order_by=order)
    ranked = sa.select(r.id, r.repository, r.started, r.revision, number.label("n")).subquery()
    return sa.select(ranked).where(ranked.c.n == 1).subquery()


def entity_filter(entity: str) -> ColumnElement[bool]:
    """Findings naming the entity, or one it owns (its id in the ownership chain), or its name."""
    f = s.findings.c
    return sa.or_(
        f.entity == entity,
        f.chain.like("%|" + _like(entity) + "|%", escape="\\"),
        sa.func.lower(f.entity_name) == entity.lower(),
    )


def namespace_filter(spec: str) -> ColumnElement[bool]:
    """``TYPE/NAMESPACE`` (``npm/@antv``, ``maven/com.alibaba``, ``golang/github.com/alibaba``).

    A namespace matches itself and what lies below it: Maven group ``com.alibaba.nacos`` and Go
    path ``github.com/alibaba/x`` are under ``com.alibaba`` and ``github.com/alibaba``.
    """
    ecosystem, _, namespace = spec.partition("/")
    c = s.components.c
    below = [c.namespace.like(_like(namespace) + sep + "%", escape="\\") for sep in ("/", ".")]
    return sa.and_(c.ecosystem == ecosystem, sa.or_(c.namespace == namespace, *below))


def dependents(
    store: Store,
    *,
    entity: str | None = None,
    namespace: str | None = None,
    package: str | None = None,
) -> list[Dependent]:
    """Repositories in name order; give exactly one of entity, namespace (TYPE/NS) or package (a purl)."""
    latest = _latest()
    f, c = s.findings.c, s.components.c
    purls: dict[int, set[str]] = defaultdict(set)
    severities: dict[int, list[str]] = defaultdict(list)
    with store.begin() as conn:
        if entity:
            query = sa.select(f.run_id, f.purl, f.severity, f.waiver, f.accepted).join(
                latest, f.run_id == latest.c.id
            )
            for row in conn.execute(query.where(entity_filter(entity))):
                purls[row.run_id].add(row.purl)
                if row.waiver is None and row.accepted is None:
                    severities[row.run_id].append(row.severity)
        else:
            where = (
                namespace_filter(namespace) if namespace else c.package == package_of(package or "")
            )
            query = sa.select(c.run_id, c.purl).join(latest, c.run_id == latest.c.id).where(where)
            for hit in conn.execute(query):
                purls[hit.run_id].add(hit.purl)
            active = sa.select(f.run_id, f.purl, f.severity).where(s.active())
            for run_id in purls:
                for part in chunks(sorted(purls[run_id])):
                    found = conn.execute(active.where(f.run_id == run_id, f.purl.in_(part)))
                    severities[run_id].extend(r.severity for r in found)
        meta = {
            r.id: r
            for part in chunks(sorted(purls))
            for r in conn.execute(sa.select(latest).where(latest.c.id.in_(part)))
        }
    out = [
        Dependent(
            meta[run_id].repository,
            run_id,
            meta[run_id].started,
            meta[run_id].revision,
            tuple(sorted(found)),
            len(severities[run_id]),
            max(severities[run_id], key=SEVERITY_RANK.__getitem__) if severities[run_id] else None,
        )
        for run_id, found in purls.items()
    ]
    return sorted(out, key=lambda d: d.repository)
