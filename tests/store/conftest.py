"""Store fixtures: the same tests on SQLite and on a real PostgreSQL server, and scan results to record."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import feeds
from sbom import purl
from sbom.model import Component, Inventory, Location
from scanner.config import Config
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus
from scanner.enrich.run import coverage
from scanner.pipeline import ScanRequest, ScanResult, scan

POSTGRES_ENV = "ICTS_SCAN_TEST_POSTGRES"
POSTGRES_SKIP = f"needs PostgreSQL: set {POSTGRES_ENV}=postgresql://USER:PASSWORD@HOST:PORT/postgres (.ci/run starts one)"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store of each kind: a fresh SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield str(tmp_path / "results.db")
        return
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        pytest.skip(POSTGRES_SKIP)
    import sqlalchemy as sa

    from scanner.store.engine import url_of

    name = "icts_test_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(url_of(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


NOW = "2026-05-01T00:00:00Z"
ALIBABA = "someone@alibaba-inc.com"


def _component(name: str, version: str, path: str = "package-lock.json") -> Component:
    return Component(
        purl.npm(name, version),
        "npm",
        name,
        version,
        "required",
        True,
        locations=(Location(path, 3),),
    )


def _provenance(c: Component, email: str | None) -> Provenance:
    if email is None:  # the registry failed: unknown, with its reason
        return Provenance(c.purl, (), (SourceStatus("npm", "error", "HTTP 503 from the registry"),))
    fact = Fact(
        c.purl,
        "maintainer-email",
        email,
        "maintainers[0].email",
        "npm",
        f"https://npm.example.invalid/{c.name}",
        NOW,
        "registry-asserted",
    )
    return Provenance(c.purl, (fact,), (SourceStatus("npm", "ok", url=fact.url),))


MakeResult = Callable[..., ScanResult]


@pytest.fixture
def make_result() -> MakeResult:
    """A scan result of npm packages: name → (version, maintainer e-mail or None for unknown)."""

    def build(
        packages: dict[str, tuple[str, str | None]],
        *,
        started: str = NOW,
        waivers: tuple[dict[str, str], ...] = (),
        acceptances: tuple[dict[str, str], ...] = (),
        today: date = date(2026, 5, 1),
    ) -> ScanResult:
        comps = tuple(
            sorted((_component(n, v) for n, (v, _) in packages.items()), key=lambda c: c.purl)
        )
        by_name = {c.name: c for c in comps}
        prov = {by_name[n].purl: _provenance(by_name[n], e) for n, (_, e) in packages.items()}
        request = ScanRequest(
            config=Config(waivers=waivers, acceptances=acceptances),
            inventory=Inventory(root=".", components=comps),
            enriched=Enriched(prov, coverage(prov)),
            history=False,
            today=today,
        )
        result = scan(request, feeds.load())
        return replace(result, started=started, finished=started)

    return build
