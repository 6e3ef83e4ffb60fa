"""Benchmark: load, validate and index the shipped feed (target: under 100 ms); prints times and ratios."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feeds
from feeds.load import PACKAGED_DIR
from feeds.manifest import data_files

RUNS = 20


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> int:
    # Baseline in the same process: only reading and JSON-decoding the same files.
    names = data_files(PACKAGED_DIR)
    baseline = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for name in names:
            json.loads((PACKAGED_DIR / name).read_bytes())
        baseline.append(_ms(start))

    start = time.perf_counter()
    feedset = feeds.load()
    first = _ms(start)  # includes compiling the schema once per process
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        feeds.load()
        runs.append(_ms(start))

    base = statistics.median(baseline)
    median = statistics.median(runs)
    entities = len(feedset.entities)
    print(
        f"feeds.load(): first {first:.1f} ms, median {median:.1f} ms over {RUNS} runs ({entities} entities)"
    )
    print(f"baseline (read + json.loads only): median {base:.1f} ms")
    print(
        f"ratio load/baseline: {median / base:.1f}x; first-load budget 100 ms: {'ok' if first < 100 else 'OVER'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
