"""The one neutraliser for untrusted text on its way to a terminal, a CI log or a workflow command."""

from __future__ import annotations

import re
import sys
from typing import TextIO

from sbom.safe_text import no_surrogates

# C0/C1 controls (ANSI escapes start with ESC), DEL, line and paragraph separators, bidi
# overrides and isolates, zero-width characters and the BOM: none of them may reach a log.
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def plain(text: object, limit: int | None = None) -> str:
    """One inert line: every control, newline and invisible formatting character becomes ``?``;
    a leading ``::`` (a GitHub Actions workflow command) is broken; lone surrogates are replaced.

    Everything that came from input (paths, versions, registry text) goes through here before
    it is printed; see tests/test_output_hygiene.py.
    """
    out = inert(text)
    if out.lstrip().startswith("::"):
        # A full-width colon: still readable, never parsed as a workflow command.
        out = out.replace("::", "\uff1a:", 1)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def inert(text: object) -> str:
    """``text`` with controls, line breaks and invisible formatting as ``?``; nothing else changed."""
    return no_surrogates(_UNSAFE.sub("?", str(text)))


def echo(*lines: object, file: TextIO | None = None) -> None:
    """Print each argument as one line through ``plain`` (tabs kept as column separators).

    The one way icts-scan prints a message; tests/test_output_hygiene.py finds any other.
    """
    out = file if file is not None else sys.stdout
    out.write("".join("\t".join(map(plain, str(line).split("\t"))) + "\n" for line in lines))


def document(text: str, file: TextIO | None = None, *, colors: bool = False) -> None:
    """Write a whole report or SBOM whose writer escaped it for its own syntax (JSON, SARIF,
    Markdown, XML, the table), with a last guard for a terminal or CI log: a control character
    still in it becomes ``?`` and a line that would start a workflow command is broken.
    ``colors`` keeps the table's own colour codes (SGR sequences) and nothing else.
    """
    out = file if file is not None else sys.stdout
    if text.isascii() and "::" not in text and not _ASCII_CONTROL.search(text):
        out.write(text)  # the common case, checked in one pass
        return
    out.write("\n".join(_guard(line, colors) for line in text.split("\n")))


# C0 controls but tab and line feed, and DEL: what a writer should never have let through.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Select Graphic Rendition: colour and weight, the only escape sequences the table writes.
_SGR = re.compile(r"(\x1b\[[0-9;]*m)")


def _guard(line: str, colors: bool) -> str:
    parts = _SGR.split(line) if colors else [line]
    # split() with a group alternates text and colour codes: the codes sit at odd positions.
    line = "".join(
        part if n % 2 else "\t".join(map(inert, part.split("\t"))) for n, part in enumerate(parts)
    )
    if _SGR.sub("", line).lstrip().startswith("::"):
        line = line.replace("::", "\uff1a:", 1)
    return line
