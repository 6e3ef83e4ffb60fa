"""What an HTTP fetch returns (answer or reasoned error), the client's settings, JSON decoding."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scanner import __version__
from scanner.net.endpoints import DAY, PROJECT_URL

USER_AGENT = f"icts-scan/{__version__} (+{PROJECT_URL})"
# Statuses retried with backoff: an answer with one of them is an outage, not a verdict.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Answers that say "no such thing": facts, cached with their own (shorter) TTL.
MISSING_STATUSES = frozenset({404, 410})

# Why there is no answer, where the reason alone would have to be parsed: the scan was
# offline, the host asked for a pause longer than the scan may wait, or time ran out.
ErrorKind = Literal["", "offline", "rate-limited", "deadline"]


@dataclass(frozen=True)
class Fetched:
    """A successful (2xx) answer, from the network or from the cache."""

    url: str  # redacted request URL, safe to cite in evidence
    status: int
    headers: Mapping[str, str]  # lowercased names; only content-type, etag, link and the like
    body: bytes
    from_cache: bool
    fetched_at: datetime  # when the content was fetched or last revalidated (UTC)
    stale: bool = False  # an expired entry, served because offline or the network failed


@dataclass(frozen=True)
class FetchError:
    """Why there is no answer; callers record it as *unknown* evidence with this reason."""

    url: str  # redacted
    reason: str  # redacted, human-readable
    status: int | None = None  # the HTTP status when the server answered
    kind: ErrorKind = ""
    fetched_at: float | None = field(default=None, compare=False)
    """For a "not found" answer: when the server gave it (epoch s), from the network or cache."""

    @property
    def missing(self) -> bool:
        """The server said there is no such resource (404, 410)."""
        return self.status in MISSING_STATUSES


@dataclass(frozen=True)
class JsonDoc:
    """A Fetched whose body parsed as JSON."""

    fetched: Fetched
    data: Any


@dataclass(frozen=True)
class HttpSettings:
    """Client knobs; tests shrink the timeouts and backoff."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3  # further attempts after the first, on connection errors, 5xx and 429
    backoff_base: float = 0.5
    backoff_max: float = 10.0
    retry_after_cap: float = 60.0  # a host asking for a longer pause gets an error instead
    request_deadline: float = 120.0  # wall-clock seconds for one request: retries, redirects, body
    host_deadline: float = 900.0  # wall-clock seconds a host may keep requests open in one scan
    max_time: float | None = None  # seconds for all lookups of the scan (--max-time); then unknown
    negative_ttl: float = DAY  # seconds a "not found" answer is believed (negative cache)
    max_bytes: int = 20 * 1024 * 1024
    workers: int = 16
    per_host_limit: int = 8
    host_limits: Mapping[str, int] = field(default_factory=dict)  # hostname → in-flight cap
    max_redirects: int = 5
    redirect_hosts: frozenset[str] = frozenset()  # other hosts any redirect may go to
    offline: bool = False
    stale_if_error: bool = True
    ttls: Mapping[str, float] = field(default_factory=dict)  # per-source overrides, seconds
    user_agent: str = USER_AGENT
    trust_env: bool = True  # proxies and CA bundles from the environment


def _no_constants(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def decode_json(fetched: Fetched) -> JsonDoc | FetchError:
    """Parse a body as strict UTF-8 JSON; anything else is a FetchError with the reason."""
    if not fetched.body.strip():
        return FetchError(fetched.url, "empty body where JSON was expected")
    try:
        text = fetched.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return FetchError(fetched.url, f"invalid UTF-8 in JSON body at byte {exc.start}")

    try:
        return JsonDoc(fetched, _DECODER.decode(text))
    except (ValueError, RecursionError) as exc:
        return FetchError(fetched.url, f"malformed JSON: {str(exc)[:200]}")
