"""What every enricher gets: the shared HTTP client, base URLs, tokens, the clock, offline mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from feeds.hosts import split_url
from sbom.model import Component
from scanner.enrich.model import Fact, SourceResult, SourceStatus, Status, Strength
from scanner.net.client import FetchError, HttpClient, JsonDoc
from scanner.net.endpoints import base_url, endpoint
from scanner.net.redact import redact_url


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = split_url(url.strip())
    if parts is None:
        return "", "", None
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def utc_iso(moment: datetime) -> str:
    """A timestamp as ISO-8601 UTC with seconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Context:
    """Shared state of one enrichment run. Enrichers read it and never mutate it."""

    client: HttpClient
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """The policy file's ``endpoints`` table (source → base URL)."""
    tree_endpoints: bool = False
    """``endpoints`` came from the scanned tree's policy (the operator opted in): they are
    used for lookups, but never receive credentials."""
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    offline: bool = False
    root: str | None = None
    """The scanned tree, for sources that read local files (git history, installed metadata)."""
    verify: bool = False
    """Verify Sigstore attestations where sources find them (needs the ``verify`` extra)."""
    verify_offline: bool = False
    """Use sigstore's shipped or cached trust root; never refresh it over TUF."""

    _bases: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def base(self, source: str) -> str:
        """Base URL of a network source: config, then environment, then the default table."""
        url = self._bases.get(source)
        if url is None:  # settled once per scan: every lookup asks
            url = self._bases[source] = base_url(source, self.endpoints, self.environ)
        return url

    def token(self, name: str) -> str | None:
        """A credential from the environment (never logged, never cached)."""
        value = self.environ.get(name, "").strip()
        return value or None

    def credential(self, source: str, name: str, url: str) -> str | None:
        """The token `name` for a request to `url`, or None when `url` may not receive it.

        A token goes only to its service's built-in host or to a base URL the operator set
        (environment, or a policy file from outside the scanned tree): never to a host that
        the scanned tree named, whatever the operator trusts it for.
        """
        token = self.token(name)
        if token is None:
            return None
        entry = endpoint(source)
        allowed = [entry.default, self.environ.get(entry.env, "")]
        if not self.tree_endpoints:
            allowed.append(self.endpoints.get(source, ""))
        return token if _origin(url) in {_origin(u) for u in allowed if u} else None


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


def status_of(error: FetchError) -> Status:
    """The status a FetchError leaves: offline, rate-limited, deadline, not-found or error."""
    if error.kind:
        return error.kind
    if error.status == 429:
        return "rate-limited"
    return "not-found" if error.missing else "error"


def failed(source: str, error: FetchError) -> SourceResult:
    """A FetchError as an *unknown* result with its status and reason."""
    return SourceResult(SourceStatus(source, status_of(error), error.reason, error.url))


@lru_cache(maxsize=64)
def not_applicable(source: str) -> SourceResult:
    """The source has nothing to say about this kind of component (one shared, immutable
    result per source: most components of a scan get it)."""
    return SourceResult(SourceStatus(source, "not-applicable"))


def open_context(
    *,
    endpoints: Mapping[str, str] | None = None,
    tree_endpoints: bool = False,
    offline: bool = False,
    root: str | None = None,
    cache_path: str | None = None,
    use_cache: bool = True,
    verify: bool = False,
    max_time: float | None = None,
    negative_ttl: float | None = None,
) -> Context:
    """A Context with a fresh client and the persistent cache; close it with ``ctx.client.close()``.

    ``max_time`` bounds the scan's lookups (what is not asked by then is unknown, "deadline");
    ``negative_ttl`` is how long a "not found" answer is believed.
    """
    from scanner.net.cache import MEMORY, Cache
    from scanner.net.client import HttpSettings

    # Without the persistent cache a memory one still makes each document one request per
    # scan (npm and npm-provenance read the same packument).
    cache = Cache(cache_path) if use_cache else Cache(MEMORY)
    settings = HttpSettings(offline=offline, max_time=max_time)
    if negative_ttl is not None:
        settings = replace(settings, negative_ttl=negative_ttl)
    return Context(
        client=HttpClient(settings, cache),
        endpoints=dict(endpoints or {}),
        tree_endpoints=tree_endpoints,
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
        split = split_url(registry.removeprefix("sparse+"))
        host = ((split.hostname if split else None) or "").lower()
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
    # "not-found" would read as "no such package": a half answer is an error (or whatever
    # kept the rest from being asked: offline, a rate limit, the deadline).
    status: Status = "error"
    if first.status in ("offline", "rate-limited", "deadline"):
        status = first.status
    reason = "partial: " + "; ".join(f"{what}: {p.reason}" for what, p in problems)
    return SourceResult(SourceStatus(source, status, reason, first.url), facts)
