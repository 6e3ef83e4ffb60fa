"""Reading existing SBOM documents (CycloneDX JSON/XML, SPDX JSON/tag-value) into an Inventory."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import replace

from sbom import limits
from sbom.errors import ParseError
from sbom.ingest import cyclonedx_json, cyclonedx_xml, spdx_json, spdx_tagvalue
from sbom.ingest.common import Parsed, name_from_purl
from sbom.merge import merge
from sbom.model import Inventory, ParseIssue, ParseResult, SourceFile
from sbom.read import MAX_FILE_BYTES, decode, escapes_fixed, read_limited

__all__ = ["FORMATS", "detect", "ingest", "ingest_file", "name_from_purl"]

log = logging.getLogger(__name__)

FORMATS: dict[str, Callable[[str, str], Parsed]] = {
    cyclonedx_json.NAME: cyclonedx_json.parse,
    cyclonedx_xml.NAME: cyclonedx_xml.parse,
    spdx_json.NAME: spdx_json.parse,
    spdx_tagvalue.NAME: spdx_tagvalue.parse,
}

# Key order is free in JSON (cyclonedx-py writes bomFormat last), so the whole text is searched.
_CDX_JSON = re.compile(r'"bomFormat"\s*:\s*"CycloneDX"')
_SPDX_JSON = re.compile(r'"spdxVersion"\s*:')
_XML_ROOT = re.compile(r"\s*<(?:[\w.-]+:)?bom[\s>/][^>]*?http://cyclonedx\.org/schema/bom/\d")
# One item of the prolog: declaration or processing instruction, comment, or doctype (whose
# internal subset may hold ">" in entity values). Each is matched once, anchored, so the
# lazy parts stop at the first terminator.
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)", re.DOTALL)
_TAG_VALUE = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*SPDXVersion:")


def detect(text: str) -> str | None:
    """The SBOM format of ``text`` judged by content, or None."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        if _CDX_JSON.search(head):
            return cyclonedx_json.NAME
        return spdx_json.NAME if _SPDX_JSON.search(head) else None
    if head.startswith("<"):
        return cyclonedx_xml.NAME if _XML_ROOT.match(head, _root_element(head)) else None
    return spdx_tagvalue.NAME if _TAG_VALUE.match(head) else None


def _root_element(text: str) -> int:
    """Offset of the first element, past the XML declaration, comments and doctype."""
    pos = 0
    while m := _PROLOG.match(text, pos):
        pos = m.end()
    return pos


def _parse(data: bytes, path: str) -> tuple[str, Parsed]:
    """Decode, detect and parse; never raises."""
    fmt, limit = "unknown", limits.per_file()
    try:
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ParseError("binary content, not an SBOM document")
        text, escaped = escapes_fixed(decode(data, path), path)
        found = detect(text)
        if found is None:
            raise ParseError("not a CycloneDX (JSON/XML) or SPDX (JSON/tag-value) document")
        fmt = found
        with limits.counting(limit):
            parsed = FORMATS[fmt](text, path)
        if len(parsed.result.components) > limit:
            raise ParseError(limits.over_file(len(parsed.result.components), limit))
        if escaped is not None:
            parsed = replace(
                parsed, result=replace(parsed.result, issues=(*parsed.result.issues, escaped))
            )
        # Name the format in every message, as the core reader names the parser.
        issues = tuple(replace(i, message=f"{fmt}: {i.message}") for i in parsed.result.issues)
        return fmt, replace(parsed, result=replace(parsed.result, issues=issues))
    except ParseError as exc:
        message, line = exc.message, exc.line
    except limits.TooManyComponents:
        message, line = limits.over_file(None, limit), None
    except RecursionError:
        message, line = "document nested too deeply", None
    except MemoryError:
        message, line = "document too large to parse", None
    except Exception as exc:  # one bad SBOM must never abort a scan
        log.debug("ingest failed on %s", path, exc_info=True)
        message, line = f"could not parse ({type(exc).__name__}: {exc})", None
    issue = ParseIssue(path, line, f"{fmt}: {message}" if fmt != "unknown" else message)
    return fmt, Parsed(ParseResult(issues=(issue,)))


def ingest(data: bytes, path: str, root: str | None = None) -> Inventory:
    """An SBOM document's bytes as an Inventory; problems become ParseIssues, never exceptions.

    ``path`` is how evidence names the document (its file name, not where this machine
    keeps it); ``root`` is the inventory's root, ``path`` by default.
    """
    root = path if root is None else root
    if len(data) > MAX_FILE_BYTES:
        message = f"document is {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit; skipped"
        return Inventory(root=root, issues=(ParseIssue(path, None, message),))
    fmt, parsed = _parse(data, path)
    count = len({c.purl for c in parsed.result.components})
    source = SourceFile(path, fmt, hashlib.sha256(data).hexdigest(), len(data), count)
    return merge(root, [parsed.result], [source], metadata=parsed.metadata)


def ingest_file(path: str, max_bytes: int = MAX_FILE_BYTES) -> Inventory:
    """Read and ingest one SBOM file within the core size limit; evidence names it by file name."""
    name = os.path.basename(path) or path
    try:
        data = read_limited(path, max_bytes)
    except ParseError as exc:
        return Inventory(root=path, issues=(ParseIssue(path, None, exc.message),))
    except OSError as exc:
        return Inventory(
            root=path, issues=(ParseIssue(path, None, f"cannot read: {exc.strerror or exc}"),)
        )
    return ingest(data, name, root=path)
