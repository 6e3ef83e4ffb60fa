"""Credential redaction for URLs, headers, error texts and log records."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

MASK = "***"

# Headers whose values are credentials (compared lowercased). Cookies are included because a
# session cookie is as good as a token.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "private-token",
        "job-token",
        "x-api-key",
        "x-auth-token",
        "x-gitlab-token",
        "x-nuget-apikey",
    }
)

# Query parameters that carry credentials in the APIs we talk to (GitHub, GitLab, Gitee and
# generic proxies); matched case-insensitively on the whole name.
SENSITIVE_PARAMS = frozenset(
    {
        "token",
        "access_token",
        "private_token",
        "api_key",
        "apikey",
        "key",
        "password",
        "passwd",
        "secret",
        "client_secret",
        "sig",
        "signature",
        "auth",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    }
)

# Token shapes that are recognisable without context (GitHub, GitLab, npm), plus header-style
# "Bearer x" / "token x" / "Basic x" fragments that may end up in exception texts.
_TOKEN_RE = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,}"
    r"|npm_[A-Za-z0-9]{30,})"
)
_SCHEME_RE = re.compile(r"(?i)\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=\-]{8,}")
_URL_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>]+")
_PARAM_RE = re.compile(
    r"(?i)([?&;](?:" + "|".join(re.escape(p) for p in sorted(SENSITIVE_PARAMS)) + r")=)[^&#\s'\"]*"
)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Remember a credential value so that it is masked wherever it shows up later."""
    # Very short values would mask ordinary words; real tokens are long.
    if len(value) >= 8:
        with _secrets_lock:
            _secrets.add(value)


def redact_url(url: str) -> str:
    """Return `url` with userinfo and credential-carrying query parameters masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text_plain(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(name.lower() in SENSITIVE_PARAMS for name, _ in pairs):
            masked = [(n, MASK if n.lower() in SENSITIVE_PARAMS else v) for n, v in pairs]
            query = urlencode(masked, quote_via=quote, safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def strip_credentials(url: str) -> str:
    """`url` without userinfo and with credential parameters masked: the same resource."""
    try:
        parts = urlsplit(redact_url(url))
    except ValueError:
        return redact_url(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of `headers` with credential values masked."""
    return {k: (MASK if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


def sensitive_values(headers: Mapping[str, str]) -> Iterable[str]:
    """The credential values in `headers`, including the bare token after "Bearer "."""
    for name, value in headers.items():
        if name.lower() in SENSITIVE_HEADERS and value:
            yield value
            _, _, bare = value.partition(" ")
            if bare:
                yield bare.strip()


def redact_text_plain(text: str) -> str:
    """Mask registered secrets, token shapes and credential parameters in free text."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _TOKEN_RE.sub(MASK, text)
    text = _SCHEME_RE.sub(lambda m: m.group(1) + " " + MASK, text)
    return _PARAM_RE.sub(lambda m: m.group(1) + MASK, text)


def redact_text(text: str) -> str:
    """Mask credentials in any text, including URLs embedded in it (exception messages)."""
    text = _URL_RE.sub(lambda m: redact_url(m.group(0)), text)
    return redact_text_plain(text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with credentials masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        return True


_FILTER = RedactingFilter()
# urllib3 logs full request lines (with query strings) at DEBUG; filters on a parent logger do
# not apply to records from its children, so each emitting logger gets the filter itself.
_LOGGERS = (
    "scanner.net.client",
    "scanner.net.cache",
    "urllib3.connectionpool",
    "urllib3.util.retry",
)


def install_log_redaction() -> None:
    """Attach the redacting filter to the loggers that may see request URLs (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
