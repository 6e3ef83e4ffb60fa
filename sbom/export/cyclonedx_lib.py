"""CycloneDX through cyclonedx-python-lib: the reference writer, used for XML output.

``indexed_bom`` removes the library's quadratic dependency registration (see
docs/upstream-register-dependency.md): ``Bom.register_dependency`` looks up an existing
entry with a linear scan and ``validate()`` calls it once per component.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from types import MethodType
from typing import Any
from xml.dom.minidom import Document

from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentScope, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.dependency import Dependable, Dependency
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from defusedxml.minidom import parseString
from packageurl import PackageURL
from sortedcontainers import SortedSet

from sbom import licenses
from sbom.export.completeness import compositions, lifecycles
from sbom.export.fields import (
    CDX_SCOPE,
    NS,
    ROOT_REF,
    TOOL_NAME,
    dependency_map,
    digests,
    fields,
    root_name,
)
from sbom.model import Component, Inventory
from sbom.safe_text import json_text, scrub, show_surrogates, uri, xml_text


def _register_indexed(
    self: Bom, target: Dependable, depends_on: Iterable[Dependable] | None = None
) -> None:
    """``Bom.register_dependency`` with a dict lookup instead of a linear scan."""
    index: dict[BomRef, Dependency] | None = self.__dict__.get("_icts_index")
    if index is None or len(index) != len(self._dependencies):
        # Rebuilt when the set changed behind our back (the setter, a direct add).
        index = {d.ref: d for d in self._dependencies}
        self.__dict__["_icts_index"] = index
    found = index.get(target.bom_ref)
    if found is not None:
        if depends_on:
            found.dependencies.update(Dependency(ref=d.bom_ref) for d in depends_on)
    else:
        dep = Dependency(
            ref=target.bom_ref,
            dependencies=[Dependency(ref=d.bom_ref) for d in depends_on] if depends_on else [],
        )
        self._dependencies.add(dep)
        index[dep.ref] = dep
    for d2 in depends_on or ():
        _register_indexed(self, d2, None)


def indexed_bom() -> Bom:
    """A Bom whose dependency registration is O(1) per call.

    Bound on the instance rather than by subclassing: the serializer names the XML
    root element after the class, so a subclass would change the document.
    """
    bom = Bom()
    bom.register_dependency = MethodType(_register_indexed, bom)  # type: ignore[method-assign]
    return bom


def _component(c: Component) -> CdxComponent:
    f = fields(c)
    refs = [
        ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=xs_uri(u))
        for u in f.distribution
    ]
    if f.vcs:
        refs.append(ExternalReference(type=ExternalReferenceType.VCS, url=xs_uri(f.vcs)))
    evidence = None
    if c.locations:
        evidence = ComponentEvidence()
        # Occurrences without a bom-ref compare neither equal nor less (BomRef(None)),
        # and hash by id(), so the library's SortedSet orders them at random. A keyed
        # set keeps the output reproducible (reported upstream with the fix below).
        evidence._occurrences = SortedSet(
            (Occurrence(location=loc.path, line=loc.line) for loc in c.locations),
            key=lambda o: (o.location, o.line or 0),
        )
    return CdxComponent(
        type=ComponentType.LIBRARY,
        bom_ref=c.purl,
        group=f.group,
        name=f.name,
        version=c.version,
        scope=ComponentScope(CDX_SCOPE[c.scope]) if c.scope else None,
        hashes=[HashType(alg=HashAlgorithm(h.alg), content=h.value) for h in digests(c)],
        licenses=_licenses(c.licenses),
        purl=_purl(c.purl),
        external_references=refs,
        properties=[Property(name=n, value=v) for n, v in f.properties],
        evidence=evidence,
    )


def xs_uri(url: str) -> XsUri:
    """The library's URI type for any text: what is not URI syntax percent-encoded first."""
    return XsUri(uri(url))


def _purl(text: str) -> PackageURL | None:
    # A purl read from an ingested SBOM may be malformed; the bom-ref still carries it.
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None


def _licenses(declared: tuple[str, ...]) -> list[License]:
    out: list[License] = []
    for choice in licenses.cyclonedx(declared):
        if "expression" in choice:
            out.append(LicenseExpression(choice["expression"]))
        else:
            lic = choice["license"]
            out.append(DisjunctiveLicense(id=lic.get("id"), name=lic.get("name")))
    return out


