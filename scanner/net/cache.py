"""Persistent HTTP response cache: SQLite in the user cache directory, shared by processes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from scanner.net.redact import redact_url, strip_credentials

log = logging.getLogger("scanner.net.cache")

T = TypeVar("T")
SCHEMA_VERSION = 1
FILE_NAME = "http-cache.sqlite3"
MEMORY = ":memory:"
# Request headers that change the answer, so they are part of the key. Never credentials.
KEY_HEADERS = ("accept", "accept-language", "x-github-api-version")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
    status INTEGER NOT NULL, headers TEXT NOT NULL, etag TEXT, last_modified TEXT,
    body BLOB NOT NULL, compressed INTEGER NOT NULL, fetched_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_source ON responses (source);
"""
_COLUMNS = "source, method, url, status, headers, etag, last_modified, body, compressed, fetched_at"


@dataclass(frozen=True)
class CacheEntry:
    """One stored response; `fetched_at` is when it was fetched or last revalidated (epoch s)."""

    source: str
    method: str
    url: str  # redacted: never holds userinfo or token parameters
    status: int
    headers: Mapping[str, str]
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: float


@dataclass(frozen=True)
class CacheInfo:
    """What `icts-scan cache info` shows."""

    path: str
    entries: int
    size_bytes: int
    by_source: Mapping[str, int] = field(default_factory=dict)
    oldest: datetime | None = None
    newest: datetime | None = None


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
    parts = [method.upper(), strip_credentials(url), *(f"{k}:{wanted[k]}" for k in sorted(wanted))]
    # Hosts answer signed-in callers with more fields (GitLab's forked_from_project): keep
    # such answers apart from anonymous ones. Only the presence is keyed, never the value.
    if any(k.lower() in ("authorization", "private-token") for k in headers or {}):
        parts.append("auth:yes")
    if body:
        parts.append(hashlib.sha256(body).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _is_corrupt(exc: sqlite3.Error) -> bool:
    # SQLITE_CORRUPT and SQLITE_NOTADB surface as the base class itself; its subclasses
    # (programming, integrity, operational errors) say nothing about the file.
    return type(exc) is sqlite3.DatabaseError


class Cache:
    """SQLite response store. Every failure degrades to a miss or a skipped write, never raises."""

    def __init__(
        self, path: Path | str | None = None, *, check: bool = True, busy_timeout: float = 10.0
    ) -> None:
        if path is None:
            path = default_cache_dir() / FILE_NAME
        self.path = str(path)
        self._check = check
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()  # one connection, shared by the client's threads
        self._conn = self._open()

    # -- opening, checking, rebuilding ---------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path != MEMORY:
            directory = Path(self.path).parent
            # 0700: cached answers to authenticated requests may describe private repositories.
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            Path(self.path).touch(mode=0o600, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable enough for a cache, much faster
            if self._check and conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise sqlite3.DatabaseError("quick_check failed")
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    conn.execute("DROP TABLE IF EXISTS responses")  # older layout: start over
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self) -> sqlite3.Connection:
        for attempt in range(6):
            try:
                return self._connect()
            except sqlite3.OperationalError as exc:
                # Busy: another process is creating or checkpointing; anything else
                # (read-only, disk full, cannot open) is not corruption, so keep the file.
                if _is_busy(exc) and attempt < 5:
                    time.sleep(0.05 * 2**attempt)
                    continue
                return self._fallback(exc)
            except sqlite3.DatabaseError as exc:  # not a database, malformed, failed check
                if not _is_corrupt(exc):
                    return self._fallback(exc)
                self._move_aside(exc)
            except OSError as exc:
                return self._fallback(exc)
        return self._fallback(sqlite3.DatabaseError("cache could not be rebuilt"))

    def _fallback(self, exc: BaseException) -> sqlite3.Connection:
        log.warning("cache %s unusable (%s); using a memory cache for this run", self.path, exc)
        self.path = MEMORY
        return self._connect()

    def _move_aside(self, exc: BaseException) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        log.warning("cache %s is corrupt (%s); moved aside and rebuilt", self.path, exc)
        for suffix in ("", "-wal", "-shm"):
            src = Path(self.path + suffix)
            if src.exists():
                try:
                    src.replace(f"{self.path}.corrupt-{stamp}-{os.getpid()}{suffix}")
                except OSError:
                    src.unlink(missing_ok=True)

    def _run(self, op: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run `op` in a short transaction, retrying while another process holds the lock."""
        with self._lock:
            rebuilt = False
            for attempt in range(8):
                try:
                    return op(self._conn)
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        log.warning("cache operation failed: %s", exc)
                        return default
                    time.sleep(min(0.5, 0.01 * 2**attempt))
                except sqlite3.DatabaseError as exc:
                    if rebuilt or not _is_corrupt(exc):
                        log.warning("cache operation failed: %s", exc)
                        return default
                    rebuilt = True
                    self._conn.close()
                    self._move_aside(exc)
                    self._conn = self._open()
            log.warning("cache busy for too long; continuing without it for this request")
            return default

    # -- the store ------------------------------------------------------------------------

    def get(self, key: str) -> CacheEntry | None:
        """The stored entry for `key`, or None."""
        sql = f"SELECT {_COLUMNS} FROM responses WHERE key = ?"
        row = self._run(lambda c: c.execute(sql, (key,)).fetchone(), None)
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
        self._run(lambda c: c.execute(sql, row), None)

    def touch(self, key: str, fetched_at: float) -> None:
        """Mark `key` as revalidated at `fetched_at` (after a 304)."""
        sql = "UPDATE responses SET fetched_at = ? WHERE key = ?"
        self._run(lambda c: c.execute(sql, (fetched_at, key)), None)

    def delete(self, key: str) -> None:
        """Forget `key`."""
        self._run(lambda c: c.execute("DELETE FROM responses WHERE key = ?", (key,)), None)

    def clear(self, source: str | None = None) -> int:
        """Delete every entry (or those of one source); return how many were removed."""
        if source is None:
            removed = self._run(lambda c: c.execute("DELETE FROM responses").rowcount, 0)
        else:
            sql = "DELETE FROM responses WHERE source = ?"
            removed = self._run(lambda c: c.execute(sql, (source,)).rowcount, 0)
        self._run(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)"), None)
        return int(removed)

    def info(self) -> CacheInfo:
        """Path, entry count, bytes on disk, entries per source, oldest and newest fetch."""
        counts: list[tuple[str, int]] = self._run(
            lambda c: c.execute(
                "SELECT source, COUNT(*) FROM responses GROUP BY source ORDER BY source"
            ).fetchall(),
            [],
        )
        span = self._run(
            lambda c: c.execute(
                "SELECT MIN(fetched_at), MAX(fetched_at) FROM responses"
            ).fetchone(),
            (None, None),
        )
        size = 0
        if self.path != MEMORY:
            for suffix in ("", "-wal"):
                with contextlib.suppress(OSError):
                    size += os.path.getsize(self.path + suffix)

        def when(ts: float | None) -> datetime | None:
            return None if ts is None else datetime.fromtimestamp(ts, tz=timezone.utc)

        by_source = {str(s): int(n) for s, n in counts}
        return CacheInfo(
            self.path, sum(by_source.values()), size, by_source, when(span[0]), when(span[1])
        )

    def close(self) -> None:
        """Close the connection (the file stays for the next run)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
