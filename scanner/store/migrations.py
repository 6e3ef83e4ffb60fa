"""Versioned schema migrations: numbered steps, each applied once, in one locked transaction.

A step never changes after release: a later change of a table is a new step. Step 1 creates the
version-1 tables from ``schema`` because no later step alters them yet; the first step that alters
one of them must freeze that table's version-1 shape here. tests/store checks that a store
migrated from empty has exactly the tables and columns ``schema`` declares.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scanner.store import StoreError
from scanner.store import schema as s
from scanner.store.engine import Store

# Any constant: PostgreSQL's advisory lock keeps two first runs from migrating at once.
_LOCK = 0x1C75_5C4E


def _v1(conn: Connection) -> None:
    s.metadata.create_all(conn, tables=list(s.VERSION_1))


def _v2(conn: Connection) -> None:
    """Unknown provenance becomes coverage (counts and reasons per source), not findings."""
    s.coverage.create(conn)
    st = s.statuses.c
    grouped = sa.select(st.run_id, st.source, st.status, st.reason, sa.func.count()).where(
        st.status.notin_(("ok", "not-applicable"))
    )
    conn.execute(
        s.coverage.insert().from_select(
            ["run_id", "source", "status", "reason", "components"],
            grouped.group_by(st.run_id, st.source, st.status, st.reason),
        )
    )
    conn.execute(s.findings.delete().where(s.findings.c.outcome == "unknown"))
    f = s.findings.c
    active = (
        sa.select(sa.func.count())
        .where(f.run_id == s.runs.c.id, f.waiver.is_(None))
        .scalar_subquery()
    )
    conn.execute(s.runs.update().values(findings=active))


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "runs, components, facts, statuses, findings, waivers", _v1),
    (2, "coverage table; unknown provenance is coverage, not a finding", _v2),
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
                conn.execute(
                    s.schema_version.insert().values(version=number, applied=now, about=about)
                )
                current = number
    return current
