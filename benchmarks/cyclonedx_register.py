"""Benchmark: cyclonedx-python-lib's dependency registration, original vs indexed (ours).

``Bom.validate()`` (run by every outputter) calls ``register_dependency`` once per
component, and the original finds an existing entry by a linear scan: O(n²). Prints the
time of ``validate()`` for both at several sizes, measured in this run, and the ratio.
The original is only run up to --max-original components (it takes minutes beyond).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependency

from sbom.export.cyclonedx_lib import indexed_bom


def _fill(bom: Bom, n: int) -> None:
    comps = [
        Component(
            type=ComponentType.LIBRARY, name=f"p{i}", version="1.0", bom_ref=f"pkg:npm/p{i}@1.0"
        )
        for i in range(n)
    ]
    # Bypass the sorted-set insertion cost of the model; we time registration only.
    bom.components.update(comps)
    # Half of the components already have an entry (a chain), as after a parser's graph.
    bom.dependencies.update(
        Dependency(ref=comps[i].bom_ref, dependencies=[Dependency(ref=comps[i + 1].bom_ref)])
        for i in range(0, n - 1, 2)
    )


def _time_validate(make: type[Bom] | object, n: int) -> float:
    bom = make() if callable(make) else make  # type: ignore[operator]
    _fill(bom, n)
    t0 = time.perf_counter()
    bom.validate()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2000,5000,20000,200000")
    ap.add_argument("--max-original", type=int, default=5000)
    args = ap.parse_args()
    print(f"{'components':>10} {'original s':>11} {'indexed s':>10} {'ratio':>8}")
    fitted: float | None = None
    for n in (int(s) for s in args.sizes.split(",")):
        idx = _time_validate(indexed_bom, n)
        if n <= args.max_original:
            orig = _time_validate(Bom, n)
            fitted = orig / (n * n)
            note = ""
        else:
            orig = (fitted or 0.0) * n * n
            note = "  (original extrapolated from the largest measured size, n² fit)"
        print(f"{n:>10} {orig:>11.2f} {idx:>10.3f} {orig / idx:>7.0f}x{note}")


if __name__ == "__main__":
    main()
