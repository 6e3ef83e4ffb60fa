"""Line numbers of XML elements, which ElementTree does not keep, found by one scan of the text."""

from __future__ import annotations

from collections.abc import Iterator

from sbom.lines import LineIndex
from sbom.xmltags import start_tags

# The elements whose lines are asked for; a tag inside a comment or CDATA is not counted.
_TAGS = frozenset({"PackageReference", "PackageVersion", "GlobalPackageReference", "package"})


def local(tag: str) -> str:
    """Element name without its ``{namespace}`` (old-style MSBuild files carry one)."""
    return tag.rsplit("}", 1)[-1]


class TagLines:
    """The n-th element named X in document order is the n-th ``<X`` outside comments."""

    def __init__(self, text: str) -> None:
        index = LineIndex(text)
        found: dict[str, list[int]] = {}
        for at, name in start_tags(text):
            if name in _TAGS:
                found.setdefault(name, []).append(index.line_of(at))
        self._lines: dict[str, Iterator[int]] = {tag: iter(lines) for tag, lines in found.items()}

    def next(self, tag: str) -> int | None:
        """Line of the next element ``tag``; call once per element, in document order."""
        lines = self._lines.get(tag)
        return next(lines, None) if lines is not None else None
