"""Line numbers of XML elements, which ElementTree does not keep, found by one scan of the text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sbom.lines import LineIndex

# Comments and CDATA are matched first so that a tag written inside them is not counted.
_TAGS = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(PackageReference|PackageVersion|GlobalPackageReference|package)[\s/>]",
    re.DOTALL,
)


def local(tag: str) -> str:
    """Element name without its ``{namespace}`` (old-style MSBuild files carry one)."""
    return tag.rsplit("}", 1)[-1]


class TagLines:
    """The n-th element named X in document order is the n-th ``<X`` outside comments."""

    def __init__(self, text: str) -> None:
        index = LineIndex(text)
        found: dict[str, list[int]] = {}
        for m in _TAGS.finditer(text):
            if m.group(1):
                found.setdefault(m.group(1), []).append(index.line_of(m.start()))
        self._lines: dict[str, Iterator[int]] = {tag: iter(lines) for tag, lines in found.items()}

    def next(self, tag: str) -> int | None:
        """Line of the next element ``tag``; call once per element, in document order."""
        lines = self._lines.get(tag)
        return next(lines, None) if lines is not None else None
