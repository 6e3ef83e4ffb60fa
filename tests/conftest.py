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


def need_corpus() -> Path:
    """The shared corpus, or skip the calling test: one reason, counted once in the summary."""
    root = corpus_root()
    if not root.is_dir():
        pytest.skip(CORPUS_SKIP)
    return root


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False, help="rewrite golden files"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    return need_corpus()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # A fresh clone has no corpus: say once how to run what was skipped, not once per test.
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum(CORPUS_SKIP in str(getattr(r, "longrepr", "")) for r in skipped)
    if n:
        terminalreporter.write_line(
            f"{n} tests need the shared corpus: set ICTS_SCAN_CORPUS=/path/to/shared/corpus"
        )
