"""The checks a release must pass: build, twine, what the wheel holds, and the wheel in a fresh venv.

Everything runs on an exported tree (``git archive``), never on the working copy, so what is
checked is exactly what is tagged, and nothing untracked can slip into a release.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from scripts.release_git import ReleaseError

PACKAGES = ("sbom", "feeds", "scanner")
VERSION_FILE = "scanner/__init__.py"
_VERSION = re.compile(r'^__version__ = "(?P<version>[^"]+)"$', re.M)
# Variables that would make the fresh venv see something other than the wheel.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "ICTS_SCAN_FEEDS_DIR")


def read_version(text: str) -> str:
    found = _VERSION.search(text)
    if not found:
        raise ReleaseError(f'{VERSION_FILE} has no `__version__ = "..."` line')
    return found["version"]


def write_version(text: str, version: str) -> str:
    read_version(text)  # the line must exist
    return _VERSION.sub(f'__version__ = "{version}"', text, count=1)


def feeds_label(src: Path) -> str:
    """The knowledge-base label the tree ships, from its manifest (as feeds.FeedVersion.label)."""
    doc = json.loads((src / "feeds" / "data" / "MANIFEST.json").read_text(encoding="utf-8"))
    return f"{doc['as_of']}+{doc['content_hash'].removeprefix('sha256:')[:12]}"


def _run(cmd: list[str], what: str, **kw: object) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise ReleaseError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return str(done.stdout)


def build(src: Path, dist: Path) -> tuple[Path, Path]:
    """sdist and wheel through `python -m build` (isolated build environment)."""
    _run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(src)],
        "python -m build",
    )
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise ReleaseError(f"expected one sdist and one wheel in {dist}, found {sdists + wheels}")
    _run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdists[0]), str(wheels[0])],
        "twine check",
    )
    return sdists[0], wheels[0]


def package_files(src: Path) -> set[str]:
    """Every file of the three packages in the exported tree: code, feeds data, schemas."""
    return {
        p.relative_to(src).as_posix()
        for pkg in PACKAGES
        for p in (src / pkg).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def contents_problems(src: Path, sdist: Path, wheel: Path, version: str) -> list[str]:
    """What the artifacts lack (every package file, feeds data and schemas) or should not have."""
    expected = package_files(src)
    with zipfile.ZipFile(wheel) as z:
        in_wheel = set(z.namelist())
    with tarfile.open(sdist) as t:
        prefix = f"icts_scan-{version}/"
        in_sdist = {n.removeprefix(prefix) for n in t.getnames()}
    problems = [f"wheel lacks {n}" for n in sorted(expected - in_wheel)]
    problems += [
        f"sdist lacks {n}" for n in sorted((expected | {"pyproject.toml", "LICENSE"}) - in_sdist)
    ]
    stray = sorted(
        n for n in in_wheel if n.split("/")[0] in {"tests", "scripts", "benchmarks", "examples"}
    )
    problems += [f"wheel should not hold {n}" for n in stray]
    for needed in (
        "feeds/data/MANIFEST.json",
        "feeds/data/schema.json",
        "scanner/report/schema/report-2.json",
    ):
        if needed not in expected:
            problems.append(f"the tree has no {needed}: the data check above would prove nothing")
    if not wheel.name.startswith(f"icts_scan-{version}-"):
        problems.append(f"wheel {wheel.name} is not version {version}")
    return problems


def fresh_venv(where: Path, wheel: Path) -> Path:
    """A new venv (no system site-packages) with the wheel and its dependencies; its bin folder."""
    _run([sys.executable, "-m", "venv", str(where)], "python -m venv")
    bindir = where / ("Scripts" if os.name == "nt" else "bin")
    pip = [str(bindir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, str(wheel)], f"pip install {wheel.name} into a fresh venv", env=clean_env(where))
    return bindir


def clean_env(work: Path) -> dict[str, str]:
    """The environment for running the installed wheel: nothing points at a source checkout."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env["ICTS_SCAN_CACHE_DIR"] = str(work / "cache")
    return env


def smoke_problems(bindir: Path, src: Path, work: Path, version: str, feeds: str) -> list[str]:
    """`icts-scan --version` and the README's demo scan, run from the wheel outside any checkout."""
    outside = work / "outside"
    outside.mkdir(exist_ok=True)
    env = clean_env(work)
    exe = str(bindir / "icts-scan")
    problems = []
    shown = _run([exe, "--version"], "icts-scan --version", cwd=outside, env=env).strip()
    if shown != f"icts-scan {version} (feeds {feeds})":
        problems.append(
            f"`icts-scan --version` printed {shown!r}, expected version {version} and feeds {feeds}"
        )
    where = _run(
        [str(bindir / "python"), "-I", "-c", "import scanner; print(scanner.__file__)"],
        "import scanner",
        cwd=outside,
        env=env,
    )
    if not Path(where.strip()).resolve().is_relative_to(bindir.parent.resolve()):
        problems.append(f"scanner was imported from {where.strip()}, not from the fresh venv")
    report = work / "ragflow-report.json"
    _run(
        [
            exe,
            "scan",
            str(src / "examples" / "ragflow"),
            "--no-network",
            "--fail-on",
            "critical",
            "--report",
            f"json={report}",
        ],
        "icts-scan scan examples/ragflow --no-network (from the wheel)",
        cwd=outside,
        env=env,
    )
    doc = json.loads(report.read_text(encoding="utf-8"))
    if (doc["tool"]["version"], doc["feeds"]["version"]) != (version, feeds):
        problems.append(f"the scan report names {doc['tool']} and {doc['feeds']}")
    if not doc["components"]:
        problems.append("the demo scan found no components")
    return problems
