"""SPDX 2.2/2.3 tag-value, turned into the JSON document shape and mapped like SPDX JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sbom.errors import ParseError
from sbom.ingest import spdx_json
from sbom.ingest.common import Parsed
from sbom.model import ParseIssue

NAME = "spdx-tag-value"
_TAG = re.compile(r"([A-Za-z][A-Za-z0-9]*):\s?(.*)")
# Tags that open a section whose SPDXID and fields belong to no package.
_OTHER_SECTIONS = frozenset({"FileName", "SnippetSPDXID", "LicenseID"})
_PACKAGE_FIELDS = {
    "PackageVersion": "versionInfo",
    "PackageDownloadLocation": "downloadLocation",
    "PrimaryPackagePurpose": "primaryPackagePurpose",
    "PackageSourceInfo": "sourceInfo",
}


def _tag_lines(text: str) -> Iterator[tuple[int, str | None, str]]:
    """``(line, tag, value)``; a ``<text>`` value may span lines; tag None for a stray line."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        lineno, raw = i + 1, lines[i].strip()
        i += 1
        if not raw or raw.startswith("#"):
            continue
        m = _TAG.fullmatch(raw)
        if m is None:
            yield lineno, None, raw
            continue
        value = m.group(2).strip()
        if value.startswith("<text>"):
            # Free text runs to the closing tag, however many lines that takes.
            parts = [value]
            while "</text>" not in parts[-1] and i < len(lines):
                parts.append(lines[i])
                i += 1
            value = "\n".join(parts).removeprefix("<text>").split("</text>", 1)[0]
        yield lineno, m.group(1), value


def to_document(
    text: str,
) -> tuple[dict[str, Any], dict[tuple[str, str], int], list[tuple[int, str]]]:
    """The document in SPDX JSON shape, lines by ``("SPDXID", id)``, and stray lines."""
    doc: dict[str, Any] = {"packages": [], "relationships": [], "creationInfo": {"creators": []}}
    lines: dict[tuple[str, str], int] = {}
    stray: list[tuple[int, str]] = []
    section, pkg_line = "document", 0
    pkg: dict[str, Any] | None = None
    for lineno, tag, value in _tag_lines(text):
        if tag is None:
            stray.append((lineno, value))
        elif tag == "PackageName":
            pkg, pkg_line, section = {"name": value}, lineno, "package"
            doc["packages"].append(pkg)
        elif tag in _OTHER_SECTIONS:
            section = "other"
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) == 3:
                a, kind, b = parts
                rel = {"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b}
                doc["relationships"].append(rel)
        elif section == "document":
            if tag == "SPDXVersion":
                doc.setdefault("spdxVersion", value)
                lines.setdefault(("SPDXVersion", ""), lineno)
            elif tag == "SPDXID":
                doc.setdefault("SPDXID", value)
            elif tag == "Creator":
                doc["creationInfo"]["creators"].append(value)
        elif section == "package" and pkg is not None:
            if tag == "SPDXID":
                pkg["SPDXID"] = value
                lines[("SPDXID", value)] = pkg_line
            elif tag in _PACKAGE_FIELDS:
                pkg[_PACKAGE_FIELDS[tag]] = value
            elif tag == "PackageChecksum":
                alg, _, digest = value.partition(":")
                pkg.setdefault("checksums", []).append(
                    {"algorithm": alg.strip(), "checksumValue": digest.strip()}
                )
            elif tag == "ExternalRef":
                parts = value.split(None, 2)
                if len(parts) == 3:
                    category, kind, locator = parts
                    ref = {
                        "referenceCategory": category,
                        "referenceType": kind,
                        "referenceLocator": locator,
                    }
                    pkg.setdefault("externalRefs", []).append(ref)
    return doc, lines, stray


def parse(text: str, path: str) -> Parsed:
    """Parse SPDX tag-value text."""
    doc, lines, stray = to_document(text)
    if "spdxVersion" not in doc:
        raise ParseError("not an SPDX tag-value document: no SPDXVersion tag")
    issues = spdx_json.check_version(doc["spdxVersion"], path, lines.get(("SPDXVersion", "")))
    if stray:
        line, content = stray[0]
        msg = f"{len(stray)} lines are not 'Tag: value' (first: {content[:60]!r})"
        issues.append(ParseIssue(path, line, msg, "warning"))
    return spdx_json.from_document(doc, path, NAME, lines, issues)
