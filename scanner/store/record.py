"""Recording a scan run: one transaction, idempotent (the same run recorded twice is stored once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from scanner.pipeline import ScanResult
from scanner.store import rows
from scanner.store import schema as s
from scanner.store.engine import Store

KINDS = ("scan", "merge", "fleet")


@dataclass(frozen=True)
class Recorded:
    """Where a run is in the store, and whether this call added it."""

    run_id: int
    created: bool


def _ignore_duplicates(conn: Connection, table: sa.Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the connected dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def _many(conn: Connection, statement: Any, items: Sequence[dict[str, Any]]) -> None:
    if items:
        conn.execute(statement, [rows.clean(item) for item in items])


def _existing(conn: Connection, key: str) -> int | None:
    found = conn.scalar(sa.select(s.runs.c.id).where(s.runs.c.key == key))
    return int(found) if found is not None else None


def record(
    store: Store,
    result: ScanResult,
    *,
    repository: str,
    revision: str | None = None,
    kind: str = "scan",
    as_of: str | None = None,
) -> Recorded:
    """Store ``result`` as a run of ``repository``; a run already stored is left as it is."""
    key = rows.run_key(result, repository, revision)
    # The day the knowledge base was evaluated on (``scan --as-of``, else the scan's day).
    as_of = as_of or result.as_of or None
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    given = {
        "key": key,
        "repository": repository,
        "revision": revision,
        "kind": kind,
        "as_of": as_of,
        "recorded": now,
    }
    try:
        with store.begin() as conn:
            found = _existing(conn, key)
            if found is not None:
                return Recorded(found, False)
            inserted = conn.execute(
                s.runs.insert().values(**rows.clean(rows.run_row(result, **given)))
            )
            run_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
            _write(conn, run_id, result)
            return Recorded(run_id, True)
    except IntegrityError:
        # Another process recorded the same run between our check and our insert.
        with store.begin() as conn:
            found = _existing(conn, key)
        if found is None:
            raise
        return Recorded(found, False)


def _write(conn: Connection, run_id: int, result: ScanResult) -> None:
    def tagged(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "run_id": run_id} for item in items]

    _many(conn, s.components.insert(), tagged(rows.component_rows(result)))
    facts = rows.fact_rows(result)
    _many(conn, _ignore_duplicates(conn, s.facts), list(facts.values()))
    _many(conn, s.run_facts.insert(), [{"run_id": run_id, "fact_id": fid} for fid in facts])
    _many(conn, s.statuses.insert(), tagged(rows.status_rows(result)))
    _many(conn, s.coverage.insert(), tagged(rows.coverage_rows(result)))
    found = [r for r in map(rows.finding_row, result.findings) if r is not None]
    _many(conn, s.findings.insert(), tagged(found))
    _many(conn, s.waivers.insert(), tagged(rows.waiver_rows(result)))
