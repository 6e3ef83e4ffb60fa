"""The cache's table of derived facts: what enrichers made of answers, kept while all of them are fresh."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import partial

from scanner.net.cache_file import CacheFile

# SQLite's default limit on host parameters is 999 in older builds.
_CHUNK = 500


def _rows(
    c: sqlite3.Connection, *, sql: str, params: tuple[object, ...]
) -> list[tuple[str, bytes, float]]:
    return list(c.execute(sql, params).fetchall())


class Derived:
    """Rows of (key, source, until, payload); every failure degrades to a miss, never raises."""

    def __init__(self, file: CacheFile) -> None:
        self._file = file

    def get_many(self, keys: Sequence[str], now: float) -> dict[str, tuple[bytes, float]]:
        """The payloads of `keys` still fresh at `now`, with when each expires, in one query
        per 500 keys."""
        found: dict[str, tuple[bytes, float]] = {}
        none: list[tuple[str, bytes, float]] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key, payload, until FROM derived WHERE until > ? AND key IN ({marks})"
            read = partial(_rows, sql=sql, params=(now, *chunk))
            found.update((str(k), (bytes(v), float(u))) for k, v, u in self._file.run(read, none))
        return found

    def put_many(self, rows: Sequence[tuple[str, str, float, bytes]], now: float) -> None:
        """Store (key, source, until, payload) rows in one transaction; drop expired ones."""
        if not rows:
            return
        insert = "INSERT OR REPLACE INTO derived (key, source, until, payload) VALUES (?,?,?,?)"

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")  # one commit for the whole scan's rows
            try:
                conn.execute("DELETE FROM derived WHERE until <= ?", (now,))
                conn.executemany(insert, rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        self._file.run(write, None)

    def count(self) -> int:
        """Rows stored, fresh or not."""
        row = self._file.run(lambda c: c.execute("SELECT COUNT(*) FROM derived").fetchone(), (0,))
        return int(row[0])

    def clear(self) -> int:
        """Delete every row; return how many."""
        return int(self._file.run(lambda c: c.execute("DELETE FROM derived").rowcount, 0))
