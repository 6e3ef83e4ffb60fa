"""PEP 740 provenance from PyPI's Integrity API: the Trusted Publisher behind each file of a version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sbom.model import Component
from sbom.purl import pypi_name
from scanner.enrich import pypi, verify
from scanner.enrich.context import Context, FactBuilder, failed
from scanner.enrich.model import Fact, SourceResult, SourceStatus, Strength
from scanner.net.client import FetchError, JsonDoc

NAME = "pypi-provenance"
ECOSYSTEMS = ("pypi",)
# Releases with binary wheels can carry 50+ files, nearly always uploaded by one workflow:
# the files the lockfile pinned and the sdist are asked first, up to this bound. A few
# files tell the publisher; asking for all of them would multiply a scan's requests
# (a uv.lock pins every wheel of every release).
MAX_FILES = 4
_ACCEPT = {"Accept": "application/vnd.pypi.integrity.v1+json"}
_SLUG = re.compile(r"[\w.-]+(?:/[\w.-]+)+")
_HOSTS = {"GitHub": "github.com", "GitLab": "gitlab.com"}
# Publisher fields per kind (apis.md §2); a Google publisher is a service-account e-mail.
_FIELDS = {
    "GitHub": ("repository", "workflow", "environment"),
    "GitLab": ("repository", "workflow_filepath", "environment"),
    "Google": ("email", "", ""),
}


@dataclass
class _Seen:
    """One publisher identity (and verification outcome), with the first file that showed it."""

    doc: JsonDoc
    index: int
    filename: str
    publisher: dict[str, Any]
    verdict: verify.Verdict
    files: int = 1


def integrity_url(ctx: Context, component: Component, filename: str) -> str:
    """Integrity API URL of one file; every segment is quoted, the filename is registry data."""
    parts = (pypi_name(component.name), component.version or "", filename)
    segments = "/".join(quote(p, safe="") for p in parts)
    return f"{ctx.base('pypi-integrity')}/integrity/{segments}/provenance"


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Trusted Publisher facts; a version without provenance is ``ok`` with no facts."""
    early = pypi.precheck(component, NAME)
    if early is not None:
        return early
    doc = pypi.version_doc(component, ctx)
    if isinstance(doc, FetchError):
        return failed(NAME, doc)
    bad = pypi.shape_error(doc, NAME)
    if bad is not None:
        return bad
    files = _files(doc.data.get("urls"), component)
    if not files:
        return SourceResult(SourceStatus(NAME, "ok", "the release has no files", doc.fetched.url))
    checked = files[:MAX_FILES]
    answers = ctx.client.map(
        lambda f: ctx.client.get_json(
            integrity_url(ctx, component, f[0]), source="pypi-integrity", headers=_ACCEPT
        ),
        checked,
    )
    seen: dict[tuple[str, ...], _Seen] = {}
    missing: list[str] = []
    errors: list[FetchError] = []
    for (filename, sha256), answer in zip(checked, answers, strict=True):
        if isinstance(answer, FetchError):
            # 404 is the Integrity API's documented answer for "this file has no provenance".
            if answer.status == 404:
                missing.append(filename)
            else:
                errors.append(answer)
            continue
        bundles = answer.data.get("attestation_bundles") if isinstance(answer.data, dict) else None
        if not isinstance(bundles, list):
            errors.append(FetchError(answer.fetched.url, "unexpected provenance document"))
            continue
        for i, bundle in enumerate(bundles):
            publisher = bundle.get("publisher") if isinstance(bundle, dict) else None
            if not isinstance(publisher, dict) or not isinstance(publisher.get("kind"), str):
                errors.append(
                    FetchError(answer.fetched.url, "attestation bundle without publisher")
                )
                continue
            verdict = verify.NOT_REQUESTED
            if verify.requested(ctx):
                verdict = verify.pypi_bundle(bundle, filename, sha256, verify.refresh_wanted(ctx))
                if verdict.transient:
                    ctx.client.unkept()
            key = (*_identity(publisher), verdict.detail)
            if key in seen:
                seen[key].files += 1
            else:
                seen[key] = _Seen(answer, i, filename, publisher, verdict)
    facts = [fact for entry in seen.values() for fact in _facts(component, entry)]
    notes = []
    if len(files) > len(checked):
        notes.append(f"checked {len(checked)} of {len(files)} files")
    if missing:
        notes.append(f"no provenance for {len(missing)} of {len(checked)} files")
    if errors:
        notes.append(f"{len(errors)} of {len(checked)} lookups failed, first: {errors[0].reason}")
    if errors and not facts:
        # Nothing positive was learnt and some answers are missing: unknown, not "none".
        status = failed(NAME, errors[0]).status
        return SourceResult(SourceStatus(NAME, status.status, "; ".join(notes), status.url))
    status = SourceStatus(NAME, "ok", "; ".join(notes), doc.fetched.url)
    return SourceResult(status, tuple(dict.fromkeys(facts)))


