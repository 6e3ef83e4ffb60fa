"""SPDX 2.3 JSON: packages with purl references, checksums and DEPENDS_ON relationships."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timezone
from typing import Any

from sbom import licenses
from sbom.export.completeness import lifecycles
from sbom.export.fields import TOOL_NAME, dependency_map, root_name
from sbom.model import Component, Inventory
from sbom.safe_text import json_text, uri

# SPDX checksum algorithm names for the CycloneDX names the model uses.
SPDX_ALG = {
    "MD5": "MD5",
    "SHA-1": "SHA1",
    "SHA-256": "SHA256",
    "SHA-384": "SHA384",
    "SHA-512": "SHA512",
    "SHA3-256": "SHA3-256",
    "SHA3-512": "SHA3-512",
    "BLAKE2b-256": "BLAKE2b-256",
    "BLAKE3": "BLAKE3",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
ROOT_ID = "SPDXRef-Root"


def _spdx_id(purl: str) -> str:
    # IDs must be [A-Za-z0-9.-]; a short digest keeps them unique after sanitizing.
    digest = hashlib.sha1(purl.encode("utf-8", "surrogatepass")).hexdigest()[
        :8
    ]  # an identifier, not security
    return f"SPDXRef-Package-{_UNSAFE.sub('-', purl[4:])[:80]}-{digest}"


def _package(c: Component, spdx_id: str) -> dict[str, Any]:
    pkg: dict[str, Any] = {"SPDXID": spdx_id, "name": c.name}
    if c.version:
        pkg["versionInfo"] = c.version
    where = c.resolved[0] if c.resolved else c.source_url
    pkg["downloadLocation"] = uri(where) if where else "NOASSERTION"
    pkg["filesAnalyzed"] = False
    sums = [
        {"algorithm": SPDX_ALG[h.alg], "checksumValue": h.value}
        for h in c.hashes
        if h.alg in SPDX_ALG
    ]
    if sums:
        pkg["checksums"] = sums
    if expression := licenses.as_expression(c.licenses):
        pkg["licenseDeclared"] = expression
    pkg["externalRefs"] = [
        {
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": c.purl,
        }
    ]
    if c.locations:
        pkg["comment"] = "found in: " + ", ".join(
            f"{loc.path}:{loc.line}" if loc.line else loc.path for loc in c.locations
        )
    return pkg


def _created(reproducible: bool) -> str:
    if reproducible:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
        return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def document(
    inv: Inventory, reproducible: bool = False, tool_version: str | None = None
) -> dict[str, Any]:
    """The SPDX document as plain data."""
    ids = {c.purl: _spdx_id(c.purl) for c in inv.components}
    packages = [
        {
            "SPDXID": ROOT_ID,
            "name": root_name(inv),
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "primaryPackagePurpose": "APPLICATION",
        }
    ]
    packages.extend(_package(c, ids[c.purl]) for c in inv.components)
    rels = [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": ROOT_ID,
        }
    ]
    for ref, deps in dependency_map(inv).items():
        source = ids.get(ref, ROOT_ID)
        rels.extend(
            {
                "spdxElementId": source,
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": ids[d],
            }
            for d in deps
        )
    phases = lifecycles(inv)
    body = json.dumps([packages, rels], sort_keys=True).encode()
    # The namespace must be unique per document; in reproducible mode it derives from content.
    token = hashlib.sha256(body).hexdigest() if reproducible else os.urandom(16).hex()
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": root_name(inv),
        "documentNamespace": uri(f"https://spdx.org/spdxdocs/{TOOL_NAME}/{root_name(inv)}-{token}"),
        "creationInfo": {
            "created": _created(reproducible),
            "creators": [f"Tool: {TOOL_NAME}" + (f"-{tool_version}" if tool_version else "")],
            # SPDX 2.3 has no field for the generation context; CycloneDX's phase names it.
            **({"comment": f"lifecycle: {', '.join(phases)}"} if phases else {}),
        },
        "packages": packages,
        "relationships": rels,
    }


def render(inv: Inventory, reproducible: bool = False, tool_version: str | None = None) -> str:
    """SPDX 2.3 JSON text."""
    return (
        json_text(json.dumps(document(inv, reproducible, tool_version), ensure_ascii=False)) + "\n"
    )
