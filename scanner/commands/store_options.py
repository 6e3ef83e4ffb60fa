"""The results-store flags the scanning commands share, and recording a run from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from scanner.text import echo

if TYPE_CHECKING:
    from scanner.pipeline import ScanResult
    from scanner.store.engine import Store

STORE_HELP = (
    "results store: a SQLite file (created if missing) or postgresql://USER@HOST/DB "
    "(password from PGPASSWORD or ~/.pgpass); needs the 'store' extra"
)


def add_store(
    p: argparse.ArgumentParser, help_text: str = STORE_HELP, required: bool = False
) -> None:
    p.add_argument("--store", metavar="DB", required=required, help=help_text)


def add_identity(p: argparse.ArgumentParser) -> None:
    """--repository and --revision: what a recorded run is a run of."""
    p.add_argument(
        "--repository",
        metavar="NAME",
        help="name of the repository in the store (default: its origin URL, else the folder's path)",
    )
    p.add_argument("--revision", metavar="REV", help="commit recorded with the run (default: HEAD)")


def open_store(target: str, existing: bool = False) -> Store:
    """Open and migrate; raises StoreError with a message for the user."""
    from scanner.store import open_store as connect

    return connect(target, existing=existing)


def record(
    store: Store,
    result: ScanResult,
    repository: str,
    revision: str | None,
    kind: str,
) -> int:
    """Record and say so on stderr; 0, or 2 when the store refuses."""
    from scanner.store import StoreError
    from scanner.store.record import record as write

    try:
        done = write(store, result, repository=repository, revision=revision, kind=kind)
    except StoreError as exc:
        echo(f"icts-scan: error: recording the run: {exc}", file=sys.stderr)
        return 2
    state = "recorded as" if done.created else "already recorded as"
    echo(f"icts-scan: {state} run {done.run_id} of {repository} in {store.label}", file=sys.stderr)
    return 0


def identity(args: argparse.Namespace, path: str) -> tuple[str, str | None]:
    """--repository/--revision, else what git says of ``path``."""
    from scanner.fleet.gitops import identity as of

    name, revision = (
        (args.repository, args.revision) if args.repository and args.revision else of(path)
    )
    return args.repository or name, args.revision or revision


def scan_identity(args: argparse.Namespace) -> tuple[str, str | None]:
    """What ``scan`` records: the folder's repository, or the SBOM file given with --sbom."""
    import os

    if args.sbom:
        return args.repository or os.path.abspath(args.sbom), args.revision
    return identity(args, args.path)
