"""The results store: scan runs recorded in SQLite (a file) or PostgreSQL, through SQLAlchemy Core.

Importing this package is cheap; SQLAlchemy and the PostgreSQL driver (the ``store`` extra) are
imported only when a store is opened, so plain scans and the pre-commit hook never pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.store.engine import Store

# The store to use when --store is not given; a DSN with a password stays out of process lists.
ENV = "ICTS_SCAN_STORE"


class StoreError(Exception):
    """A store that cannot be opened, migrated or written; the message says which and why."""


def open_store(target: str, *, migrate: bool = True, existing: bool = False) -> Store:
    """Connect to ``target`` (a SQLite file path or ``postgresql://…``) and bring its schema up to date.

    ``existing``: a SQLite file must exist already (questions never create an empty store).
    """
    import os

    if existing and "://" not in target and not os.path.isfile(target):
        raise StoreError(f"{target}: no such store (record runs into it with --store first)")
    try:
        from scanner.store.engine import Store

        store = Store(target)
    except ImportError as exc:  # SQLAlchemy, or psycopg for PostgreSQL
        raise StoreError(
            f"the results store needs the 'store' extra (pip install 'icts-scan[store]'): {exc}"
        ) from None
    if migrate:
        from scanner.store.migrations import migrate as upgrade

        try:
            upgrade(store)
        except BaseException:
            store.close()
            raise
    return store
