"""One logical request on the wire: retries, Retry-After and quotas, redirects, size and time limits."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from scanner.net import redact as _redact
from scanner.net.deadline import WATCHDOG, Deadline
from scanner.net.endpoints import min_interval_for
from scanner.net.response import Retry, drain, read, short, too_long
from scanner.net.results import ErrorKind, Fetched, FetchError, HttpSettings
from scanner.net.session import make_session
from scanner.net.throttle import HostGate, HostGates, backoff_delay

log = logging.getLogger("scanner.net.client")


@dataclass(frozen=True)
class _Outgoing:
    """One request as the caller asked for it (redirects change only the copy in flight)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    redirect_hosts: Collection[str]
    max_bytes: int | None


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
        deadline: Deadline,
    ) -> None:
        self.settings = settings
        self.session = make_session(settings)
        self._clock, self._sleep, self._rng, self._count = clock, sleep, rng, count
        self._deadline = deadline
        limits, default = settings.host_limits, settings.per_host_limit
        self._gates = HostGates(
            lambda host: limits.get(host, default), min_interval_for, time.monotonic, sleep
        )

    def gate(self, url: str) -> HostGate:
        """The gate of `url`'s host (shared by every source)."""
        _, host, port = origin(url)
        return self._gates.get(host, port)

    def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        redirect_hosts: Collection[str],
        *,
        max_bytes: int | None = None,
        max_time: float | None = None,
    ) -> Fetched | FetchError:
        """Attempts with backoff inside the host's gate, all within the request's deadline."""
        out = _Outgoing(method, url, headers, body, redirect_hosts, max_bytes)
        safe_url = _redact.redact_url(url)
        host = origin(url)[1]
        gate = self.gate(url)
        cfg = self.settings
        end = time.monotonic() + min(max_time or cfg.request_deadline, self._deadline.left())
        attempt = 0
        while True:
            refusal = self._refusal(safe_url, host, gate)
            if refusal:
                return refusal
            with gate.slot():
                self._count("network")
                left = min(end - time.monotonic(), cfg.host_deadline - gate.busy())
                outcome = self._timed(out, left)
            if not isinstance(outcome, Retry):
                return outcome
            wait = outcome.retry_after
            if wait is not None:
                # The host asked: every request to it waits, from any source, or (when the
                # pause is longer than the scan can wait) fails fast without being sent.
                log.info("%s asked to wait %.1f s (%s)", host, wait, safe_url)
                gate.pause(wait)
                if wait > min(cfg.retry_after_cap, self._deadline.left()):
                    reason = too_long(outcome, wait, cfg)
                    return FetchError(safe_url, reason, outcome.status, "rate-limited")
            limited = outcome.status in (403, 429)  # 403 only comes back here as a rate limit
            kind: ErrorKind = "rate-limited" if limited else ""
            delay = wait
            if delay is None:
                delay = backoff_delay(attempt, cfg.backoff_base, cfg.backoff_max, self._rng)
            if attempt >= cfg.retries or time.monotonic() + delay >= end:
                tries = attempt + 1
                reason = f"{outcome.reason} (gave up after {tries} attempt{'s' * (tries > 1)})"
                return FetchError(safe_url, reason, outcome.status, kind)
            if wait is None:
                log.debug("retrying %s in %.2f s: %s", safe_url, delay, outcome.reason)
                self._sleep(delay)
            attempt += 1

    def _refusal(self, safe_url: str, host: str, gate: HostGate) -> FetchError | None:
        """Why a request must not start now: the scan's time is up, or the host's."""
        if self._deadline.passed():
            spent = self._deadline.seconds
            return FetchError(
                safe_url, f"deadline: --max-time {spent:g} s reached", kind="deadline"
            )
        paused = gate.paused_for()
        if paused > min(self.settings.retry_after_cap, self._deadline.left()):
            reason = f"rate limited: {host} is paused for another {paused:.0f} s"
            return FetchError(safe_url, reason, kind="rate-limited")
        budget = self.settings.host_deadline
        if gate.busy() >= budget:
            reason = f"deadline: {host} already took {budget:g} s of this scan"
            return FetchError(safe_url, reason, kind="deadline")
        return None

    def _timed(self, out: _Outgoing, seconds: float) -> Fetched | FetchError | Retry:
        """One attempt that the watchdog ends after `seconds`, however the server dribbles."""
        reason = f"deadline: no complete answer within {max(seconds, 0):.1f} s"
        late = FetchError(_redact.redact_url(out.url), reason, kind="deadline")
        if seconds <= 0:
            return late
        with WATCHDOG.limit(seconds) as cut:
            try:
                outcome = self._attempt(out)
            except Exception:
                if cut.fired:  # whatever the cut socket raised, the reason is the deadline
                    return late
                raise
        return late if cut.fired else outcome

    def _attempt(self, out: _Outgoing) -> Fetched | FetchError | Retry:
        url, method, headers, body = out.url, out.method, out.headers, out.body
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
                return Retry(f"timeout: {short(exc)}")
            except requests.ConnectionError as exc:
                return Retry(f"connection failed: {short(exc)}")
            except requests.RequestException as exc:
                return FetchError(_redact.redact_url(url), f"request failed: {short(exc)}")
            with response:
                if not response.is_redirect:
                    limit = out.max_bytes or self.settings.max_bytes
                    return read(url, response, limit, self._clock())
                target = urljoin(current, response.headers["location"])
                refusal = self._check_redirect(current, target, out.redirect_hosts, hops)
                if refusal:
                    return FetchError(_redact.redact_url(url), refusal, response.status_code)
                if origin(target)[1:] != origin(current)[1:]:
                    headers = {k: v for k, v in headers.items() if not _is_secret_header(k)}
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and method == "POST"
                ):
                    method, body = "GET", None
                drain(response)
                current, hops = target, hops + 1

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
