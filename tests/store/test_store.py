"""The results store on SQLite and PostgreSQL: migrations, idempotent recording, runs read back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sbom.model import Location
from scanner.store import StoreError, load, open_store, rows
from scanner.store import schema as s
from scanner.store.engine import Store
from scanner.store.migrations import HEAD, migrate, shape
from scanner.store.record import record
from tests.store.conftest import ALIBABA, MakeResult

WAIVER = {
    "id": "W-1",
    "purl": "pkg:npm/left-pad@1.3.0",
    "check": "*",
    "reason": "reviewed",
    "approver": "security",
    "date": "2026-01-01",
    "expires": "2026-02-01",
}


ACCEPTANCE = {
    "id": "A-1",
    "namespace": "@antv",
    "reason": "reviewed the charting library",
    "approver": "security",
    "date": "2026-01-01",
    "expires": "2027-01-01",
}


def _shape(store: Store) -> dict[str, set[str]]:
    inspector = sa.inspect(store.engine)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def _counts(store: Store) -> dict[str, int]:
    with store.begin() as conn:
        return {
            t.name: int(conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0)
            for t in s.metadata.sorted_tables
        }


def test_migrating_an_empty_store_gives_the_declared_schema(store_url: str) -> None:
    with open_store(store_url) as store:
        assert _shape(store) == {
            t.name: {c.name for c in t.columns} for t in s.metadata.sorted_tables
        }
        with store.begin() as conn:
            versions = list(
                conn.scalars(
                    sa.select(s.schema_version.c.version).order_by(s.schema_version.c.version)
                )
            )
        assert versions == list(range(1, HEAD + 1))
        assert migrate(store) == HEAD  # a second migration finds nothing to do


def test_migrating_from_the_previous_version_keeps_the_runs(
    store_url: str, make_result: MakeResult
) -> None:
    result = make_result({"@antv/g2": ("5.1.0", None), "left-pad": ("1.3.0", ALIBABA)})
    with Store(store_url) as store:
        assert migrate(store, target=HEAD - 1) == HEAD - 1
        before = {t.name: t for t in shape(HEAD - 1)}
        assert _shape(store) == {name: set(t.c.keys()) for name, t in before.items()}

        def insert(conn: Connection, table: str, items: list[dict[str, Any]]) -> None:
            # Rows in the previous version's shape: only the columns it had.
            old = before[table]
            conn.execute(old.insert(), [{k: v for k, v in r.items() if k in old.c} for r in items])

        # Version 1 recorded "unknown" as findings, and had no coverage table.
        with store.begin() as conn:
            run = rows.run_row(
                result,
                key="k",
                repository="repo",
                revision=None,
                kind="scan",
                as_of=None,
                recorded="x",
            )
            insert(conn, "runs", [{**run, "id": 7}])
            found = [r for r in map(rows.finding_row, result.findings) if r]
            unknown = {**found[0], "check": "unknown", "outcome": "unknown", "severity": "info"}
            for table, items in (
                ("components", rows.component_rows(result)),
                ("statuses", rows.status_rows(result)),
                ("findings", [*found, unknown]),
            ):
                insert(conn, table, [{**r, "run_id": 7} for r in items])
            conn.execute(s.runs.update().values(findings=len(found) + 1))
        assert migrate(store) == HEAD
        assert _shape(store) == {
            t.name: {c.name for c in t.columns} for t in s.metadata.sorted_tables
        }
        with store.begin() as conn:
            coverage = conn.execute(sa.select(s.coverage.c.reason, s.coverage.c.components)).all()
            assert [tuple(r) for r in coverage] == [("lookup-failed", 1)]
            assert set(conn.scalars(sa.select(s.findings.c.outcome))) == {
                f.outcome for f in result.findings if f.outcome != "unknown"
            }
            assert conn.scalar(sa.select(s.runs.c.findings)) == len(found)
            assert conn.scalar(sa.select(s.runs.c.acceptances)) == "[]"
            back = load.result(conn, 7)
    assert back.inventory.components == result.inventory.components
    assert back.coverage == result.coverage


def test_a_newer_schema_is_refused(store_url: str) -> None:
    with open_store(store_url) as store, store.begin() as conn:
        conn.execute(
            s.schema_version.insert().values(
                version=HEAD + 1, applied="later", about="from the future"
            )
        )
    with pytest.raises(StoreError, match="upgrade icts-scan"):
        open_store(store_url)


def test_recording_the_same_run_twice_changes_nothing(
    store_url: str, make_result: MakeResult
) -> None:
    result = make_result(
        {"@antv/g2": ("5.1.0", None), "left-pad": ("1.3.0", ALIBABA)}, waivers=(WAIVER,)
    )
    with open_store(store_url) as store:
        first = record(
            store, result, repository="https://git.example.invalid/acme/app", revision="a" * 40
        )
        before = _counts(store)
        again = record(
            store, result, repository="https://git.example.invalid/acme/app", revision="a" * 40
        )
        assert (first.created, again.created, again.run_id) == (True, False, first.run_id)
        assert _counts(store) == before
        assert before["runs"] == 1 and before["facts"] == 1 and before["coverage"] == 1


def test_a_recorded_run_reads_back_as_its_scan_result(
    store_url: str, make_result: MakeResult
) -> None:
    result = make_result(
        {"@antv/g2": ("5.1.0", None), "left-pad": ("1.3.0", ALIBABA)},
        waivers=(WAIVER,),
        acceptances=(ACCEPTANCE,),
    )
    assert [u.state for u in result.acceptances] == ["used"]
    with open_store(store_url) as store:
        run_id = record(store, result, repository="app", revision=None).run_id
        with store.begin() as conn:
            back = load.result(conn, run_id)
            (run,) = load.runs(conn, "app")
    assert back.inventory.components == result.inventory.components
    assert back.enriched.provenance == result.enriched.provenance
    assert back.enriched.coverage == result.enriched.coverage
    stored = [f for f in result.findings if f.outcome != "unknown"]
    assert back.findings == tuple(stored) and stored
    assert back.waivers == result.waivers and back.waivers[0].state == "expired"
    assert back.stages == result.stages
    assert back.acceptances == result.acceptances and back.coverage == result.coverage
    assert back.as_of == result.as_of == "2026-05-01"
    counted = sum(1 for f in stored if not f.excused)
    assert (run.id, run.components, run.findings) == (run_id, 2, counted)
    assert counted < len(stored)  # the @antv finding is an accepted risk


def test_facts_are_stored_once_across_runs(store_url: str, make_result: MakeResult) -> None:
    with open_store(store_url) as store:
        for night in ("2026-05-01T02:00:00Z", "2026-05-02T02:00:00Z"):
            result = make_result({"left-pad": ("1.3.0", ALIBABA)}, started=night)
            record(store, result, repository="app")
        counts = _counts(store)
    assert (counts["runs"], counts["facts"], counts["run_facts"]) == (2, 1, 2)


def test_store_errors_name_the_store_and_hide_the_password(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="unsupported store mysql"):
        open_store("mysql://db.example.invalid/x")
    with pytest.raises(StoreError, match="does not exist"):
        open_store("/nonexistent-folder-for-icts-scan/results.db")
    with pytest.raises(StoreError) as info:
        open_store("postgresql://icts:s3cret-pass@127.0.0.1:1/nothing")
    assert "s3cret-pass" not in str(info.value) and "127.0.0.1:1" in str(info.value)


def test_hostile_text_is_stored_and_read_back_exactly(
    store_url: str, make_result: MakeResult
) -> None:
    result = make_result({"left-pad": ("1.3.0", ALIBABA)})
    comp = result.inventory.components[0]
    # A file name git could not decode (a lone surrogate) and registry text with a NUL in it.
    odd = replace(comp, locations=(Location("odd-\udcff/package-lock.json", 1),))
    prov = result.enriched.provenance[comp.purl]
    fact = replace(prov.facts[0], value="x\x00@alibaba-inc.com", field="maintainers[\udcff]")
    result = replace(
        result,
        inventory=replace(result.inventory, components=(odd,)),
        enriched=replace(result.enriched, provenance={comp.purl: replace(prov, facts=(fact,))}),
    )
    with open_store(store_url) as store:
        run_id = record(store, result, repository="odd-\udcff").run_id
        with store.begin() as conn:
            back = load.result(conn, run_id)
            value = conn.scalar(sa.select(s.facts.c.value))
    assert back.inventory.components == (odd,)
    assert back.enriched.provenance[comp.purl].facts == (fact,)
    assert value == "x\ufffd@alibaba-inc.com"
