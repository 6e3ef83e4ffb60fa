"""Report format names and their modules, imported only when a format is written."""

from __future__ import annotations

import importlib
from types import ModuleType

# Format name → module, so a command imports only the reports it writes (the CycloneDX XML
# report alone pulls in the whole cyclonedx library). tests/report/test_formats.py keeps it
# equal to the registry, scanner.report.formats.REPORTERS.
MODULES: dict[str, str] = {
    "table": "terminal",
    "json": "json_report",
    "sarif": "sarif",
    "markdown": "markdown",
    "html": "html",
    "cyclonedx-json": "cyclonedx_json_report",
    "cyclonedx-xml": "cyclonedx_xml_report",
    "evidence": "evidence",
}


def load(name: str) -> ModuleType:
    """The report module of one format (``render(result) -> str``), imported on first use."""
    return importlib.import_module(f"scanner.report.{MODULES[name]}")
