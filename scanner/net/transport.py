"""One logical request on the wire: pooled session, retries, Retry-After, redirects, size cap."""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Collection
from datetime import datetime, timezone
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from scanner.net import redact as _redact
from scanner.net.endpoints import min_interval_for
from scanner.net.results import RETRY_STATUSES, Fetched, FetchError, HttpSettings
from scanner.net.throttle import HostGates, backoff_delay, parse_retry_after

log = logging.getLogger("scanner.net.client")

# Response headers worth keeping; everything else (cookies above all) is dropped.
KEPT_HEADERS = ("content-type", "etag", "last-modified", "link", "date")
_DRAIN_LIMIT = 64 * 1024


class _Retry:
    """A failure worth another attempt."""

    def __init__(self, reason: str, status: int | None = None, wait: float | None = None):
        self.reason, self.status, self.retry_after = reason, status, wait


def make_session(settings: HttpSettings) -> requests.Session:
    """A requests Session with a connection pool sized for the client's concurrency."""
    session = requests.Session()
    session.trust_env = settings.trust_env
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # APIs need no cookies
    pool = max(settings.workers, settings.per_host_limit, *settings.host_limits.values(), 1)
    adapter = HTTPAdapter(pool_connections=32, pool_maxsize=pool, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    return session


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, lowercased host, port) of `url`."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


