"""Dates in the knowledge base: partial ISO dates, and whether a dated fact holds on a day."""

from __future__ import annotations

from datetime import date


def day(value: str) -> date:
    """``2021``, ``2021-05`` or ``2021-05-14`` as a date; a partial date means its first day."""
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def holds(valid_from: str | None, valid_to: str | None, on: date | None) -> bool:
    """Whether a fact valid from ``valid_from`` until ``valid_to`` (exclusive) holds on ``on``.

    ``on=None`` asks about the knowledge base as recorded, without dates: every fact holds.
    """
    if on is None:
        return True
    if valid_from and on < day(valid_from):
        return False
    return not (valid_to and on >= day(valid_to))