def _files(urls: object, component: Component) -> list[tuple[str, str | None]]:
    """(filename, sha256) of the release's files: lockfile-pinned first, then sdists."""
    pinned = {h.value.lower() for h in component.hashes if h.alg.upper() == "SHA-256"}
    out = []
    for entry in urls if isinstance(urls, list) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            continue
        digests = entry.get("digests")
        sha256 = digests.get("sha256") if isinstance(digests, dict) else None
        sha256 = sha256.lower() if isinstance(sha256, str) else None
        rank = (sha256 not in pinned, entry.get("packagetype") != "sdist")
        out.append((rank, entry["filename"][:300], sha256))
    out.sort(key=lambda item: item[0])  # stable: PyPI's order within each rank
    return [(filename, sha256) for _, filename, sha256 in out]


def _identity(publisher: dict[str, Any]) -> tuple[str, str, str, str]:
    """(kind, repository or e-mail, workflow, environment), as bounded strings."""
    kind: str = publisher["kind"]
    names = _FIELDS.get(kind, _FIELDS["GitHub"])
    ident, workflow, environment = (_text(publisher.get(name)) for name in names)
    return kind[:50], ident, workflow, environment


def _text(value: object) -> str:
    return value.strip()[:300] if isinstance(value, str) else ""


def _facts(component: Component, seen: _Seen) -> list[Fact]:
    kind, ident, workflow, environment = _identity(seen.publisher)
    facts = FactBuilder(component.purl, NAME, seen.doc)
    path = f"attestation_bundles[{seen.index}].publisher"
    strength: Strength = "signed" if seen.verdict.verified else "registry-asserted"
    attrs = {"file": seen.filename, "files": str(seen.files), "verification": seen.verdict.detail}
    attrs.update(workflow=workflow, environment=environment)
    ids = {"owner_id": "17", "repository_id": "15", "runner": "11"}
    attrs.update({name: seen.verdict.claim(oid) or "" for name, oid in ids.items()})
    attrs = {k: v for k, v in attrs.items() if v}
    field = "email" if kind == "Google" else "repository"
    value = f"{kind.lower()}:{ident}" if ident else kind.lower()
    facts.add("trusted-publisher", value, f"{path}.{field}", strength, **attrs)
    if kind in _HOSTS and _SLUG.fullmatch(ident):
        url = f"https://{_HOSTS[kind]}/{ident}"
        facts.add("repository", url, f"{path}.repository", strength, via="trusted-publisher")
    if seen.verdict.verified:
        # Only a verified certificate says which commit and workflow run produced the file.
        cert = f"attestation_bundles[{seen.index}].attestations[].verification_material.certificate"
        facts.add(
            "source-commit", seen.verdict.claim("13"), f"{cert}:1.3.6.1.4.1.57264.1.13", strength
        )
        signer = seen.verdict.claim("9") or ""
        facts.add(
            "build-workflow",
            seen.verdict.claim("18"),
            f"{cert}:1.3.6.1.4.1.57264.1.18",
            strength,
            **({"signer": signer} if signer and signer != seen.verdict.claim("18") else {}),
        )
    return facts.facts
