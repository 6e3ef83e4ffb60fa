"""Reading one HTTP response: retry or not, the pause a host asks for, the size-capped body."""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone

import requests

from scanner.net import redact as _redact
from scanner.net.results import RETRY_STATUSES, Fetched, FetchError, HttpSettings
from scanner.net.throttle import parse_retry_after

# Response headers worth keeping; everything else (cookies above all) is dropped.
KEPT_HEADERS = ("content-type", "etag", "last-modified", "link", "date")
_DRAIN_LIMIT = 64 * 1024


class Retry:
    """A failure worth another attempt, or a pause the host asked for."""

    def __init__(self, reason: str, status: int | None = None, wait: float | None = None):
        self.reason, self.status, self.retry_after = reason, status, wait


def read(
    url: str, response: requests.Response, limit: int, now: float
) -> Fetched | FetchError | Retry:
    """The verdict on one (non-redirect) response: an answer, an error, or worth retrying."""
    safe_url = _redact.redact_url(url)
    status = response.status_code
    wait = pause_asked(response, now)
    if status in RETRY_STATUSES or (status == 403 and wait is not None):
        drain(response)
        if status != 403:
            return Retry(f"HTTP {status}", status, wait)
        if response.headers.get("x-ratelimit-remaining") == "0":
            # A spent quota (GitHub, Gitee): the host is paused until its reset, for everyone.
            reset = response.headers.get("x-ratelimit-reset", "?")
            return Retry(f"rate limited: quota exhausted until epoch {reset}", 403, wait)
        # GitHub's secondary rate limits answer 403 with Retry-After: a pause, not a denial.
        return Retry("HTTP 403 (secondary rate limit)", status, wait)
    if status == 304:  # the client answers it from its cached copy
        return Fetched(safe_url, 304, {}, b"", False, _utc(now))
    if not 200 <= status < 300:
        drain(response)
        return FetchError(safe_url, f"HTTP {status} {response.reason or ''}".strip(), status)
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
        return Retry(f"{kind}: {short(exc)}", status)
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
    return Fetched(safe_url, status, headers, b"".join(chunks), False, _utc(now))


def too_long(outcome: Retry, wait: float, cfg: HttpSettings) -> str:
    if outcome.reason.startswith("rate limited"):
        return outcome.reason
    if wait > cfg.retry_after_cap:
        return f"rate limited: Retry-After {wait:.0f} s exceeds {cfg.retry_after_cap:g} s"
    return f"rate limited: Retry-After {wait:.0f} s exceeds the scan's time left (--max-time)"


def pause_asked(response: requests.Response, now: float) -> float | None:
    """Seconds the host asked us to wait: Retry-After, or until a spent quota resets."""
    headers = response.headers
    if response.status_code in (403, 429, 503) and headers.get("retry-after"):
        return parse_retry_after(headers.get("retry-after"), now)
    if response.status_code in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
        reset = headers.get("x-ratelimit-reset", "")
        # No usable reset time: an hour, GitHub's quota window, so the host stays paused.
        return max(0.0, float(reset) - now) if reset.isdigit() else 3600.0
    return None


def drain(response: requests.Response) -> None:
    """Read a small leftover body so that the connection goes back to the pool."""
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) <= _DRAIN_LIMIT:
        with contextlib.suppress(requests.RequestException):
            response.content  # noqa: B018 - reading it is the point


def short(exc: BaseException) -> str:
    """An exception's text, redacted and bounded."""
    return _redact.redact_text(str(exc))[:300]


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)
