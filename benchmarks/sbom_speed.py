"""Benchmark: `icts-scan sbom` end to end as a process, against cdxgen when it is installed.

1. Real lockfiles of 700–2,000 packages from the shared corpus: our wall time (median of
   --runs), cdxgen's (install and network features off) measured in the same run, the ratio,
   and whether both found the same component set (purls without qualifiers).
2. A synthetic monorepo of --lockfiles lockfiles with --packages packages each: wall time
   and peak RSS of one process.
Nothing here is asserted; it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("ICTS_SCAN_CORPUS", ROOT.parent / "shared" / "corpus"))

# (corpus folder, lockfile) pairs with 700–2,000 packages.
REAL = [
    "cargo-lock-v3/tikv__tikv/Cargo.lock",
    "cargo-lock-v3/rustdesk__rustdesk/Cargo.lock",
    "cargo-lock-v4/web-infra-dev__rspack/Cargo.lock",
    "npm-lock-v3/gravity-ui__uikit/package-lock.json",
    "npm-lock-v3/infiniflow__ragflow/web/package-lock.json",
    "npm-lock-v1/apache__echarts/package-lock.json",
    "yarn-v1/ElemeFE__element/yarn.lock",
    "pnpm-v9/youzan__vant/pnpm-lock.yaml",
    "python-uv/infiniflow__ragflow/uv.lock",
    "go-vendor/kubeedge__kubeedge/go.mod",
    "pnpm-v6/web-infra-dev__rspack/pnpm-lock.yaml",
    "npm-shrinkwrap/firebase__firebase-tools/npm-shrinkwrap.json",
    "yarn-berry/prettier__prettier/yarn.lock",
    "bun-lock/honojs__hono/bun.lock",
]


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and exit code of a command."""
    t0 = time.perf_counter()
    rc = subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    ).returncode
    return time.perf_counter() - t0, rc


def _purls(path: Path) -> set[str]:
    doc = json.loads(path.read_text())
    out = set()
    for c in doc.get("components", []):
        p = c.get("purl")
        if p:
            out.add(unquote(p.split("?", 1)[0].split("#", 1)[0]).lower())
    return out


def _stage(rel: str, tmp: Path) -> Path:
    """Copy one lockfile alone into a fresh folder so both tools see the same input."""
    src = CORPUS / rel
    # No dots in the folder name: cdxgen takes a path ending in ".json" for a file.
    dest = tmp / rel.replace("/", "_").replace(".", "_")
    dest.mkdir()
    shutil.copy(src, dest / src.name)
    return dest


def real_lockfiles(runs: int) -> None:
    cdxgen = shutil.which("cdxgen")
    print(f"cdxgen: {cdxgen or 'not installed (ratio not measured)'}")
    print(f"{'lockfile':58} {'pkgs':>5} {'ours s':>7} {'cdxgen s':>9} {'ratio':>6}  same set")
    env = {**os.environ, "FETCH_LICENSE": "false", "CDXGEN_NO_BANNER": "true"}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for rel in REAL:
            if not (CORPUS / rel).exists():
                continue
            folder = _stage(rel, tmp)
            ours_out = folder.parent / (folder.name + ".ours.json")
            ours_cmd = [
                sys.executable,
                "-m",
                "scanner",
                "sbom",
                str(folder),
                "--no-git",
                "-o",
                str(ours_out),
            ]
            ours = statistics.median(_timed(ours_cmd)[0] for _ in range(runs))
            n = len(_purls(ours_out))
            line = f"{rel:58} {n:>5} {ours:>7.3f}"
            if cdxgen:
                cdx_out = folder.parent / (folder.name + ".cdxgen.json")
                cdx_cmd = [
                    cdxgen,
                    "--no-install-deps",
                    "--lifecycle",
                    "pre-build",
                    "-o",
                    str(cdx_out),
                    str(folder),
                ]
                times = [_timed(cdx_cmd, env)[0] for _ in range(max(1, runs // 2))]
                theirs = statistics.median(times)
                same = "?"
                if cdx_out.exists():
                    a, b = _purls(ours_out), _purls(cdx_out)
                    same = (
                        "yes"
                        if a == b
                        else f"no (ours-only {len(a - b)}, cdxgen-only {len(b - a)})"
                    )
                line += f" {theirs:>9.3f} {theirs / ours:>5.1f}x  {same}"
            print(line, flush=True)


def _npm_lock(names: list[str]) -> str:
    pkgs = {
        "": {"name": "app", "version": "1.0.0", "dependencies": dict.fromkeys(names[:20], "^1.0.0")}
    }
    for n in names:
        pkgs[f"node_modules/{n}"] = {
            "version": "1.0.0",
            "resolved": f"https://registry.npm.invalid/{n}/-/{n}-1.0.0.tgz",
            "integrity": "sha512-" + "A" * 86 + "==",
        }
    return json.dumps(
        {"name": "app", "lockfileVersion": 3, "requires": True, "packages": pkgs}, indent=2
    )


def _cargo_lock(names: list[str]) -> str:
    entries = (
        f'\n[[package]]\nname = "{n}"\nversion = "1.0.0"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
        f'checksum = "{"a" * 64}"\n'
        for n in names
    )
    return "version = 3\n" + "".join(entries)


def synthetic(lockfiles: int, packages: int) -> None:
    rng = random.Random(7)
    pool = [f"pkg-{i}" for i in range(max(packages * 20, 1))]
    with tempfile.TemporaryDirectory() as tmpdir:
        root = Path(tmpdir)
        for i in range(lockfiles):
            d = root / f"project-{i:03d}"
            d.mkdir()
            names = sorted(rng.sample(pool, packages))
            if i % 2:
                (d / "Cargo.lock").write_text(_cargo_lock(names))
            else:
                (d / "package-lock.json").write_text(_npm_lock(names))
        out = root / "out.json"
        cmd = [sys.executable, "-m", "scanner", "sbom", str(root), "--no-git", "-o", str(out)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        secs, rc = _timed(cmd)
        rss_mib = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        comps = len(json.loads(out.read_text())["components"]) if out.exists() else 0
        print(
            f"synthetic monorepo: {lockfiles} lockfiles x {packages} packages = "
            f"{lockfiles * packages} occurrences, {comps} distinct components: "
            f"{secs:.2f} s, peak RSS {rss_mib:.0f} MiB, exit {rc}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lockfiles", type=int, default=200)
    ap.add_argument("--packages", type=int, default=1000)
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true")
    args = ap.parse_args()
    if not args.skip_real:
        real_lockfiles(args.runs)
    if not args.skip_synthetic:
        synthetic(args.lockfiles, args.packages)


if __name__ == "__main__":
    main()
