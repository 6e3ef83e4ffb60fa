"""Persistent HTTP response cache: answers and "not found" answers, SQLite in the user cache folder."""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scanner.net.cache_file import MEMORY, CacheFile
from scanner.net.derived import Derived
from scanner.net.redact import redact_url, strip_credentials

__all__ = [
    "FILE_NAME",
    "MEMORY",
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "default_cache_dir",
    "request_key",
]

FILE_NAME = "http-cache.sqlite3"
# Request headers that change the answer, so they are part of the key. Never credentials.
KEY_HEADERS = ("accept", "accept-language", "x-github-api-version")
_COLUMNS = "source, method, url, status, headers, etag, last_modified, body, compressed, fetched_at"
# Negative entries ("not found") are rows with a client-error status; answers are 2xx.
_NEGATIVE = "status >= 400"


@dataclass(frozen=True)
class CacheEntry:
    """One stored response; `fetched_at` is when it was fetched or last revalidated (epoch s).

    A negative entry (status 404 or 410) records that the resource did not exist; its body
    is the reason line the server's answer gave, never the answer's body.
    """

    source: str
    method: str
    url: str  # redacted: never holds userinfo or token parameters
    status: int
    headers: Mapping[str, str]
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: float

    @property
    def negative(self) -> bool:
        """The entry says "not found"."""
        return self.status >= 400


@dataclass(frozen=True)
class CacheInfo:
    """What `icts-scan cache info` shows."""

    path: str
    entries: int
    size_bytes: int
    by_source: Mapping[str, int] = field(default_factory=dict)
    oldest: datetime | None = None
    newest: datetime | None = None
    negative: int = 0
    """Entries that record a "not found" answer (they count in `entries` too)."""
    derived: int = 0
    """Enrichers' facts kept with the answers they came from (not counted in `entries`)."""


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """ICTS_SCAN_CACHE_DIR, else $XDG_CACHE_HOME/icts-scan, else ~/.cache/icts-scan."""
    env = os.environ if environ is None else environ
    if env.get("ICTS_SCAN_CACHE_DIR"):
        return Path(env["ICTS_SCAN_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "icts-scan"
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "icts-scan" / "cache"
    return Path.home() / ".cache" / "icts-scan"


def request_key(
    method: str, url: str, headers: Mapping[str, str] | None = None, body: bytes | None = None
) -> str:
    """A stable key for a request: method, URL without credentials, answer-changing headers."""
    wanted = {k.lower(): v for k, v in (headers or {}).items() if k.lower() in KEY_HEADERS}
    # Without userinfo or a query a URL carries no credential: no need to parse it (a warm
    # scan makes thousands of keys).
    plain = "@" not in url and "?" not in url and "#" not in url
    parts = [method.upper(), url if plain else strip_credentials(url)]
    parts += [f"{k}:{wanted[k]}" for k in sorted(wanted)]
    # Hosts answer signed-in callers with more fields (GitLab's forked_from_project): keep
    # such answers apart from anonymous ones. Only the presence is keyed, never the value.
    if any(k.lower() in ("authorization", "private-token") for k in headers or {}):
        parts.append("auth:yes")
    if body:
        parts.append(hashlib.sha256(body).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class Cache:
    """SQLite response store. Every failure degrades to a miss or a skipped write, never raises."""

    def __init__(
        self, path: Path | str | None = None, *, check: bool = True, busy_timeout: float = 10.0
    ) -> None:
        if path is None:
            path = default_cache_dir() / FILE_NAME
        self._file = CacheFile(str(path), check=check, busy_timeout=busy_timeout)
        self.derived = Derived(self._file)

    @property
    def path(self) -> str:
        """The database file (":memory:" when the file could not be used)."""
        return self._file.path

    def get(self, key: str) -> CacheEntry | None:
        """The stored entry for `key`, or None."""
        sql = f"SELECT {_COLUMNS} FROM responses WHERE key = ?"
        row = self._file.run(lambda c: c.execute(sql, (key,)).fetchone(), None)
        if row is None:
            return None
        source, method, url, status, headers, etag, modified, body, compressed, fetched_at = row
        try:
            data = zlib.decompress(body) if compressed else bytes(body)
            header_map = json.loads(headers)
        except (zlib.error, ValueError):
            self.delete(key)  # a damaged row is a miss, not an error
            return None
        return CacheEntry(
            source, method, url, status, header_map, data, etag, modified, float(fetched_at)
        )

    def stamp(self, key: str) -> tuple[int, float] | None:
        """(status, fetched_at) of `key`'s entry without reading its body, or None."""
        sql = "SELECT status, fetched_at FROM responses WHERE key = ?"
        row = self._file.run(lambda c: c.execute(sql, (key,)).fetchone(), None)
        return None if row is None else (int(row[0]), float(row[1]))

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store `entry` under `key` (replacing any older one)."""
        body = entry.body
        # JSON compresses 5-10x; tiny bodies are not worth the CPU.
        compressed = len(body) > 512
        blob = zlib.compress(body, 1) if compressed else body
        row = (
            key,
            entry.source,
            entry.method,
            redact_url(entry.url),
            entry.status,
            json.dumps(dict(entry.headers), sort_keys=True),
            entry.etag,
            entry.last_modified,
            blob,
            int(compressed),
            entry.fetched_at,
        )
        sql = f"INSERT OR REPLACE INTO responses (key, {_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        self._file.run(lambda c: c.execute(sql, row), None)

    def touch(self, key: str, fetched_at: float) -> None:
        """Mark `key` as revalidated at `fetched_at` (after a 304)."""
        sql = "UPDATE responses SET fetched_at = ? WHERE key = ?"
        self._file.run(lambda c: c.execute(sql, (fetched_at, key)), None)

    def delete(self, key: str) -> None:
        """Forget `key`."""
        self._file.run(lambda c: c.execute("DELETE FROM responses WHERE key = ?", (key,)), None)

    def clear(self, source: str | None = None, *, negative: bool = False) -> int:
        """Delete every entry, or those of one source, or only the "not found" ones; return how many.

        Derived facts are deleted in every case: some may rest on the deleted answers.
        """
        where = [_NEGATIVE] if negative else []
        params: tuple[str, ...] = ()
        if source is not None:
            where.append("source = ?")
            params = (source,)
        sql = "DELETE FROM responses" + (" WHERE " + " AND ".join(where) if where else "")
        removed = self._file.run(lambda c: c.execute(sql, params).rowcount, 0)
        self.derived.clear()
        self._file.run(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)"), None)
        return int(removed)

    def info(self) -> CacheInfo:
        """Path, entry count, bytes on disk, entries per source, negative ones, oldest and newest."""
        counts: list[tuple[str, int]] = self._file.run(
            lambda c: c.execute(
                "SELECT source, COUNT(*) FROM responses GROUP BY source ORDER BY source"
            ).fetchall(),
            [],
        )
        span = self._file.run(
            lambda c: c.execute(
                f"SELECT MIN(fetched_at), MAX(fetched_at), SUM({_NEGATIVE}) FROM responses"
            ).fetchone(),
            (None, None, None),
        )

        def when(ts: float | None) -> datetime | None:
            return None if ts is None else datetime.fromtimestamp(ts, tz=timezone.utc)

        by_source = {str(s): int(n) for s, n in counts}
        return CacheInfo(
            self.path,
            sum(by_source.values()),
            self._file.size(),
            by_source,
            when(span[0]),
            when(span[1]),
            int(span[2] or 0),
            self.derived.count(),
        )

    def close(self) -> None:
        """Close the connection (the file stays for the next run)."""
        self._file.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
