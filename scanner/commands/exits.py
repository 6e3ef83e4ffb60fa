"""The exit-status contract of every command, and the checks that keep a mistake from looking clean."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from sbom.model import Inventory
from scanner.text import echo, plain

OK = 0
"""Nothing at or above --fail-on, every input read."""
FINDINGS = 1
"""Findings at or above --fail-on (or more unknown provenance than the policy allows)."""
USAGE = 2
"""Usage or input error: a missing input, an unreadable policy, a knowledge base that cannot be
used, an unwritable output, an input that is not what it claims to be. Checked before the scan
starts where possible."""
INCOMPLETE = 3
"""An input file could not be (fully) read; everything else is still reported.
``--allow-incomplete`` turns it into a warning; ``--strict`` adds unknown provenance to it."""
NOTHING = 4
"""Nothing to scan: no lockfile or manifest in the folder, or an SBOM without components."""

TABLE = (
    (OK, "clean: nothing at or above --fail-on, every input read"),
    (FINDINGS, "findings at or above --fail-on, or unknown provenance above fail-on-unknown-above"),
    (
        USAGE,
        "usage or input error: missing input, bad policy or knowledge base, unwritable output, not an SBOM",
    ),
    (INCOMPLETE, "incomplete: an input could not be read (the rest is reported); findings win"),
    (NOTHING, "nothing to scan: no lockfile or manifest found, or an SBOM without components"),
)
EPILOG = "exit status:\n" + "\n".join(f"  {code}  {text}" for code, text in TABLE)


def say(message: str, kind: str = "error") -> None:
    """One plain line on stderr: ``icts-scan: error: …`` (input is neutralised first)."""
    echo(f"icts-scan: {kind}: {plain(message, 2000)}", file=sys.stderr)


def fail(message: str, code: int = USAGE) -> int:
    say(message)
    return code


def unwritable(paths: Iterable[str | None]) -> str | None:
    """Why one of the output paths cannot be written, checked before any work is done."""
    for path in paths:
        if not path:
            continue
        if os.path.isdir(path):
            return f"{path}: is a folder, not a file"
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            return f"{path}: no such folder {folder}"
        if not os.access(folder, os.W_OK) or (
            os.path.exists(path) and not os.access(path, os.W_OK)
        ):
            return f"{path}: not writable"
    return None


def unreadable_input(path: str) -> str | None:
    """Why an explicitly named input file cannot be read."""
    if not os.path.exists(path):
        return f"{path}: no such file"
    if os.path.isdir(path):
        return f"{path}: is a folder; give a file (or scan the folder without --sbom)"
    if not os.access(path, os.R_OK):
        return f"{path}: not readable"
    return None


def inventory_status(
    inv: Inventory, *, explicit_input: str | None
) -> tuple[int | None, str | None]:
    """(exit status, line) when the inventory itself decides the outcome, else (None, None).

    An explicit SBOM that could not be read is an input error; a folder without a single
    lockfile or manifest is "nothing to scan".
    """
    errors = [i for i in inv.issues if i.severity == "error"]
    if explicit_input is not None and errors and not inv.components:
        return USAGE, f"{explicit_input}: {errors[0].message}"
    if not inv.components and not errors:
        where = explicit_input or inv.root
        what = "an SBOM without components" if explicit_input else "no lockfile or manifest found"
        return NOTHING, f"nothing to scan in {where}: {what}"
    return None, None


def incomplete(inv: Inventory) -> bool:
    """An input file could not be (fully) read."""
    return any(i.severity == "error" for i in inv.issues)


def combine(findings: bool, unread: bool, allow_incomplete: bool) -> int:
    """Findings win over incomplete; an unread input is an error unless explicitly allowed."""
    if findings:
        return FINDINGS
    if unread and not allow_incomplete:
        return INCOMPLETE
    return OK


def write_text(path: str, text: str) -> str | None:
    """Write a report; why it failed (disk full, permissions changed) instead of a traceback."""
    return write_with(path, lambda fh: fh.write(text))


def write_with(path: str, write: Callable[[TextIO], object]) -> str | None:
    """Write a report piece by piece (a huge one is never held whole); why it failed, if so."""
    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
            write(fh)
    except OSError as exc:
        return f"{path}: cannot write: {exc.strerror or exc}"
    return None
