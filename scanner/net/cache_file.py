"""The cache's SQLite file: opened private, checked, rebuilt when corrupt, retried while busy."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from scanner.net.endpoints import DAY

log = logging.getLogger("scanner.net.cache")

T = TypeVar("T")
SCHEMA_VERSION = 2
MEMORY = ":memory:"
_RESPONSES = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
    status INTEGER NOT NULL, headers TEXT NOT NULL, etag TEXT, last_modified TEXT,
    body BLOB NOT NULL, compressed INTEGER NOT NULL, fetched_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_source ON responses (source);
"""
# Version 2: what enrichers derived from the answers, kept until the earliest of them
# expires (scanner/net/derived.py), and when the file was last checked. Version 1 files keep
# their answers and gain the tables.
_DERIVED = """
CREATE TABLE IF NOT EXISTS derived (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, until REAL NOT NULL, payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value REAL NOT NULL);
"""
# How often the file's integrity is checked on open (seconds).
CHECK_EVERY = DAY


def _check(conn: sqlite3.Connection) -> None:
    """quick_check, at most once a CHECK_EVERY: it reads the whole file (about 10 ms for 7 MB,
    on every scan); damage between checks is found by the query that meets it."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'checked_at'").fetchone()
    now = time.time()
    if row is not None and 0 <= now - float(row[0]) < CHECK_EVERY:
        return
    if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
        raise sqlite3.DatabaseError("quick_check failed")
    try:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('checked_at', ?)", (now,))
    except sqlite3.OperationalError:  # read-only or busy: checked, just not recorded
        log.debug("cache check time not recorded")


def _create(conn: sqlite3.Connection, version: int) -> None:
    """Bring a file at `version` to SCHEMA_VERSION (inside the caller's transaction)."""
    if version not in (1, SCHEMA_VERSION):
        conn.execute("DROP TABLE IF EXISTS responses")  # unknown layout: start over
        conn.execute("DROP TABLE IF EXISTS derived")
    for statement in (_RESPONSES + _DERIVED).split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _is_corrupt(exc: sqlite3.Error) -> bool:
    # SQLITE_CORRUPT and SQLITE_NOTADB surface as the base class itself; its subclasses
    # (programming, integrity, operational errors) say nothing about the file.
    return type(exc) is sqlite3.DatabaseError


class CacheFile:
    """One connection to the cache database, shared by the client's threads.

    Every failure degrades: a busy file is retried, a corrupt one moved aside and rebuilt, an
    unusable one replaced by a memory database for the run. Nothing here raises.
    """

    def __init__(self, path: str, *, check: bool = True, busy_timeout: float = 10.0) -> None:
        self.path = path
        self._check = check
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._conn = self._open()

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
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA_VERSION:
                    _create(conn, version)
                conn.execute("COMMIT")
            if self._check:
                _check(conn)
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

    def run(self, op: Callable[[sqlite3.Connection], T], default: T) -> T:
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

    def size(self) -> int:
        """Bytes on disk, write-ahead log included (0 for a memory database)."""
        size = 0
        if self.path != MEMORY:
            for suffix in ("", "-wal"):
                with contextlib.suppress(OSError):
                    size += os.path.getsize(self.path + suffix)
        return size

    def close(self) -> None:
        """Close the connection (the file stays for the next run)."""
        with self._lock:
            self._conn.close()
