"""Helpers for Maven and Gradle XML: local tag names and the source line of each element."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sbom.lines import LineIndex


def local(tag: Any) -> str:
    """``{namespace}name`` → ``name`` (comments and processing instructions → "")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@lru_cache(maxsize=16)
def _start_tag(tag: str) -> re.Pattern[str]:
    # Comments and CDATA are matched first so that a commented-out <dependency> is skipped.
    return re.compile(
        r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(?:[A-Za-z_][\w.-]*:)?" + tag + r"(?=[\s/>])", re.S
    )


def element_lines(text: str, root: Any, tag: str) -> dict[int, int]:
    """``id(element)`` → line of its start tag, for every element named ``tag`` under ``root``.

    ElementTree keeps no positions, so one regex pass finds the start tags in document
    order and pairs them with the elements in document order. If the counts differ (an
    odd construct fooled the scan), no lines are given rather than wrong ones.
    """
    index = LineIndex(text)
    matches = _start_tag(tag).finditer(text)
    starts = [index.line_of(m.start()) for m in matches if not m.group().startswith("<!")]
    elements = [e for e in root.iter() if local(e.tag) == tag]
    if len(starts) != len(elements):
        return {}
    return {id(e): line for e, line in zip(elements, starts, strict=True)}
