"""Findings per day, by severity and by entity: each repository's last run of the day, summed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa

from scanner.report.common import SEVERITIES
from scanner.store import schema as s
from scanner.store.engine import Store

# Run ids per IN (…) list: well under every database's parameter limit.
CHUNK = 500


@dataclass(frozen=True)
class Day:
    """One day's picture over the selected repositories (findings neither waived nor accepted)."""

    day: str
    repositories: int
    by_severity: dict[str, int]
    by_entity: dict[str, int] = field(default_factory=dict)

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())


T = TypeVar("T")


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` in slices short enough for an ``IN (…)`` list."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def trends(store: Store, repository: str | None = None, since: str | None = None) -> list[Day]:
    """Days in order; ``since`` is a date (YYYY-MM-DD) and ``repository`` narrows to one."""
    r = s.runs.c
    query = sa.select(r.id, r.repository, r.started).order_by(r.started, r.id)
    if repository:
        query = query.where(r.repository == repository)
    if since:
        query = query.where(r.started >= since)
    with store.begin() as conn:
        last: dict[tuple[str, str], int] = {}
        for row in conn.execute(query):
            last[(row.started[:10], row.repository)] = row.id  # later rows of a day win
        ids = sorted(set(last.values()))
        severity: dict[int, Counter[str]] = {i: Counter() for i in ids}
        entity: dict[int, Counter[str]] = {i: Counter() for i in ids}
        f = s.findings.c
        for part in chunks(ids):
            active = sa.and_(f.run_id.in_(part), s.active())
            for row in conn.execute(
                sa.select(f.run_id, f.severity, sa.func.count())
                .where(active)
                .group_by(f.run_id, f.severity)
            ):
                severity[row[0]][row[1]] += row[2]
            named = sa.and_(active, f.entity.is_not(None))
            for row in conn.execute(
                sa.select(f.run_id, f.entity, sa.func.count())
                .where(named)
                .group_by(f.run_id, f.entity)
            ):
                entity[row[0]][row[1]] += row[2]
    days: dict[str, list[int]] = {}
    for (day, _), run_id in sorted(last.items()):
        days.setdefault(day, []).append(run_id)
    out = []
    for day, run_ids in days.items():
        sev = sum((severity[i] for i in run_ids), Counter())
        ent = sum((entity[i] for i in run_ids), Counter())
        out.append(
            Day(
                day,
                len(run_ids),
                {x: sev.get(x, 0) for x in SEVERITIES},
                dict(sorted(ent.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return out
