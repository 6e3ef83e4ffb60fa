"""Connecting to a store: SQLite file paths and PostgreSQL URLs, one transaction discipline for both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError

from scanner.net.redact import redact_text, redact_url
from scanner.store import StoreError

_POSTGRES = ("postgresql://", "postgres://", "postgresql+psycopg://")
# Seconds a writer waits for another one (SQLite file lock, PostgreSQL connect).
WAIT = 30


def url_of(target: str) -> sa.URL:
    """The SQLAlchemy URL for a store target; StoreError for anything but SQLite and PostgreSQL."""
    try:
        if target.startswith(_POSTGRES):
            # psycopg 3 is the driver; users write the libpq URL they already have.
            return sa.make_url(target).set(drivername="postgresql+psycopg")
        if target.startswith("sqlite:"):
            return sa.make_url(target)
    except ArgumentError as exc:
        raise StoreError(f"{redact_url(target)}: not a database URL: {exc}") from None
    if "://" in target:
        scheme = target.split("://", 1)[0]
        raise StoreError(
            f"unsupported store {scheme}://… (use a SQLite file path or postgresql://…)"
        )
    return sa.URL.create("sqlite+pysqlite", database=os.path.abspath(target))


def _sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        # pysqlite's own BEGIN is deferred; take the write lock at BEGIN instead (below), so two
        # recorders queue up rather than one failing halfway through with "database is locked".
        dbapi.isolation_level = None
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the nightly writer
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """One store: an engine and a label safe to print (no password)."""

    def __init__(self, target: str) -> None:
        url = url_of(target)
        self.label = redact_url(target) if "://" in target else target
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite":
            folder = os.path.dirname(url.database or "")
            if folder and not os.path.isdir(folder):
                raise StoreError(f"{self.label}: folder {folder} does not exist")
            self.engine = sa.create_engine(url, connect_args={"timeout": WAIT})
            _sqlite(self.engine)
        else:
            self.engine = sa.create_engine(
                url, pool_pre_ping=True, connect_args={"connect_timeout": WAIT}
            )

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction; database errors become StoreError naming the store."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except (StoreError, IntegrityError):
            raise  # a duplicate is the caller's to resolve (recording is idempotent)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.label}: {describe(exc)}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe(exc: SQLAlchemyError) -> str:
    """The driver's first line, credentials masked (a connect error may echo the URL)."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(inner).strip().splitlines()
    return redact_text(lines[0] if lines else type(inner).__name__)[:300]
