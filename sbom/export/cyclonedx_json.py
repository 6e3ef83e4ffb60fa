"""CycloneDX 1.6 JSON written directly from the inventory: linear time, no object model.

cyclonedx-python-lib stays the reference for the format (``cyclonedx_lib``); a test
checks that both writers produce the same document. This path exists because the
library's model costs ~0.5 ms per component (sorted-set comparisons and reflection
based serialization), which would dominate a scan of a large lockfile.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, TextIO

from sbom import licenses
from sbom.export.completeness import compositions, lifecycles
from sbom.export.fields import (
    CDX_SCOPE,
    NS,
    ROOT_REF,
    SPEC_VERSION,
    dependency_map,
    digests,
    fields,
    root_name,
    tool,
)
from sbom.model import Component, Inventory
from sbom.safe_text import json_text, uri


def _component(c: Component) -> dict[str, Any]:
    f = fields(c)
    out: dict[str, Any] = {"type": "library", "bom-ref": c.purl}
    if f.group:
        out["group"] = f.group
    out["name"] = f.name
    if c.version:
        out["version"] = c.version
    if c.scope:
        out["scope"] = CDX_SCOPE[c.scope]
    if hashes := digests(c):
        out["hashes"] = [{"alg": h.alg, "content": h.value} for h in hashes]
    if c.licenses:
        out["licenses"] = licenses.cyclonedx(c.licenses)
    out["purl"] = c.purl
    refs = [{"url": uri(u), "type": "distribution"} for u in f.distribution]
    if f.vcs:
        refs.append({"url": uri(f.vcs), "type": "vcs"})
    if refs:
        out["externalReferences"] = refs
    if f.properties:
        out["properties"] = [{"name": n, "value": v} for n, v in f.properties]
    if c.locations:
        out["evidence"] = {
            "occurrences": [
                {"location": loc.path, **({"line": loc.line} if loc.line else {})}
                for loc in c.locations
            ]
        }
    return out


def _head(inv: Inventory, reproducible: bool, tool_version: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
    }
    if not reproducible:
        doc["serialNumber"] = uuid.uuid4().urn
    doc["version"] = 1
    meta: dict[str, Any] = {}
    if not reproducible:
        meta["timestamp"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if phases := lifecycles(inv):
        meta["lifecycles"] = [{"phase": p} for p in phases]
    meta["tools"] = {"components": [tool(tool_version)]}
    meta["component"] = {"type": "application", "bom-ref": ROOT_REF, "name": root_name(inv)}
    props = [{"name": NS + "input", "value": f"{f.path} sha256:{f.sha256}"} for f in inv.files]
    if props:
        meta["properties"] = props
    doc["metadata"] = meta
    return doc


def _lists(inv: Inventory) -> dict[str, Iterator[dict[str, Any]]]:
    """The long lists, one item at a time, in document order after the head."""
    return {
        "components": (_component(c) for c in inv.components),
        "dependencies": (
            {"ref": ref, "dependsOn": deps} if deps else {"ref": ref}
            for ref, deps in dependency_map(inv).items()
        ),
        "compositions": (
            {"aggregate": aggregate, "dependencies": refs}
            for aggregate, refs in compositions(inv, ROOT_REF)
        ),
    }


def document(
    inv: Inventory, reproducible: bool = False, tool_version: str | None = None
) -> dict[str, Any]:
    """The CycloneDX document as plain data; ``tool_version`` goes into metadata.tools."""
    doc = _head(inv, reproducible, tool_version)
    doc.update({key: list(items) for key, items in _lists(inv).items()})
    return doc


def write(
    inv: Inventory, out: TextIO, reproducible: bool = False, tool_version: str | None = None
) -> None:
    """The document written item by item: the text of ``render``, never held whole."""
    head = json.dumps(_head(inv, reproducible, tool_version), ensure_ascii=False)
    out.write(json_text(head[:-1]))
    for key, items in _lists(inv).items():
        out.write(f", {json.dumps(key)}: [")
        for n, item in enumerate(items):
            out.write((", " if n else "") + json_text(json.dumps(item, ensure_ascii=False)))
        out.write("]")
    out.write("}\n")


def render(inv: Inventory, reproducible: bool = False, tool_version: str | None = None) -> str:
    """CycloneDX 1.6 JSON text."""
    out = io.StringIO()
    write(inv, out, reproducible, tool_version)
    return out.getvalue()
