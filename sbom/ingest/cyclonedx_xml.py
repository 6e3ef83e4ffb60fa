"""CycloneDX XML (spec 1.2–1.7), read through the defused parser and mapped like JSON."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from sbom.errors import ParseError
from sbom.ingest import cyclonedx_json
from sbom.ingest.common import Parsed, match_lines
from sbom.loaders import parse_xml

NAME = "cyclonedx-xml"
NAMESPACE = re.compile(r"\{http://cyclonedx\.org/schema/bom/(\d+\.\d+)\}bom")
_TEXT_FIELDS = ("name", "version", "group", "purl", "scope")
# Attribute and element values as written; the XML escapes are undone to match the parsed values.
_LOCATORS = re.compile(
    r"""\bbom-ref\s*=\s*(["'])(.*?)\1|<(?:[\w.-]+:)?purl\s*>\s*([^<]*?)\s*</""", re.DOTALL
)

Q = Callable[[str], str]


def _text(el: Element, q: Q, tag: str) -> str | None:
    found = el.find(q(tag))
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _hashes(el: Element, q: Q) -> list[dict[str, Any]]:
    return [
        {"alg": h.get("alg"), "content": (h.text or "").strip()}
        for h in el.findall(f"{q('hashes')}/{q('hash')}")
    ]


def _component(el: Element, q: Q) -> dict[str, Any]:
    node: dict[str, Any] = {"type": el.get("type"), "bom-ref": el.get("bom-ref")}
    for tag in _TEXT_FIELDS:
        node[tag] = _text(el, q, tag)
    node["hashes"] = _hashes(el, q)
    node["externalReferences"] = [
        {"type": r.get("type"), "url": _text(r, q, "url"), "hashes": _hashes(r, q)}
        for r in el.findall(f"{q('externalReferences')}/{q('reference')}")
    ]
    node["properties"] = [
        {"name": p.get("name"), "value": (p.text or "").strip()}
        for p in el.findall(f"{q('properties')}/{q('property')}")
    ]
    return node


def _components(container: Element | None, q: Q) -> list[dict[str, Any]]:
    """Component elements as JSON-shaped dicts, nesting kept, built without recursion."""
    out: list[dict[str, Any]] = []
    stack = [(container, out)] if container is not None else []
    while stack:
        parent, sink = stack.pop()
        for el in parent.findall(q("component")):
            node = _component(el, q)
            sink.append(node)
            nested = el.find(q("components"))
            if nested is not None:
                node["components"] = []
                stack.append((nested, node["components"]))
    return out


def _tools(meta: Element, q: Q) -> list[dict[str, Any]]:
    # Before 1.5: tools/tool; from 1.5: tools/components/component and tools/services/service.
    paths = (
        ("tools", "tool"),
        ("tools", "components", "component"),
        ("tools", "services", "service"),
    )
    found = [t for p in paths for t in meta.findall("/".join(map(q, p)))]
    return [{"name": _text(t, q, "name"), "version": _text(t, q, "version")} for t in found]


def _dependencies(bom: Element, q: Q) -> list[dict[str, Any]]:
    deps = bom.find(q("dependencies"))
    if deps is None:
        return []
    # The schema lets dependency elements nest; each level says "parent depends on child".
    return [
        {"ref": d.get("ref"), "dependsOn": [c.get("ref") for c in d.findall(q("dependency"))]}
        for d in deps.iter(q("dependency"))
    ]


def to_document(bom: Element) -> dict[str, Any]:
    """The parts of a CycloneDX XML bom that ingestion reads, in the JSON document's shape."""
    m = NAMESPACE.fullmatch(bom.tag)
    if m is None:
        raise ParseError(f"not a CycloneDX XML bom: root element is {bom.tag!r}")
    ns = bom.tag[1 : bom.tag.index("}")]

    def q(tag: str) -> str:
        return f"{{{ns}}}{tag}"

    doc: dict[str, Any] = {"specVersion": m.group(1), "metadata": {}}
    meta = bom.find(q("metadata"))
    if meta is not None:
        doc["metadata"]["tools"] = _tools(meta, q)
        root = meta.find(q("component"))
        if root is not None:
            doc["metadata"]["component"] = _component(root, q)
            doc["metadata"]["component"]["components"] = _components(root.find(q("components")), q)
    doc["components"] = _components(bom.find(q("components")), q)
    doc["dependencies"] = _dependencies(bom, q)
    return doc


def parse(text: str, path: str) -> Parsed:
    """Parse CycloneDX XML text; DTD entities and external references are refused."""
    doc = to_document(parse_xml(text))
    issues = cyclonedx_json.check_spec(doc["specVersion"], path)
    lines: dict[tuple[str, str], int] = {}
    for m, line in match_lines(_LOCATORS, text):
        key = ("bom-ref", m.group(2)) if m.group(2) is not None else ("purl", m.group(3))
        lines.setdefault((key[0], html.unescape(key[1])), line)
    return cyclonedx_json.from_document(doc, path, NAME, lines, issues)
