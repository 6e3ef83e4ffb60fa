"""Start tags of XML text in one linear pass, skipping comments, CDATA and processing instructions.

ElementTree keeps no source positions, so parsers find the lines of elements by scanning
the text. A regex such as ``<!--.*?-->|<tag`` searched over the text restarts its lazy
scan at every unterminated ``<!--``: quadratic, ~17 minutes for a 1 MiB file of them.
Here each construct is skipped with one ``find`` for its end, and an unterminated one
ends the scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A start tag's name (its prefix dropped), or the opener of a construct whose content is text.
_OPEN = re.compile(r"<(?:(!--)|(!\[CDATA\[)|(\?)|(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))")
_CLOSE = ("-->", "]]>", "?>")


def start_tags(text: str) -> Iterator[tuple[int, str]]:
    """(offset, local name) of every start tag outside comments, CDATA and PIs, in order."""
    pos = 0
    while m := _OPEN.search(text, pos):
        name = m.group(4)
        if name is not None:
            yield m.start(), name
            pos = m.end()
            continue
        close = _CLOSE[0] if m.group(1) else _CLOSE[1] if m.group(2) else _CLOSE[2]
        end = text.find(close, m.end())
        if end < 0:  # unterminated: everything after it is inside it
            return
        pos = end + len(close)


def simple_values(text: str, name: str) -> Iterator[str]:
    """The text of each ``<name>text</name>`` element outside comments (stripped), in order."""
    end_tag = re.compile(rf"</(?:[A-Za-z_][\w.-]*:)?{re.escape(name)}\s*>")
    for offset, found in start_tags(text):
        if found != name:
            continue
        # Bounded by the next "<": a run of unclosed tags is never scanned twice.
        nxt = text.find("<", offset + 1)
        nxt = len(text) if nxt < 0 else nxt
        gt = text.find(">", offset, nxt)
        if gt < 0 or not end_tag.match(text, nxt):
            continue
        if value := text[gt + 1 : nxt].strip():
            yield value
