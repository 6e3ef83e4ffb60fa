"""The checks, one module each, in the order their findings are reported."""

from __future__ import annotations

from collections.abc import Callable

from scanner.assess.checks import (
    collaboration,
    development,
    individual,
    maintenance,
    prohibition,
    supply_path,
)
from scanner.assess.model import CheckRecord, Finding
from scanner.assess.subject import Subject

CHECKS: tuple[tuple[CheckRecord, Callable[[Subject], list[Finding]]], ...] = tuple(
    (m.RECORD, m.run)
    for m in (
        prohibition,
        development,
        maintenance,
        collaboration,
        supply_path,
        individual,
    )
)
# Checks that judge the inventory as a whole (one finding per file and cause).
INVENTORY_CHECKS: tuple[Callable[[list[Subject]], list[Finding]], ...] = (
    supply_path.run_inventory,
)
