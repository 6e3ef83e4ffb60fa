"""Helpers for Maven and Gradle XML: local tag names and the source line of each element."""

from __future__ import annotations

from typing import Any

from sbom.lines import LineIndex
from sbom.xmltags import start_tags


def local(tag: Any) -> str:
    """``{namespace}name`` → ``name`` (comments and processing instructions → "")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def element_lines(text: str, root: Any, tag: str) -> dict[int, int]:
    """``id(element)`` → line of its start tag, for every element named ``tag`` under ``root``.

    ElementTree keeps no positions, so one linear scan finds the start tags in document
    order (a commented-out <dependency> skipped) and pairs them with the elements in
    document order. If the counts differ (an odd construct fooled the scan), no lines are
    given rather than wrong ones.
    """
    index = LineIndex(text)
    starts = [index.line_of(at) for at, name in start_tags(text) if name == tag]
    elements = [e for e in root.iter() if local(e.tag) == tag]
    if len(starts) != len(elements):
        return {}
    return {id(e): line for e, line in zip(elements, starts, strict=True)}
