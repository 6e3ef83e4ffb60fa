"""npm provenance: the SLSA build attestation of a version (source repository, commit, workflow)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import quote

from sbom.model import Component
from scanner.enrich import npm, verify
from scanner.enrich.context import Context, FactBuilder, failed, not_applicable
from scanner.enrich.model import SourceResult, SourceStatus, Strength
from scanner.enrich.repos import parse_repo
from scanner.net.client import FetchError

NAME = "npm-provenance"
ECOSYSTEMS = ("npm",)
# The build attestation; the other entry (npm's publish attestation) carries no builder data.
SLSA = ("https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2")
_PREFIX = {"github.com": "github", "gitlab.com": "gitlab"}


def url_for(ctx: Context, name: str, version: str) -> str:
    """Built from the configured base, not from ``dist.attestations.url`` (registry data)."""
    return (
        f"{ctx.base('npm')}/-/npm/v1/attestations/{quote(name, safe='@')}@{quote(version, safe='')}"
    )


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the SLSA provenance statement; a version without one is ``ok`` with no facts."""
    if component.ecosystem != "npm" or component.source_kind != "registry":
        return not_applicable(NAME)
    if not component.version:
        return SourceResult(SourceStatus(NAME, "skipped", "no exact version to look up"))
    # The packument (shared with the npm source) says whether the version has provenance and
    # gives the tarball digest that a verified statement must name.
    packument = ctx.client.get_json(npm.url_for(ctx, component.name), source="npm")
    if isinstance(packument, FetchError):
        return failed(NAME, packument)
    versions = packument.data.get("versions") if isinstance(packument.data, dict) else None
    version = versions.get(component.version) if isinstance(versions, dict) else None
    if not isinstance(version, dict):
        reason = "version not in the packument"
        return SourceResult(SourceStatus(NAME, "not-found", reason, packument.fetched.url))
    dist = _get(version, "dist")
    if not isinstance(dist.get("attestations"), dict):
        reason = "the version was published without provenance"
        return SourceResult(SourceStatus(NAME, "ok", reason, packument.fetched.url))
    doc = ctx.client.get_json(url_for(ctx, component.name, component.version), source="npm")
    if isinstance(doc, FetchError):
        return failed(NAME, doc)
    entries = doc.data.get("attestations") if isinstance(doc.data, dict) else None
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, dict) and entry.get("predicateType") in SLSA:
            bundle = entry.get("bundle")
            statement = _statement(bundle)
            if statement is None or not isinstance(bundle, dict):
                break
            facts = FactBuilder(component.purl, NAME, doc)
            _facts(facts, component, ctx, statement, bundle, i, dist.get("integrity"))
            return facts.result()
    reason = "no readable SLSA provenance in the attestations document"
    return SourceResult(SourceStatus(NAME, "error", reason, doc.fetched.url))


def _statement(bundle: object) -> dict[str, Any] | None:
    envelope = bundle.get("dsseEnvelope") if isinstance(bundle, dict) else None
    payload = envelope.get("payload") if isinstance(envelope, dict) else None
    if not isinstance(payload, str):
        return None
    try:
        statement = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        return None
    return statement if isinstance(statement, dict) else None


def _facts(
    facts: FactBuilder,
    component: Component,
    ctx: Context,
    statement: dict[str, Any],
    bundle: dict[str, Any],
    index: int,
    integrity: object,
) -> None:
    predicate = _get(statement, "predicate")
    if statement.get("predicateType", "") == SLSA[1] or "invocation" in predicate:
        # SLSA v0.2 (npm on GitLab CI, libnpmpublish provenance.js): configSource.uri is
        # "git+<CI_PROJECT_URL>", entryPoint the job name, pipeline.ref the CI config path.
        source = _get(predicate, "invocation", "configSource")
        commit_uri = str(source.get("uri") or "")
        repo, sep, ref = commit_uri.removeprefix("git+").partition("@")
        env = _get(predicate, "invocation", "environment")
        config = str(_get(env, "pipeline").get("ref") or "")
        path, commit = config, _get(source, "digest").get("sha1")
        ref = ref or str(
            _get(predicate, "invocation", "parameters").get("CI_COMMIT_REF_NAME") or ""
        )
        where = "predicate.invocation"
        fields = {
            "repo": ".configSource.uri",
            "path": ".environment.pipeline.ref",
            "commit": ".configSource.digest.sha1",
        }
        workflow = f"{repo}//{config}" + (f"@{ref}" if sep else "")
        ids = {"job": str(source.get("entryPoint") or "")}
    else:
        ext = _get(predicate, "buildDefinition", "externalParameters", "workflow")
        repo, path, ref = (str(ext.get(k) or "") for k in ("repository", "path", "ref"))
        deps = _get(predicate, "buildDefinition").get("resolvedDependencies")
        first = deps[0] if isinstance(deps, list) and deps and isinstance(deps[0], dict) else {}
        commit, commit_uri = _get(first, "digest").get("gitCommit"), str(first.get("uri") or "")
        where = "predicate.buildDefinition"
        fields = {
            "repo": ".externalParameters.workflow.repository",
            "path": ".externalParameters.workflow.path",
            "commit": ".resolvedDependencies[0].digest.gitCommit",
        }
        workflow = f"{repo}/{path}@{ref}"
        github = _get(predicate, "buildDefinition", "internalParameters", "github")
        ids = {
            "repository_id": str(github.get("repository_id") or ""),
            "owner_id": str(github.get("repository_owner_id") or ""),
        }
    verdict = verify.NOT_REQUESTED
    if verify.requested(ctx) and repo:
        verdict = verify.npm_bundle(
            bundle,
            purl=component.purl,
            sha512_hex=_sha512_hex(integrity),
            repository=repo,
            build_config=workflow,
            refresh=verify.refresh_wanted(ctx),
        )
        if verdict.transient:
            ctx.client.unkept()
    strength: Strength = "signed" if verdict.verified else "registry-asserted"
    base = f"attestations[{index}].bundle.dsseEnvelope.payload:{where}"
    ref_repo = parse_repo(repo) if repo else None
    if ref_repo is not None:
        value = f"{_PREFIX.get(ref_repo.host, ref_repo.host)}:{ref_repo.owner}/{ref_repo.name}"
        attrs = {"workflow": str(path or ""), "ref": ref, "verification": verdict.detail, **ids}
        builder = _get(predicate, "runDetails", "builder").get("id") or _get(
            predicate, "builder"
        ).get("id")
        attrs["builder"] = str(builder or "")
        clean = {k: v[:300] for k, v in attrs.items() if v}
        facts.add("trusted-publisher", value, base + fields["repo"], strength, **clean)
    facts.add("repository", repo, base + fields["repo"], strength, via="slsa-provenance")
    if repo and path:
        facts.add("build-workflow", workflow, base + fields["path"], strength)
    facts.add("source-commit", commit, base + fields["commit"], strength, uri=commit_uri[:300])


def _get(doc: object, *keys: str) -> dict[str, Any]:
    """A nested object, or {} when any level is missing or not an object."""
    for key in keys:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc if isinstance(doc, dict) else {}


def _sha512_hex(integrity: object) -> str | None:
    """``sha512-<base64>`` (dist.integrity, SRI) as the hex digest the statement uses."""
    if not isinstance(integrity, str):
        return None
    for part in integrity.split():
        if part.startswith("sha512-"):
            try:
                return base64.b64decode(part[7:], validate=True).hex()
            except (binascii.Error, ValueError):
                return None
    return None
