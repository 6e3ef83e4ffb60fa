"""Writing an Inventory as CycloneDX 1.6 (JSON, XML) or SPDX 2.3 JSON."""

from __future__ import annotations

from sbom.model import Inventory

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json")


def render(
    inv: Inventory, fmt: str, reproducible: bool = False, tool_version: str | None = None
) -> str:
    """Serialize ``inv``; ``reproducible`` drops timestamps and random serial numbers.

    ``tool_version`` is the producing tool's version for the document's metadata (the
    scanner passes its own; sbom cannot know it without importing scanner).
    """
    if fmt == "cyclonedx-json":
        from sbom.export import cyclonedx_json

        return cyclonedx_json.render(inv, reproducible, tool_version)
    if fmt == "cyclonedx-xml":
        from sbom.export import cyclonedx_lib

        return cyclonedx_lib.render(inv, "xml", reproducible, tool_version)
    if fmt == "spdx-json":
        from sbom.export import spdx_json

        return spdx_json.render(inv, reproducible, tool_version)
    raise ValueError(f"unknown SBOM format {fmt!r}; choose from {', '.join(FORMATS)}")
