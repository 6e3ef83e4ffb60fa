"""Benchmark: a fleet of 100 repositories on a 2-worker Dask local cluster vs scanning them one by one.

The repositories are git repositories made from the shared corpus's lockfiles (two corpus
projects each, so popular packages recur across the fleet as they do in an organization), scanned
against one loopback registry that answers every request after --latency (20 ms). Three runs:

1. serial, a fresh lookup cache per repository: one CI job per repository (the baseline);
2. serial, one shared cache: the README's nightly loop on one host;
3. ``icts-scan fleet`` on a local cluster of --workers processes, its own fresh cache.

Printed: wall time and requests of each, ratios against the baseline, requests per distinct
component, and the most requests any one URL received. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sbom.build import inventory_from_tree  # noqa: E402
from scanner import cli  # noqa: E402
from tests.loopback import LoopbackServer, Reply, Seen, source_env  # noqa: E402
from tests.test_diff import commit, git  # noqa: E402

CORPUS = Path(os.environ.get("ICTS_SCAN_CORPUS", ROOT.parent / "shared" / "corpus"))
# Folders that hold SBOMs or a whole monorepo rather than one project's lockfiles.
SKIP = {"sboms", "monorepo"}


class Registry(LoopbackServer):
    """Answers every request: a small npm packument or PyPI document where the path says which,
    every version of a deps.dev batch, else {}."""

    def _next(self, seen: Seen) -> Reply | None:
        reply = super()._next(seen)
        if reply is not None:
            return reply
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        path = seen.path.partition("?")[0]
        if path.endswith("/v3alpha/versionbatch"):  # deps.dev GetVersionBatch: every version known
            asked = json.loads(seen.body or b"{}").get("requests") or []
            found = [{"request": r, "version": {"versionKey": r.get("versionKey")}} for r in asked]
            return Reply.json({"responses": found})
        user = {"name": "maintainer", "email": "maintainer@example.invalid"}
        if path.startswith("/pypi/"):
            return Reply.json(
                {"info": {"author_email": user["email"], "maintainer": "m"}, "urls": []}
            )
        if path.count("/") <= 2 and not path.startswith(("/v3", "/orgs", "/repos")):
            return Reply.json({"name": path.strip("/"), "maintainers": [user], "versions": {}})
        return Reply.json({})


def pool(max_components: int) -> list[Path]:
    """Corpus project folders with at most ``max_components`` components, smallest first."""
    found = []
    for folder in sorted(CORPUS.glob("*/*/")):
        if folder.parent.name in SKIP:
            continue
        n = len(inventory_from_tree(str(folder)).components)
        if 0 < n <= max_components:
            found.append((n, folder))
    return [f for _, f in sorted(found)]


def build(root: Path, folders: list[Path], count: int) -> list[Path]:
    """``count`` repositories of two corpus projects each (under a/ and b/)."""
    repos = []
    step = max(1, len(folders) // 3)
    for i in range(count):
        first, second = folders[i % len(folders)], folders[(i * step + 1) % len(folders)]
        repo = root / f"repo-{i:03d}"
        files: dict[str, str | None] = {}
        for prefix, folder in (("a", first), ("b", second)):
            for path in folder.rglob("*"):
                if path.is_file():
                    files[f"{prefix}/{path.relative_to(folder)}"] = path.read_text(errors="replace")
        repo.mkdir(parents=True)
        git(repo, "init", "-q")
        commit(repo, files, "lockfiles")
        repos.append(repo)
    return repos


def _quiet(argv: list[str]) -> int:
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        return cli.main(argv)


def _count(server: LoopbackServer, since: int) -> tuple[int, int]:
    """Requests since ``since`` and the most any one request (method, URL, body) was repeated."""
    hits = Counter((seen.method, seen.path, seen.body) for seen in server.requests[since:])
    return sum(hits.values()), max(hits.values(), default=0)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repos", type=int, default=100)
    ap.add_argument("--latency", type=float, default=0.020, help="seconds per request")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-components", type=int, default=300, help="largest corpus project used")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found: {CORPUS} (set ICTS_SCAN_CORPUS)")
    with tempfile.TemporaryDirectory() as tmp, Registry(latency=args.latency) as server:
        work = Path(tmp)
        os.environ.update(source_env(server.base_url))
        os.environ.pop("GITHUB_TOKEN", None)
        folders = pool(args.max_components)
        repos = build(work / "repos", folders, args.repos)
        total = sum(len(inventory_from_tree(str(r)).components) for r in repos)
        print(
            f"{len(repos)} repositories from {len(folders)} corpus projects (≤ {args.max_components} "
            f"components each), {total} components in all; registry latency {args.latency * 1000:.0f} ms; "
            f"{os.cpu_count()} CPUs"
        )

        def serial(label: str, shared: bool) -> tuple[float, int]:
            start, t0 = len(server.requests), time.perf_counter()
            for n, repo in enumerate(repos):
                os.environ["ICTS_SCAN_CACHE_DIR"] = str(
                    work / ("cache-shared" if shared else f"cache-{label}-{n}")
                )
                _quiet(["scan", str(repo), "--report", "json=" + os.devnull, "--no-progress"])
            seconds = time.perf_counter() - t0
            requests, most = _count(server, start)
            print(
                f"{label:<44} {seconds:8.1f} s {requests:8d} requests (most for one request: {most})"
            )
            return seconds, requests

        base_s, base_r = serial("serial, fresh cache per repository (baseline)", shared=False)
        loop_s, loop_r = serial("serial, one shared cache (README loop)", shared=True)

        listing = work / "repos.txt"
        listing.write_text("".join(f"{r}\n" for r in repos))
        os.environ["ICTS_SCAN_CACHE_DIR"] = str(work / "cache-fleet")
        start, t0 = len(server.requests), time.perf_counter()
        report = work / "fleet.json"
        _quiet(
            [
                "fleet",
                str(listing),
                "--workers",
                str(args.workers),
                "--report",
                f"json={report}",
                "--no-progress",
            ]
        )
        fleet_s = time.perf_counter() - t0
        fleet_r, most = _count(server, start)
        summary = json.loads(report.read_text())["summary"]
        distinct = summary["distinct_components"]
        label = f"fleet, {args.workers}-worker local cluster"
        print(f"{label:<44} {fleet_s:8.1f} s {fleet_r:8d} requests (most for one request: {most})")
        print(
            f"fleet: {summary['scanned']} scanned, {summary['failed']} failed; {distinct} distinct "
            f"components looked up; {fleet_r / max(distinct, 1):.2f} requests per distinct component"
        )
        print(
            f"wall time: baseline/fleet {base_s / fleet_s:.1f}x (target ≥ 3x), "
            f"shared-cache loop/fleet {loop_s / fleet_s:.1f}x"
        )
        print(
            f"requests:  baseline/fleet {base_r / max(fleet_r, 1):.1f}x, "
            f"shared-cache loop/fleet {loop_r / max(fleet_r, 1):.2f}x"
        )
        shutil.rmtree(work / "repos", ignore_errors=True)


if __name__ == "__main__":
    main()
