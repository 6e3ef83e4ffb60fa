"""The one neutraliser for untrusted text on its way to a terminal, a CI log or a workflow command."""

from __future__ import annotations

import re

# C0/C1 controls (ANSI escapes start with ESC), DEL, line and paragraph separators, bidi
# overrides and isolates, zero-width characters and the BOM: none of them may reach a log.
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def plain(text: object, limit: int | None = None) -> str:
    """One inert line: every control, newline and invisible formatting character becomes ``?``;
    a leading ``::`` (a GitHub Actions workflow command) is broken; lone surrogates are replaced.

    Everything that came from input (paths, versions, registry text) goes through here before
    it is printed; see tests/test_output_hygiene.py.
    """
    out = _SURROGATE.sub("\ufffd", _UNSAFE.sub("?", str(text)))
    if out.lstrip().startswith("::"):
        # A full-width colon: still readable, never parsed as a workflow command.
        out = out.replace("::", "\uff1a:", 1)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out
