"""A lazy load reads the manifest and the digests only; the records are built on first use,
and data that fails there fails as one plain line, never a traceback."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import feeds
from scanner.cli import main
from tests.conftest import FIXTURES

from .conftest import edit_json


def _unknown_key(doc: dict[str, Any]) -> None:
    doc["records"][0]["identifiers"][0]["srcs"] = ["S-ecfr-791-4"]


def test_a_lazy_load_builds_nothing_until_asked() -> None:
    lazy, eager = feeds.load(lazy=True), feeds.load()
    assert "parts" not in vars(lazy) and lazy.version == eager.version
    view = lazy.at(date(2026, 1, 1))
    assert "parts" not in vars(view) and "parts" not in vars(lazy)
    assert len(view.entities) == len(eager.entities), "a day's view builds from the same records"


def test_bad_data_under_a_rewritten_manifest_fails_where_first_used(data_copy: Path) -> None:
    edit_json(data_copy, "entities/cn-internet.json", _unknown_key)
    with pytest.raises(feeds.FeedError):
        feeds.load(data_copy)
    lazy = feeds.load(data_copy, lazy=True)
    with pytest.raises(feeds.FeedError) as caught:
        _ = lazy.entities
    assert any(p.field == "identifiers[0].srcs" for p in caught.value.problems)


@pytest.mark.parametrize("damage", ["missing", "bad-record"])
def test_a_knowledge_base_that_cannot_be_used_is_one_line_and_exit_2(
    damage: str,
    data_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if damage == "missing":
        root = data_copy / "nowhere"
    else:
        root = data_copy
        edit_json(data_copy, "entities/cn-internet.json", _unknown_key)
    monkeypatch.setenv("ICTS_SCAN_FEEDS_DIR", str(root))
    project = FIXTURES / "e2e" / "project"
    assert main(["scan", str(project), "--no-network", "--report", "table"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = [x for x in err.splitlines() if x.startswith("icts-scan: error:")]
    assert line.startswith("icts-scan: error: knowledge base: ")
