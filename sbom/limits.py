"""How many components one file and one inventory may hold, so memory stays bounded.

The largest real lockfiles name a few thousand packages and the largest monorepos a few
tens of thousands; the defaults leave ample room. The operator sets other limits through
the environment (a scanned tree's policy file cannot raise them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

PER_FILE_ENV = "ICTS_SCAN_MAX_COMPONENTS_PER_FILE"
TOTAL_ENV = "ICTS_SCAN_MAX_COMPONENTS"
DEFAULT_PER_FILE = 100_000
DEFAULT_TOTAL = 500_000
# A parser may build a component more than once (a repeated package is merged); past this
# many times the limit, the file is given up without waiting for the parser to finish.
_SLACK = 4

# Components a parse in progress may still build; None outside a parse.
_budget: ContextVar[list[int] | None] = ContextVar("component_budget", default=None)


class TooManyComponents(Exception):
    """A parse built far more components than one file may hold; the file is given up."""


def _read(name: str, environ: Mapping[str, str]) -> int | None:
    """The limit the environment sets; None when unset, 0 when not a whole number ≥ 1."""
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return max(int(raw.replace("_", "")), 0)
    except ValueError:
        return 0


def per_file(environ: Mapping[str, str] = os.environ) -> int:
    """Components one file may hold (the default when unset or malformed: see ``problem``)."""
    return _read(PER_FILE_ENV, environ) or DEFAULT_PER_FILE


def total(environ: Mapping[str, str] = os.environ) -> int:
    """Components one inventory may hold (the default when unset or malformed)."""
    return _read(TOTAL_ENV, environ) or DEFAULT_TOTAL


def problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """What is wrong with the limits the environment sets, if anything (the CLI refuses it)."""
    for name in (PER_FILE_ENV, TOTAL_ENV):
        if _read(name, environ) == 0:
            return f"{name}={environ[name]!r}: expected a whole number of components, 1 or more"
    return None


@contextmanager
def counting(limit: int) -> Iterator[None]:
    """Within the block, building more than ``_SLACK * limit`` components raises TooManyComponents."""
    token = _budget.set([limit * _SLACK])
    try:
        yield
    finally:
        _budget.reset(token)


def built() -> None:
    """Called for each component built: stops a runaway parse early (see ``counting``)."""
    left = _budget.get()
    if left is not None:
        left[0] -= 1
        if left[0] < 0:
            raise TooManyComponents


def over_file(count: int | None, limit: int) -> str:
    """The issue text for a file over the per-file limit (``count`` None: the parse was stopped)."""
    held = f"{count} components" if count is not None else "too many components"
    return f"{held}: over the limit of {limit} per file (set {PER_FILE_ENV}); skipped"


def over_total(limit: int, rest: str) -> str:
    """The issue text for an inventory over the total limit; ``rest`` says what was left out."""
    return f"the inventory reached the limit of {limit} components (set {TOTAL_ENV}); {rest}"
