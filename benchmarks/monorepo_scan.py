"""Benchmark: a monorepo scan (`scan --no-network --sbom-dir`) of the dagger sample as a process.

Prints components, projects, wall seconds (median of --runs) and peak RSS for:
the plain aggregate scan (baseline), the same scan writing one SBOM per project, and each
of --shards shards (the slowest shard is a CI matrix's wall time). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("ICTS_SCAN_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLE = CORPUS / "monorepo" / "dagger__dagger"


def _run(cmd: list[str]) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (MiB) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait4 gives this child's own resource usage (getrusage would mix all children).
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, proc.returncode, usage.ru_maxrss // 1024


def _measure(label: str, cmd: list[str], runs: int, out: Path) -> float:
    times, rss, code = [], 0, 0
    for _ in range(runs):
        shutil.rmtree(out / "sboms", ignore_errors=True)
        seconds, code, peak = _run(cmd)
        times.append(seconds)
        rss = max(rss, peak)
    report = json.loads((out / "report.json").read_text())
    sboms = list((out / "sboms").glob("*.cdx.json")) if (out / "sboms").is_dir() else []
    median = statistics.median(times)
    print(
        f"{label:<22} {len(report['components']):>6} components  {len(sboms):>4} project SBOMs  "
        f"{median:6.2f} s  peak RSS {rss:>4} MiB  exit {code}"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="monorepo folder to scan")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--shards", type=int, default=3, help="shards to time (0 = none)")
    args = parser.parse_args()
    if not args.sample.is_dir():
        sys.exit(f"sample not found: {args.sample} (set ICTS_SCAN_CORPUS)")
    manifests = sum(1 for p in args.sample.rglob("*") if p.is_file())
    print(f"sample: {args.sample} ({manifests} files); python {sys.version.split()[0]}")
    base = [sys.executable, "-m", "scanner", "scan", str(args.sample), "--no-network"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        report = ["--report", f"json={out / 'report.json'}"]
        plain = _measure("aggregate only", [*base, *report], args.runs, out)
        mono = _measure(
            "with --sbom-dir", [*base, *report, "--sbom-dir", str(out / "sboms")], args.runs, out
        )
        print(f"per-project SBOMs cost {mono / plain:.2f}x the aggregate-only scan")
        shard_times = [
            _measure(
                f"shard {i}/{args.shards}",
                [*base, *report, "--sbom-dir", str(out / "sboms"), "--shard", f"{i}/{args.shards}"],
                args.runs,
                out,
            )
            for i in range(1, args.shards + 1)
        ]
        if shard_times:
            print(
                f"slowest shard {max(shard_times):.2f} s = {max(shard_times) / mono:.2f}x the "
                "unsharded scan (each shard still reads the whole tree; enrichment is what "
                "shards divide, and --no-network has none)"
            )


if __name__ == "__main__":
    main()
