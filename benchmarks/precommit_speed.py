"""Benchmark: `icts-scan pre-commit package-lock.json` as a process, against its 1 s budget.

A git repository holds a real ~1,900-package npm lockfile from the shared corpus at HEAD;
the working copy adds one package and its dependency (what `npm install one-package` does).
The cache is warmed first, as after a nightly `icts-scan scan`: every component's packument
(of --packument-kb each) from a loopback registry. Then, each timed as a subprocess with the
interpreter start included (median of --runs): `python -c pass`, the hook's command, and for
reference `--all` (every component checked from the warm cache). Printed, never asserted.
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
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = Path(os.environ.get("ICTS_SCAN_CORPUS", ROOT.parent / "shared" / "corpus"))
LOCKFILE = "npm-lock-v3/gravity-ui__uikit/package-lock.json"
BUDGET = 1.0
# The package the simulated change adds (npm scope of a China-linked entity) and its dependency,
# as `npm install --package-lock-only @douyinfe/semi-animation@2.103.0` records them.
ADDED = {
    "node_modules/@douyinfe/semi-animation": {
        "version": "2.103.0",
        "integrity": "sha512-eqfG0y9S9SI2gQi8dNRl2ksobef2Zsa+NONtJJz+1wQUCvb/kKLBNXyORIUrOnFar4n6upiCllNe+JG/9avIdA==",
        "license": "MIT",
        "dependencies": {"bezier-easing": "^2.1.0"},
    },
    "node_modules/bezier-easing": {
        "version": "2.1.0",
        "integrity": "sha512-gbIqZ/eslnUFC1tjEvtz0sgx+xTK20wDnYMIA27VA04R7w6xxXQPZDbibjA9DTWZRA2CXtwHykkVzlCaAJAZig==",
        "license": "MIT",
    },
}
_GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", "-c", "user.name=bench", "-c",
         "user.email=bench@example.invalid", *args],
        cwd=repo, check=True, capture_output=True, env={**os.environ, **_GIT_ENV},
    )  # fmt: skip


def _repository(tmp: Path) -> Path:
    """HEAD: the corpus lockfile; working copy: the same plus one added package."""
    repo = tmp / "repo"
    repo.mkdir()
    lock = repo / "package-lock.json"
    shutil.copyfile(CORPUS / LOCKFILE, lock)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    doc = json.loads(lock.read_text())
    doc["packages"][""].setdefault("dependencies", {})["@douyinfe/semi-animation"] = "^2.103.0"
    doc["packages"] = dict(sorted({**doc["packages"], **ADDED}.items()))
    lock.write_text(json.dumps(doc, indent=2) + "\n")
    return repo


def _packument(name: str, version: str, size: int) -> dict[str, object]:
    """A full packument of about ``size`` bytes: real ones list every version ever published."""
    one = {
        "name": name,
        "version": version,
        "_npmUser": {"name": "someone", "email": "someone@example.invalid"},
        "maintainers": [{"name": "someone", "email": "someone@example.invalid"}],
        "dist": {"tarball": "https://registry.example.invalid/x.tgz", "integrity": "sha512-x"},
    }
    versions = {version: one}
    for n in range(size // len(json.dumps(one))):
        versions[f"0.0.{n}"] = {**one, "version": f"0.0.{n}"}
    return {
        "name": name,
        "maintainers": one["maintainers"],
        "repository": {"type": "git", "url": f"git+https://example.invalid/{name}.git"},
        "versions": versions,
    }


def _warm(repo: Path, cache_dir: Path, size: int) -> tuple[float, int, dict[str, str]]:
    """Fill the cache through the real client from a loopback registry.

    Returns the time it took, the entries stored, and the endpoint variables used: cache keys
    hold the URL, so the timed runs must name the same (now silent) registry.
    """
    import feeds
    from sbom.build import inventory_from_tree
    from scanner.net.cache import Cache
    from scanner.net.endpoints import ENDPOINTS
    from scanner.pipeline import ScanRequest, scan
    from tests.loopback import LoopbackServer, Reply

    inventory = inventory_from_tree(str(repo))
    with LoopbackServer() as server:
        for c in inventory.components:
            if c.ecosystem == "npm" and c.version:
                body = _packument(c.name, c.version, size)
                server.route("/" + quote(c.name, safe="@"), Reply.json(body))
        saved = dict(os.environ)
        endpoints = {e.env: server.base_url for e in ENDPOINTS}
        os.environ.update(endpoints)
        os.environ["ICTS_SCAN_CACHE_DIR"] = str(cache_dir)
        try:
            t0 = time.perf_counter()
            scan(ScanRequest(path=str(repo), inventory=inventory), feeds.load())
            elapsed = time.perf_counter() - t0
        finally:
            os.environ.clear()
            os.environ.update(saved)
    with Cache(cache_dir / "http-cache.sqlite3") as cache:
        return elapsed, cache.info().entries, endpoints


def _time(cmd: list[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[float, int, str]:
    times, rc, out = [], 0, ""
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        rc, out = done.returncode, done.stdout
    return statistics.median(times), rc, out


def _command() -> list[str]:
    script = Path(sys.executable).parent / "icts-scan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "scanner"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--packument-kb", type=int, default=40, help="size of each cached packument")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = _repository(Path(tmp))
        cache_dir = Path(tmp) / "cache"
        fill, entries, endpoints = _warm(repo, cache_dir, args.packument_kb * 1024)
        size = sum(f.stat().st_size for f in cache_dir.iterdir()) / 1e6
        print(
            f"{LOCKFILE}: warm cache of {entries} entries, {size:.1f} MB "
            f"(filling it online took {fill:.1f} s)"
        )
        env = {**os.environ, **endpoints, "ICTS_SCAN_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"}
        # An installed tool has its bytecode compiled: let the untimed first run write it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([*_command(), "pre-commit", "package-lock.json"], cwd=repo, env=env,
                       capture_output=True)  # fmt: skip
        base, _, _ = _time([sys.executable, "-c", "pass"], repo, env, args.runs)
        print(f"python -c pass:                          {base:.3f} s")
        hook = [*_command(), "pre-commit", "package-lock.json"]
        took, rc, out = _time(hook, repo, env, args.runs)
        print(
            f"icts-scan pre-commit package-lock.json: {took:.3f} s (exit {rc}); "
            f"{took / BUDGET:.0%} of the {BUDGET:g} s budget, {took / base:.0f}x python -c pass"
        )
        for line in out.splitlines()[:2]:
            print("    " + line[:150])
        full, rc, out = _time([*hook, "--all"], repo, env, max(1, args.runs // 2))
        print(
            f"  … --all (all {entries} cached components): {full:.3f} s (exit {rc}); "
            f"{full / BUDGET:.0%} of the budget"
        )
        unknown = [ln for ln in out.splitlines() if "unknown provenance" in ln]
        print(
            "    " + (unknown[0] if unknown else "every component's provenance came from the cache")
        )


if __name__ == "__main__":
    main()
