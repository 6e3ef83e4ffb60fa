"""Benchmark: a repeat scan against `icts-scan sbom` — what the cache saves, in requests and time.

An npm lockfile of --npm packages (and a requirements.txt of --pypi) is scanned as a process
against a loopback registry with --latency added to every answer, which knows only every other
package (a registry answers 404 for private packages; deps.dev and code hosts for many more):
cold (empty cache), warm (the same scan again), `icts-scan sbom` of the same tree, and the scan
with --no-network, each a process with the interpreter start included (all but cold: median of
--runs). Printed: the warm/sbom ratio (target <= 1.5), the requests the warm scan sent (target
0), what a scan without lookups costs (it assesses every time; a warm scan takes its findings
as kept), and the stage times of a warm scan. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.net.endpoints import ENDPOINTS  # noqa: E402
from tests.loopback import LoopbackServer, Reply, Seen  # noqa: E402

PERSON = {"name": "someone", "email": "someone@example.invalid"}


def _npm_tree(folder: Path, server: LoopbackServer, count: int) -> None:
    """package-lock.json v3 of `count` packages; the registry knows the even-numbered ones."""
    packages: dict[str, object] = {"": {"name": "bench", "version": "1.0.0"}}
    for i in range(count):
        name = f"@bench-{i % 40}/pkg-{i}" if i % 3 == 0 else f"pkg-{i}"
        tarball = f"{server.base_url}/{name}/-/{name.rpartition('/')[2]}-1.0.0.tgz"
        packages[f"node_modules/{name}"] = {
            "version": "1.0.0",
            "resolved": tarball,
            "integrity": f"sha512-{i:064d}",
        }
        if i % 2 == 0:
            server.route(f"/{quote(name, safe='@')}", Reply.json(_packument(name)))
    lock = {"name": "bench", "version": "1.0.0", "lockfileVersion": 3, "packages": packages}
    (folder / "package-lock.json").write_text(json.dumps(lock, indent=2))


def _packument(name: str) -> dict[str, object]:
    repo = f"git+https://github.com/bench-org/{name.rpartition('/')[2]}.git"
    return {
        "name": name,
        "maintainers": [PERSON],
        "repository": {"type": "git", "url": repo},
        "versions": {"1.0.0": {"name": name, "version": "1.0.0", "_npmUser": PERSON}},
    }


def _pypi_tree(folder: Path, server: LoopbackServer, count: int) -> None:
    """requirements.txt of `count` pinned projects; PyPI knows the even-numbered ones."""
    lines = []
    for i in range(count):
        name = f"bench-project-{i}"
        lines.append(f"{name}==1.0.0")
        if i % 2 == 0:
            doc = {
                "info": {"name": name, "version": "1.0.0", "author_email": PERSON["email"]},
                "urls": [],
            }
            server.route(f"/pypi/{name}/1.0.0/json", Reply.json(doc))
    (folder / "requirements.txt").write_text("\n".join(lines) + "\n")


def _depsdev_batch(known: Callable[[str], bool]) -> Callable[[Seen], Reply]:
    """deps.dev's GetVersionBatch: a Version for each known package, an empty answer otherwise."""

    def answer(seen: Seen) -> Reply:
        asked = json.loads(seen.body or b"{}").get("requests", [])
        out = []
        for item in asked:
            key = item.get("versionKey", {})
            version = {"versionKey": key, "links": []} if known(key.get("name", "")) else None
            out.append({"request": item, **({"version": version} if version else {})})
        return Reply.json({"responses": out, "nextPageToken": ""})

    return answer


def _even(name: str) -> bool:
    digits = "".join(ch for ch in name.rpartition("-")[2] if ch.isdigit())
    return bool(digits) and int(digits) % 2 == 0


_SCAN_IMPORTS = (
    "import feeds.load, scanner.pipeline, scanner.enrich.sources, scanner.enrich.memo,"
    " scanner.assess.run, scanner.report.terminal, scanner.commands.scan"
)


