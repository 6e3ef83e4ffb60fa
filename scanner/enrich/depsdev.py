"""deps.dev v3: package→repository links graded by their provenance, and attestations, as a cross-check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sbom.model import Component
from sbom.purl import pypi_name
from scanner.enrich import depsdev_batch
from scanner.enrich.context import Context, FactBuilder, failed, not_applicable
from scanner.enrich.model import SourceResult, SourceStatus, Strength
from scanner.net.client import FetchError

NAME = "depsdev"
# purl type → deps.dev system (apis.md §9: GO, RUBYGEMS, NPM, CARGO, MAVEN, PYPI, NUGET).
SYSTEMS = {
    "npm": "npm",
    "pypi": "pypi",
    "maven": "maven",
    "cargo": "cargo",
    "golang": "go",
    "nuget": "nuget",
    "gem": "rubygems",
}
ECOSYSTEMS = tuple(SYSTEMS)

# relationProvenance values backed by something the registry or the proxy recorded for the
# version (an attestation, the Go proxy's Origin); UNVERIFIED_METADATA is the package's own
# declaration. deps.dev verified the former, we did not: registry-asserted, never "signed".
ASSERTED = frozenset(
    {"SLSA_ATTESTATION", "PYPI_PUBLISH_ATTESTATION", "RUBYGEMS_PUBLISH_ATTESTATION", "GO_ORIGIN"}
)
MAX_ITEMS = 100  # bound hostile lists; real versions carry a handful


def version_url(ctx: Context, system: str, name: str, version: str) -> str:
    """GetVersion; path parameters fully encoded (``%40scope%2Fname``, ``group%3Aartifact``)."""
    n, v = quote(name, safe=""), quote(version, safe="")
    return f"{ctx.base('depsdev')}/v3/systems/{system}/packages/{n}/versions/{v}"


def _lookup(component: Component) -> tuple[str, str, str] | None:
    """(system, name, version) deps.dev knows this component by, or None."""
    system = SYSTEMS.get(component.ecosystem)
    if system is None or component.source_kind != "registry" or not component.version:
        return None
    # deps.dev keys PyPI projects by their normalized name [unverified in apis.md §9].
    name = pypi_name(component.name) if system == "pypi" else component.name
    return system, name, component.version


def prefetch(components: Sequence[Component], ctx: Context) -> None:
    """Ask deps.dev for every version at once (GetVersionBatch) before the single lookups."""
    keys = [k for k in map(_lookup, components) if k]
    wanted = [(version_url(ctx, *k), *k) for k in dict.fromkeys(keys)]
    depsdev_batch.prefetch(ctx, wanted, NAME)


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Repository links, attestations and SLSA provenance deps.dev holds for this version."""
    if SYSTEMS.get(component.ecosystem) is None or component.source_kind != "registry":
        return not_applicable(NAME)
    version_key = _lookup(component)
    if version_key is None:
        return SourceResult(SourceStatus(NAME, "skipped", "no exact version to look up"))
    doc = ctx.client.get_json(version_url(ctx, *version_key), source=NAME)
    if isinstance(doc, FetchError):
        return failed(NAME, doc)
    if not isinstance(doc.data, dict):
        return SourceResult(SourceStatus(NAME, "error", "not a Version object", doc.fetched.url))
    data = doc.data
    facts = FactBuilder(component.purl, NAME, doc)
    for i, rel in _items(data, "relatedProjects"):
        project = rel.get("projectKey")
        pid = project.get("id") if isinstance(project, dict) else None
        if rel.get("relationType") != "SOURCE_REPO" or not isinstance(pid, str):
            continue
        provenance = str(rel.get("relationProvenance") or "UNSPECIFIED")
        strength: Strength = "registry-asserted" if provenance in ASSERTED else "self-declared"
        # Project ids are "github.com/o/r": a URL is what repository facts hold elsewhere.
        url = pid if "://" in pid else f"https://{pid}"
        field = f"relatedProjects[{i}].projectKey.id"
        facts.add("repository", url, field, strength, provenance=provenance, project=pid)
    for key in ("attestations", "slsaProvenances"):
        for i, att in _items(data, key):
            _attestation(facts, att, f"{key}[{i}].")
    for i, link in _items(data, "links"):
        label, field = link.get("label"), f"links[{i}].url"
        # deps.dev says links are "not verified for correctness": the package's own words.
        if label == "SOURCE_REPO":
            facts.add(
                "repository",
                link.get("url"),
                field,
                "self-declared",
                label=label,
                provenance="link",
            )
        elif label == "HOMEPAGE":
            facts.add("homepage", link.get("url"), field, "self-declared", label=label)
    return facts.result()


def _attestation(facts: FactBuilder, att: dict[str, Any], at: str) -> None:
    """One attestation or SLSA provenance: publisher or build, its repository and commit."""
    kind_of = str(att.get("type") or "https://slsa.dev/provenance")
    # PEP 740 publish attestations name a Trusted Publisher; SLSA ones a build.
    kind = "trusted-publisher" if "/attestations/publish/" in kind_of else "build-workflow"
    verified = att.get("verified") is True
    # A bundle deps.dev could not verify is only the uploader's claim.
    strength: Strength = "registry-asserted" if verified else "self-declared"
    attrs = {"verified": "true" if verified else "false", "type": kind_of}
    if isinstance(att.get("url"), str):
        attrs["url"] = att["url"]
    repo = att.get("sourceRepository")
    # The publisher or build is identified by the repository it ran in; else by its document.
    if isinstance(repo, str) and repo.strip():
        facts.add(kind, repo, at + "sourceRepository", strength, **attrs)
        facts.add(
            "repository",
            repo,
            at + "sourceRepository",
            strength,
            via=kind,
            provenance="attestation",
            **attrs,
        )
    else:
        facts.add(kind, att.get("url"), at + "url", strength, **attrs)
    facts.add("source-commit", att.get("commit"), at + "commit", strength, **attrs)


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value[:MAX_ITEMS]) if isinstance(v, dict)]
