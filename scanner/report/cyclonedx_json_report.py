"""Enriched CycloneDX 1.6 JSON: the scan's SBOM with suppliers, authors, publishers, icts-scan: properties."""

from __future__ import annotations

import json
from typing import Any

from sbom.export import cyclonedx_json
from sbom.safe_text import json_text
from scanner.pipeline import ScanResult
from scanner.report.cyclonedx_enrich import (
    Extras,
    Party,
    component_extras,
    document_properties,
    serial_number,
    timestamp,
)

NAME = "cyclonedx-json"
TITLE = "CycloneDX 1.6 JSON (SBOM enriched with provenance and findings)"
EXTENSION = ".cdx.json"


def _party(p: Party) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if p.name:
        out["name"] = p.name
    if p.email:
        out["email"] = p.email
    return out


def _supplier(p: Party) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name} if p.name else {}
    if p.url:
        out["url"] = [p.url]
    if p.email:
        out["contact"] = [{"email": p.email}]
    return out


def _enrich(comp: dict[str, Any], extras: Extras | None) -> dict[str, Any]:
    if extras is None:
        return comp
    out: dict[str, Any] = {}
    for key, value in comp.items():
        if key == "properties":
            continue
        out[key] = value
        # The schema's own order: supplier, authors, publisher come right after bom-ref.
        if key == "bom-ref":
            if extras.supplier:
                out["supplier"] = _supplier(extras.supplier)
            if extras.authors:
                out["authors"] = [_party(a) for a in extras.authors]
            if extras.publisher:
                out["publisher"] = extras.publisher
    props = {(p["name"], p["value"]) for p in comp.get("properties", ())}
    props.update(extras.properties)
    out["properties"] = [{"name": n, "value": v} for n, v in sorted(props)]
    return out


def document(result: ScanResult, extras: dict[str, Extras] | None = None) -> dict[str, Any]:
    """The enriched CycloneDX document as plain data, with a content-derived serial number."""
    extras = component_extras(result) if extras is None else extras
    base = cyclonedx_json.document(result.inventory, reproducible=True)
    meta = base["metadata"]
    # Volatile fields come from the ScanResult, never from the clock or the installed package.
    tools = [{**t, "version": result.tool_version} for t in meta["tools"]["components"]]
    props = {(p["name"], p["value"]) for p in meta.get("properties", ())}
    props.update(document_properties(result))
    metadata = {
        "timestamp": timestamp(result).isoformat(),
        # The inventory's generation context and its known unknowns (compositions) hold for
        # the enriched document too: enrichment adds facts, never components.
        **({"lifecycles": meta["lifecycles"]} if "lifecycles" in meta else {}),
        "tools": {"components": tools},
        "component": meta["component"],
        "properties": [{"name": n, "value": v} for n, v in sorted(props)],
    }
    doc: dict[str, Any] = {
        "$schema": base["$schema"],
        "bomFormat": base["bomFormat"],
        "specVersion": base["specVersion"],
        "serialNumber": "",
        "version": base["version"],
        "metadata": metadata,
        "components": [_enrich(c, extras.get(c["bom-ref"])) for c in base["components"]],
        "dependencies": base["dependencies"],
        "compositions": base["compositions"],
    }
    doc["serialNumber"] = serial_number(doc)
    return doc


def render(result: ScanResult) -> str:
    """CycloneDX 1.6 JSON text."""
    return json_text(json.dumps(document(result), indent=2, ensure_ascii=False)) + "\n"
