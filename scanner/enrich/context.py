"""What every enricher gets: the shared HTTP client, base URLs, tokens, the clock, offline mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sbom.model import Component
from scanner.enrich.model import Fact, SourceResult, SourceStatus, Strength
from scanner.net.client import FetchError, HttpClient, JsonDoc
from scanner.net.endpoints import base_url, endpoint
from scanner.net.redact import redact_url


def utc_iso(moment: datetime) -> str:
    """A timestamp as ISO-8601 UTC with seconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Context:
    """Shared state of one enrichment run. Enrichers read it and never mutate it."""

    client: HttpClient
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """The policy file's ``endpoints`` table (source → base URL)."""
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    offline: bool = False
    root: str | None = None
    """The scanned tree, for sources that read local files (git history, installed metadata)."""
    verify: bool = False
    """Verify Sigstore attestations where sources find them (needs the ``verify`` extra)."""
    verify_offline: bool = False
    """Use sigstore's shipped or cached trust root; never refresh it over TUF."""

    def base(self, source: str) -> str:
        """Base URL of a network source: config, then environment, then the default table."""
        return base_url(source, self.endpoints, self.environ)

    def token(self, name: str) -> str | None:
        """A credential from the environment (never logged, never cached)."""
        value = self.environ.get(name, "").strip()
        return value or None


class FactBuilder:
    """Collects facts read from one document, stamped with its URL and fetch time."""

    def __init__(self, purl: str, source: str, doc: JsonDoc | None = None, url: str | None = None):
        self.purl = purl
        self.source = source
        self.url = doc.fetched.url if doc is not None else url
        self.retrieved = utc_iso(doc.fetched.fetched_at) if doc is not None else ""
        self.facts: list[Fact] = []

    def add(
        self,
        kind: str,
        value: object,
        field_path: str,
        strength: Strength,
        subject: str | None = None,
        **attrs: str,
    ) -> None:
        """Record a fact when ``value`` is a non-empty string (anything else is ignored)."""
        if not isinstance(value, str):
            return
        text = value.strip()
        if not text:
            return
        # Registry text is hostile input: bound it so that no report is flooded.
        self.facts.append(
            Fact(
                purl=self.purl,
                kind=kind,
                value=text[:500],
                field=field_path,
                source=self.source,
                url=self.url,
                retrieved=self.retrieved,
                strength=strength,
                subject=subject,
                attrs=tuple(sorted(attrs.items())),
            )
        )

    def result(self) -> SourceResult:
        """An ok result carrying the collected facts (deduplicated, order kept)."""
        unique = tuple(dict.fromkeys(self.facts))
        return SourceResult(SourceStatus(self.source, "ok", url=self.url), unique)


def failed(source: str, error: FetchError) -> SourceResult:
    """A FetchError as an *unknown* result: offline, not found, or an error with its reason."""
    if error.reason.startswith("offline"):
        status = "offline"
    elif error.status == 404:
        status = "not-found"
    else:
        status = "error"
    return SourceResult(SourceStatus(source, status, error.reason, error.url))  # type: ignore[arg-type]


def not_applicable(source: str) -> SourceResult:
    """The source has nothing to say about this kind of component."""
    return SourceResult(SourceStatus(source, "not-applicable"))


def open_context(
    *,
    endpoints: Mapping[str, str] | None = None,
    offline: bool = False,
    root: str | None = None,
    cache_path: str | None = None,
    use_cache: bool = True,
    verify: bool = False,
) -> Context:
    """A Context with a fresh client and the persistent cache; close it with ``ctx.client.close()``."""
    from scanner.net.cache import MEMORY, Cache
    from scanner.net.client import HttpSettings

    # Without the persistent cache a memory one still makes each document one request per
    # scan (npm and npm-provenance read the same packument).
    cache = Cache(cache_path) if use_cache else Cache(MEMORY)
    client = HttpClient(HttpSettings(offline=offline), cache)
    return Context(
        client=client,
        endpoints=dict(endpoints or {}),
        offline=offline,
        root=root,
        verify=verify,
        verify_offline=offline,
    )


def foreign_registry(
    component: Component, ctx: Context, source: str, also: tuple[str, ...] = ()
) -> str | None:
    """The registry a component came from when it is neither the public nor the configured one.

    A package of the same name on the public registry may belong to someone else, so a
    source skips such components instead of describing a stranger's package. ``also``
    names more hosts (or URL fragments) that count as the public registry.
    """
    if not component.registries:
        return None
    default = urlsplit(endpoint(source).default).hostname or ""
    known = {default, urlsplit(ctx.base(source)).hostname or "", *also}
    for registry in component.registries:
        host = (urlsplit(registry.removeprefix("sparse+")).hostname or "").lower()
        if host in known or any(mark in registry for mark in also):
            return None
    return redact_url(component.registries[0])


def combine(source: str, parts: list[tuple[str, FactBuilder | SourceStatus]]) -> SourceResult:
    """Facts from several lookups; a failed later lookup leaves the answer partial, not ok."""
    builders = [p for _, p in parts if isinstance(p, FactBuilder)]
    problems = [(what, p) for what, p in parts if isinstance(p, SourceStatus)]
    facts = tuple(dict.fromkeys(f for b in builders for f in b.facts))
    if not problems:
        return SourceResult(
            SourceStatus(source, "ok", url=builders[0].url if builders else None), facts
        )
    first = problems[0][1]
    if not builders:
        return SourceResult(first)
    # "not-found" would read as "no such package": a half answer is an error (or offline).
    status = "offline" if first.status == "offline" else "error"
    reason = "partial: " + "; ".join(f"{what}: {p.reason}" for what, p in problems)
    return SourceResult(SourceStatus(source, status, reason, first.url), facts)  # type: ignore[arg-type]
