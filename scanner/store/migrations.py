"""Versioned schema migrations: numbered steps, each applied once, in one locked transaction.

A step's effect never changes after release: a later change of a table is a new step. Step 1
creates the version-1 tables from ``schema`` without the columns later steps add
(``schema.ADDED``), so the current declarations stay the one place a table is written down.
tests/store checks that a store migrated from empty, and one migrated from the previous version,
have exactly the tables and columns ``schema`` declares.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateColumn

from scanner.store import StoreError
from scanner.store import schema as s
from scanner.store.engine import Store

# Any constant: PostgreSQL's advisory lock keeps two first runs from migrating at once.
_LOCK = 0x1C75_5C4E


def shape(version: int) -> list[sa.Table]:
    """The version-1 tables as they were at ``version`` (columns added later left out)."""
    md = sa.MetaData()
    out = []
    for table in s.VERSION_1:
        keep = [c for c in table.columns if s.ADDED.get((table.name, c.name), 1) <= version]
        new = sa.Table(table.name, md, *(c._copy() for c in keep))
        for index in table.indexes:
            if all(c.name in new.c for c in index.columns):
                sa.Index(index.name, *(new.c[c.name] for c in index.columns))
        out.append(new)
    return out


def _v1(conn: Connection) -> None:
    for table in shape(1):
        table.create(conn)


def _add_columns(conn: Connection, version: int) -> None:
    """ALTER TABLE … ADD COLUMN for each column ``version`` added (both dialects support it)."""
    for (table, column), added in s.ADDED.items():
        if added == version:
            spec = CreateColumn(s.metadata.tables[table].c[column]).compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {spec}"))


def _v2(conn: Connection) -> None:
    """Unknown provenance becomes coverage (counts per reason), not findings; accepted risks."""
    from sbom.model import Inventory
    from scanner.assess.coverage import measure
    from scanner.enrich.model import Enriched, Provenance, SourceStatus
    from scanner.runs.codec import component_from

    _add_columns(conn, 2)
    s.coverage.create(conn)
    # The backfill classifies with the scanner's reasons (scanner.assess.coverage).
    for run_id, stages in conn.execute(sa.select(s.runs.c.id, s.runs.c.stages)):
        comps = [
            component_from(json.loads(d))
            for d in conn.scalars(
                sa.select(s.components.c.data).where(s.components.c.run_id == run_id)
            )
        ]
        states: dict[str, list[SourceStatus]] = defaultdict(list)
        st = s.statuses.c
        for row in conn.execute(
            sa.select(st.purl, st.source, st.status, st.reason).where(st.run_id == run_id)
        ):
            states[row.purl].append(SourceStatus(row.source, row.status, row.reason))
        skipped = any(
            x.get("name") == "enrichment" and x.get("status") == "skipped"
            for x in json.loads(stages)
        )
        prov = {p: Provenance(p, (), tuple(v)) for p, v in states.items()}
        covered = measure(
            Inventory(root=".", components=tuple(comps)), None if skipped else Enriched(prov)
        )
        rows = [
            {"run_id": run_id, "reason": r, "components": n} for r, n in covered.reasons.items()
        ]
        if rows:
            conn.execute(s.coverage.insert(), rows)
    conn.execute(s.findings.delete().where(s.findings.c.outcome == "unknown"))
    counted = sa.select(sa.func.count()).where(s.findings.c.run_id == s.runs.c.id, s.active())
    conn.execute(s.runs.update().values(findings=counted.scalar_subquery()))


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "runs, components, facts, statuses, findings, waivers", _v1),
    (2, "coverage per reason (unknown is coverage, not a finding); accepted risks", _v2),
)
HEAD = MIGRATIONS[-1][0]


def version(conn: Connection) -> int:
    """The schema version of the connected store (0: empty)."""
    if not sa.inspect(conn).has_table(s.schema_version.name):
        return 0
    return int(conn.scalar(sa.select(sa.func.max(s.schema_version.c.version))) or 0)


def migrate(store: Store, target: int = HEAD) -> int:
    """Apply every step above the store's version up to ``target``; the version reached."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    with store.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        current = version(conn)
        if current > HEAD:
            raise StoreError(
                f"{store.label} is at schema version {current}; this icts-scan knows up to "
                f"{HEAD}: upgrade icts-scan"
            )
        for number, about, step in MIGRATIONS:
            if current < number <= target:
                step(conn)
                row = {"version": number, "applied": now, "about": about}
                conn.execute(s.schema_version.insert().values(**row))
                current = number
    return current