def build_bom(inv: Inventory, reproducible: bool = False, tool_version: str | None = None) -> Any:
    """A Bom (indexed registration) with components, metadata and the dependency graph."""
    # The library encodes as it serializes: a lone surrogate in its model would raise there,
    # so each is written as its escape (as to_xml shows the characters XML cannot carry).
    inv = scrub(inv, show_surrogates)
    bom = indexed_bom()
    if reproducible:
        # The library omits unset values from output; its annotations just do not say so.
        bom.serial_number = None  # type: ignore[assignment]
        bom.metadata.timestamp = None  # type: ignore[assignment]
    bom.metadata.tools.components.add(
        CdxComponent(type=ComponentType.APPLICATION, name=TOOL_NAME, version=tool_version)
    )
    root = CdxComponent(type=ComponentType.APPLICATION, name=root_name(inv), bom_ref=ROOT_REF)
    bom.metadata.component = root
    bom.metadata.properties.update(
        Property(name=NS + "input", value=f"{f.path} sha256:{f.sha256}") for f in inv.files
    )
    comps = {c.purl: _component(c) for c in inv.components}
    bom.components.update(comps.values())
    comps[ROOT_REF] = root
    for ref, deps in dependency_map(inv).items():
        bom.register_dependency(comps[ref], [comps[d] for d in deps])
    return bom


def to_xml(bom: Any, inv: Inventory | None = None) -> str:
    """A Bom as indented CycloneDX 1.6 XML, with XML-illegal characters (and C1 controls) shown as ``\\uXXXX``.

    The library's own indenting re-parses its output and fails on such characters, so
    the text is made well-formed first and indented afterwards, the same way (minidom).
    With ``inv``, the compositions the library cannot write are added (after dependencies,
    the schema's order).
    """
    raw = _output(bom, OutputFormat.XML)
    dom = parseString(xml_text(raw))
    if inv is not None:
        _add_compositions(dom, inv)
    return str(dom.toprettyxml(indent="  ")) + "\n"


def _output(bom: Any, fmt: OutputFormat) -> str:
    """The library's serialization, without its warning that the root lists no dependencies.

    Lockfiles that do not say which packages are direct (a pinned requirements file) leave
    the root without dependencies; the compositions say the graph is incomplete, so the
    library's warning (a developer's hint, with its own file path) is not shown to users.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r".*has no defined dependencies", category=UserWarning
        )
        text: str = make_outputter(bom, fmt, SchemaVersion.V1_6).output_as_string()
    return text


def _add_compositions(dom: Document, inv: Inventory) -> None:
    root = dom.documentElement
    if root is None:
        return
    ns = root.namespaceURI
    block = dom.createElementNS(ns, "compositions")
    for aggregate, refs in compositions(inv, ROOT_REF):
        comp = dom.createElementNS(ns, "composition")
        agg = dom.createElementNS(ns, "aggregate")
        agg.appendChild(dom.createTextNode(aggregate))
        deps = dom.createElementNS(ns, "dependencies")
        for ref in refs:
            dep = dom.createElementNS(ns, "dependency")
            dep.setAttribute("ref", xml_text(ref))
            deps.appendChild(dep)
        comp.appendChild(agg)
        comp.appendChild(deps)
        block.appendChild(comp)
    # The schema's order: metadata, components, services, externalReferences,
    # dependencies, compositions, then the rest; so right after the last of those present.
    before = ("metadata", "components", "services", "externalReferences", "dependencies")
    nodes = list(root.childNodes)
    last = max((i for i, n in enumerate(nodes) if n.nodeName in before), default=len(nodes) - 1)
    following = nodes[last + 1] if last + 1 < len(nodes) else None
    root.insertBefore(block, following)


def render(
    inv: Inventory, fmt: str = "xml", reproducible: bool = False, tool_version: str | None = None
) -> str:
    """CycloneDX 1.6 XML or JSON through the library."""
    inv = scrub(inv, show_surrogates)
    bom = build_bom(inv, reproducible, tool_version)
    # The generation context; the scan's CycloneDX reports set the same from the inventory.
    bom.metadata.lifecycles = [
        PredefinedLifecycle(LifecyclePhase(phase)) for phase in lifecycles(inv)
    ]
    if fmt == "xml":
        return to_xml(bom, inv)
    doc = json.loads(_output(bom, OutputFormat.JSON))
    doc["compositions"] = [
        {"aggregate": aggregate, "dependencies": refs}
        for aggregate, refs in compositions(inv, ROOT_REF)
    ]
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
