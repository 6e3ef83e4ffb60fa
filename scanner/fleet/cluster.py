"""The Dask cluster a fleet runs on: a local one (processes on this machine) or an existing scheduler."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client

# Parsing and assessing are CPU-bound Python: one thread per worker process.
THREADS = 1


class ClusterError(Exception):
    """No cluster to run on (the extra is missing, or the scheduler does not answer)."""


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of ``scheduler`` (``tcp://host:8786``), else of a new local cluster of processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(
            f"fleets need the 'fleet' extra (pip install 'icts-scan[fleet]'): {exc}"
        ) from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    # No dashboard: it needs bokeh and a port. Workers inherit this process's environment
    # (endpoint overrides, tokens, the lookup cache folder).
    cluster = LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=THREADS,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,  # failures are reported per repository
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()
