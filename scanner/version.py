"""What `icts-scan --version` prints: the tool's version and the knowledge base it loads."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from scanner import __version__
from scanner.text import echo


def feeds_version() -> str:
    """The label of the knowledge base a scan would use, or why there is none."""
    # Loaded only when asked: every other command pays for the feeds when it needs them.
    from feeds import FeedError, load

    try:
        return load().version.label
    except FeedError as exc:
        return f"unusable ({len(exc.problems)} problem(s); run `icts-scan feeds verify`)"


def version_text() -> str:
    """``icts-scan 0.1.0 (feeds 2026-11-28+67805f4ae2a7)``: what a bug report should quote."""
    return f"icts-scan {__version__} (feeds {feeds_version()})"


class VersionAction(argparse.Action):
    """``--version`` that reads the knowledge base only when the flag is given."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and the knowledge-base version, then exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        echo(version_text())
        parser.exit()