class Transport:
    """Sends requests; every network problem comes back as a FetchError, never raised."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        rng: random.Random,
        count: Callable[[str], None],
    ) -> None:
        self.settings = settings
        self.session = make_session(settings)
        self._clock, self._sleep, self._rng, self._count = clock, sleep, rng, count
        limits, default = settings.host_limits, settings.per_host_limit
        self._gates = HostGates(
            lambda host: limits.get(host, default), min_interval_for, time.monotonic, sleep
        )

    def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        redirect_hosts: Collection[str],
    ) -> Fetched | FetchError:
        """Attempts with backoff, honouring Retry-After, inside the host's concurrency gate."""
        safe_url = _redact.redact_url(url)
        _, host, port = origin(url)
        gate = self._gates.get(host, port)
        cap = self.settings.retry_after_cap
        attempt = 0
        while True:
            if gate.paused_for() > cap:
                return FetchError(
                    safe_url, f"rate limited: {host} asked for a pause over {cap:g} s"
                )
            with gate.slot():
                self._count("network")
                outcome = self._attempt(method, url, headers, body, redirect_hosts)
            if not isinstance(outcome, _Retry):
                return outcome
            if outcome.retry_after is not None and outcome.retry_after > cap:
                gate.pause(outcome.retry_after)  # later requests to the host fail fast
                reason = f"rate limited: Retry-After {outcome.retry_after:.0f} s exceeds {cap:g} s"
                return FetchError(safe_url, reason, outcome.status)
            if attempt >= self.settings.retries:
                tries = attempt + 1
                reason = f"{outcome.reason} (gave up after {tries} attempt{'s' * (tries > 1)})"
                return FetchError(safe_url, reason, outcome.status)
            if outcome.retry_after is not None:
                log.info("%s asked to retry after %.1f s (%s)", host, outcome.retry_after, safe_url)
                gate.pause(outcome.retry_after)  # the whole host waits, not only this request
            else:
                delay = backoff_delay(
                    attempt, self.settings.backoff_base, self.settings.backoff_max, self._rng
                )
                log.debug("retrying %s in %.2f s: %s", safe_url, delay, outcome.reason)
                self._sleep(delay)
            attempt += 1

    def _attempt(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        redirect_hosts: Collection[str],
    ) -> Fetched | FetchError | _Retry:
        current, hops = url, 0
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        while True:
            try:
                response = self.session.request(
                    method,
                    current,
                    headers=headers,
                    data=body,
                    timeout=timeout,
                    stream=True,
                    allow_redirects=False,  # followed below, after the host check
                )
            except requests.Timeout as exc:
                return _Retry(f"timeout: {_short(exc)}")
            except requests.ConnectionError as exc:
                return _Retry(f"connection failed: {_short(exc)}")
            except requests.RequestException as exc:
                return FetchError(_redact.redact_url(url), f"request failed: {_short(exc)}")
            with response:
                if not response.is_redirect:
                    return self._finish(url, response)
                target = urljoin(current, response.headers["location"])
                refusal = self._check_redirect(current, target, redirect_hosts, hops)
                if refusal:
                    return FetchError(_redact.redact_url(url), refusal, response.status_code)
                if origin(target)[1:] != origin(current)[1:]:
                    headers = {k: v for k, v in headers.items() if not _is_secret_header(k)}
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and method == "POST"
                ):
                    method, body = "GET", None
                _drain(response)
                current, hops = target, hops + 1

    def _finish(self, url: str, response: requests.Response) -> Fetched | FetchError | _Retry:
        safe_url = _redact.redact_url(url)
        status = response.status_code
        if status in RETRY_STATUSES:
            wait = None
            if status in (429, 503):
                wait = parse_retry_after(response.headers.get("retry-after"), self._clock())
            _drain(response)
            return _Retry(f"HTTP {status}", status, wait)
        if status == 403 and response.headers.get("retry-after"):
            # GitHub's secondary rate limits answer 403 with Retry-After: a pause, not a denial.
            wait = parse_retry_after(response.headers.get("retry-after"), self._clock())
            _drain(response)
            return _Retry("HTTP 403 (secondary rate limit)", status, wait)
        if status == 403 and response.headers.get("x-ratelimit-remaining") == "0":
            reset = response.headers.get("x-ratelimit-reset", "?")
            _drain(response)
            return FetchError(safe_url, f"rate limited: quota exhausted until epoch {reset}", 403)
        if status == 304:  # the client answers it from its cached copy
            return Fetched(safe_url, 304, {}, b"", False, _utc(self._clock()))
        if not 200 <= status < 300:
            _drain(response)
            return FetchError(safe_url, f"HTTP {status} {response.reason or ''}".strip(), status)
        limit = self.settings.max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return FetchError(safe_url, f"response too large: {length} bytes > limit {limit}")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:  # closing the response drops the connection, body unread
                    return FetchError(safe_url, f"response too large: over limit {limit} bytes")
                chunks.append(chunk)
        except requests.RequestException as exc:
            kind = "timeout" if "timed out" in str(exc).lower() else "truncated body"
            return _Retry(f"{kind}: {_short(exc)}", status)
        headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
        return Fetched(safe_url, status, headers, b"".join(chunks), False, _utc(self._clock()))

    def _check_redirect(
        self, current: str, target: str, allowed: Collection[str], hops: int
    ) -> str | None:
        if hops >= self.settings.max_redirects:
            return f"too many redirects (over {self.settings.max_redirects})"
        (scheme, host, port), (t_scheme, t_host, t_port) = origin(current), origin(target)
        if t_scheme not in ("http", "https") or (scheme == "https" and t_scheme == "http"):
            return f"redirect to a weaker scheme refused: {_redact.redact_url(target)}"
        same = t_host == host and (t_port == port or (scheme, t_scheme) == ("http", "https"))
        if same or t_host in allowed or t_host in self.settings.redirect_hosts:
            return None
        # Refusing keeps credentials meant for one host from reaching another.
        return f"redirect to another host refused: {_redact.redact_url(target)}"


def _is_secret_header(name: str) -> bool:
    return name.lower() in _redact.SENSITIVE_HEADERS


def _drain(response: requests.Response) -> None:
    """Read a small leftover body so that the connection goes back to the pool."""
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) <= _DRAIN_LIMIT:
        with contextlib.suppress(requests.RequestException):
            response.content  # noqa: B018 - reading it is the point


def _short(exc: BaseException) -> str:
    return _redact.redact_text(str(exc))[:300]


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)
