"""Durations as people write them in flags and policy files: 90, "90s", "30m", "12h", "1d"."""

from __future__ import annotations

import math
import re

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([smhd]?)\s*$")


def parse_duration(value: object) -> float:
    """Seconds from a number or a number with a unit (s, m, h, d); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90, 30m, 12h or 1d")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _TEXT.match(value.lower())):
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    else:
        raise ValueError("expected a duration such as 90, 30m, 12h or 1d")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("a duration is a finite number of seconds, 0 or more")
    return seconds
