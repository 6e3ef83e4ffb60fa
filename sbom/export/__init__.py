"""Writing an Inventory as CycloneDX 1.6 (JSON, XML) or SPDX 2.3 JSON."""

from __future__ import annotations

from sbom.model import Inventory

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json")


def render(inv: Inventory, fmt: str, reproducible: bool = False) -> str:
    """Serialize ``inv``; ``reproducible`` drops timestamps and random serial numbers."""
    if fmt == "cyclonedx-json":
        from sbom.export import cyclonedx_json

        return cyclonedx_json.render(inv, reproducible)
    if fmt == "cyclonedx-xml":
        from sbom.export import cyclonedx_lib

        return cyclonedx_lib.render(inv, "xml", reproducible)
    if fmt == "spdx-json":
        from sbom.export import spdx_json

        return spdx_json.render(inv, reproducible)
    raise ValueError(f"unknown SBOM format {fmt!r}; choose from {', '.join(FORMATS)}")
