"""The lazy format catalog names every registered report, and only those."""

from __future__ import annotations

from scanner.report.catalog import MODULES, load
from scanner.report.formats import REPORTERS


def test_catalog_matches_the_registry() -> None:
    assert {r.NAME: r.__name__.rsplit(".", 1)[1] for r in REPORTERS} == MODULES  # type: ignore[attr-defined]
    assert all(name == load(name).NAME for name in MODULES)
