"""Enriched CycloneDX 1.6 XML through cyclonedx-python-lib: the same document as the JSON report."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from cyclonedx.model import Property, XsUri
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle

from sbom.export.completeness import lifecycles
from sbom.export.cyclonedx_lib import build_bom, to_xml
from sbom.export.fields import TOOL_NAME
from scanner.pipeline import ScanResult
from scanner.report import cyclonedx_json_report
from scanner.report.cyclonedx_enrich import (
    Extras,
    Party,
    component_extras,
    document_properties,
    timestamp,
)

NAME = "cyclonedx-xml"
TITLE = "CycloneDX 1.6 XML (SBOM enriched with provenance and findings)"
EXTENSION = ".cdx.xml"


def _supplier(p: Party) -> OrganizationalEntity:
    return OrganizationalEntity(
        name=p.name,
        urls=[XsUri(p.url)] if p.url else None,
        contacts=[OrganizationalContact(email=p.email)] if p.email else None,
    )


def _enrich(comp: CdxComponent, extras: Extras) -> None:
    if extras.supplier:
        comp.supplier = _supplier(extras.supplier)
    if extras.authors:
        comp.authors = [OrganizationalContact(name=a.name, email=a.email) for a in extras.authors]
    if extras.publisher:
        comp.publisher = extras.publisher
    comp.properties.update(Property(name=n, value=v) for n, v in extras.properties)


def bom(result: ScanResult) -> Any:
    """The library's Bom of the scan, enriched; serial number shared with the JSON report."""
    extras = component_extras(result)
    # Derived from the JSON form, so that both files of one scan name the same BOM.
    serial = cyclonedx_json_report.document(result, extras)["serialNumber"]
    doc = build_bom(result.inventory, reproducible=True)
    doc.serial_number = UUID(serial.removeprefix("urn:uuid:"))
    doc.metadata.timestamp = timestamp(result)
    doc.metadata.lifecycles = [
        PredefinedLifecycle(LifecyclePhase(phase)) for phase in lifecycles(result.inventory)
    ]
    doc.metadata.tools.components = [
        CdxComponent(type=ComponentType.APPLICATION, name=TOOL_NAME, version=result.tool_version)
    ]
    doc.metadata.properties.update(
        Property(name=n, value=v) for n, v in document_properties(result)
    )
    comps = list(doc.components)
    for comp in comps:
        found = extras.get(str(comp.bom_ref.value))
        if found:
            _enrich(comp, found)
    # Members of a sorted set were changed: rebuild it rather than trust its old order.
    doc.components = comps
    return doc


def render(result: ScanResult) -> str:
    """CycloneDX 1.6 XML text, with the inventory's compositions (as the JSON report)."""
    return to_xml(bom(result), result.inventory)
