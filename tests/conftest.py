"""Shared test fixtures: repository paths, the shared corpus, golden-file updating."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The same examples on every run: a fresh clone and CI see what the developer saw. Wider,
# random fuzzing of the parsers is scripts/fuzz_parsers.py.
settings.register_profile("repeatable", derandomize=True)
settings.load_profile("repeatable")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def corpus_root() -> Path:
    """The shared corpus of real lockfiles (beside the repository, or $ICTS_SCAN_CORPUS)."""
    env = os.environ.get("ICTS_SCAN_CORPUS")
    return Path(env) if env else REPO.parent / "shared" / "corpus"


CORPUS_SKIP = "needs the shared corpus: set ICTS_SCAN_CORPUS=/path/to/shared/corpus to run"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False, help="rewrite golden files"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    root = corpus_root()
    if not root.is_dir():
        pytest.skip(CORPUS_SKIP)
    return root
