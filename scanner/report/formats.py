"""The report registry: every output format of ``icts-scan scan --report``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from scanner.pipeline import ScanResult
from scanner.report import (
    cyclonedx_json_report,
    cyclonedx_xml_report,
    evidence,
    html,
    json_report,
    markdown,
    sarif,
    terminal,
)


class Reporter(Protocol):
    """A report module."""

    @property
    def NAME(self) -> str: ...
    @property
    def TITLE(self) -> str: ...
    @property
    def EXTENSION(self) -> str: ...

    def render(self, result: ScanResult) -> str: ...


REPORTERS: tuple[Reporter, ...] = (
    terminal,
    json_report,
    sarif,
    markdown,
    html,
    cyclonedx_json_report,
    cyclonedx_xml_report,
    evidence,
)
BY_NAME: dict[str, Reporter] = {r.NAME: r for r in REPORTERS}


def renderer(name: str) -> Callable[[ScanResult], str]:
    """The render function of a format; KeyError names the known ones."""
    try:
        return BY_NAME[name].render
    except KeyError:
        raise KeyError(f"unknown report format {name!r} (known: {', '.join(BY_NAME)})") from None