def _time(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, check=False, capture_output=True)
    return time.perf_counter() - t0


def _measure(
    label: str, folder: Path, server: LoopbackServer, env: dict[str, str], runs: int
) -> None:
    cli = [sys.executable, "-m", "scanner"]
    scan = [*cli, "scan", str(folder), "--report", f"table={folder / 'table.txt'}"]
    before = len(server.requests)
    cold = _time(scan, env)
    cold_requests = len(server.requests) - before
    warms, warm_requests = [], 0
    for _ in range(runs):
        before = len(server.requests)
        warms.append(_time(scan, env))
        warm_requests = max(warm_requests, len(server.requests) - before)
    sbom_argv = [*cli, "sbom", str(folder), "-o", str(folder / "sbom.json")]
    sboms = [_time(sbom_argv, env) for _ in range(runs)]
    # The same scan without lookups: start-up, assessment (never kept without provenance)
    # and reports on their own.
    floors = [_time([*scan, "--no-network"], env) for _ in range(runs)]
    report = folder / "report.json"
    subprocess.run([*scan[:-2], "--report", f"json={report}"], env=env, capture_output=True)
    stages = ", ".join(
        f"{s['name']} {s['seconds']:.2f} s" for s in json.loads(report.read_text())["stages"]
    )
    # What the scan pays before it reads a file: the interpreter, and importing what a scan
    # needs beyond `sbom` (the knowledge base, enrichment, assessment, reports).
    bare = [_time([sys.executable, "-c", "pass"], env) for _ in range(runs)]
    imports = [_time([sys.executable, "-c", _SCAN_IMPORTS], env) for _ in range(runs)]
    warm, sbom, floor = (statistics.median(t) for t in (warms, sboms, floors))
    print(f"{label}:")
    print(f"  cold scan {cold:.2f} s, {cold_requests} requests")
    print(f"  warm scan {warm:.2f} s, {warm_requests} requests (target 0)")
    print(f"  icts-scan sbom {sbom:.2f} s; warm/sbom {warm / sbom:.2f}x (target <= 1.5)")
    print(
        f"  scan --no-network {floor:.2f} s ({floor / sbom:.2f}x sbom): no lookups, but"
        " assessed every time (nothing is kept without provenance)"
    )
    print(f"  warm stages: {stages}")
    print(
        f"  interpreter {statistics.median(bare):.2f} s; importing the scan's modules"
        f" {statistics.median(imports) - statistics.median(bare):.2f} s more"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--npm", type=int, default=1600, help="npm packages in the lockfile")
    ap.add_argument("--pypi", type=int, default=120, help="projects in requirements.txt")
    ap.add_argument("--latency", type=float, default=0.02, help="seconds added to every answer")
    ap.add_argument("--runs", type=int, default=3, help="warm and sbom runs (median)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(latency=args.latency) as server:
        server.route("/v3alpha/versionbatch", _depsdev_batch(_even))
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env = {k: v for k, v in env.items() if not k.endswith("_TOKEN")}
        # As installed: pip compiles bytecode on install, so no run may recompile every module
        # (a checkout run with PYTHONDONTWRITEBYTECODE=1 would, and more for scan than sbom).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update({e.env: server.base_url for e in ENDPOINTS})
        env.update(ICTS_SCAN_GOGET_URL=server.base_url, PYTHONPATH=str(ROOT))
        for label, build, count in (
            (f"npm, {args.npm} packages", _npm_tree, args.npm),
            (f"PyPI, {args.pypi} projects", _pypi_tree, args.pypi),
        ):
            folder = Path(tmp) / label.split(",")[0]
            folder.mkdir()
            build(folder, server, count)
            env["ICTS_SCAN_CACHE_DIR"] = str(folder / "cache")
            _measure(label, folder, server, env, args.runs)


if __name__ == "__main__":
    main()
