"""Bounded inventories: components per file and in total, memory and time linear in the input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sbom import limits
from sbom.build import inventory_from_tree
from sbom.ecosystems.python import requirements
from sbom.ingest import ingest
from sbom.read import parse_bytes
from scanner.cli import main

MiB = 1024 * 1024
# What the child prints last: its own peak RSS (ru_maxrss is KiB on Linux).
_PEAK = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)"


def _names(count: int, start: int = 0) -> str:
    return "".join(f"p{n:x}==1\n" for n in range(start, start + count))


def _flood(path: Path, size: int) -> None:
    """A requirements file of ``size`` bytes naming a different package on every line."""
    with path.open("w") as fh:
        n = 0
        while fh.tell() < size:
            fh.write(_names(100_000, n))
            n += 100_000


def _peak_rss(tmp_path: Path, *argv: str) -> tuple[int, str]:
    """Run the CLI in a fresh interpreter; its peak RSS in bytes and its stderr."""
    code = f"import sys; from scanner.cli import main; main({list(argv)!r}); {_PEAK}"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    return int(done.stdout.split()[-1]), done.stderr


def test_a_huge_requirements_file_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    # Issue 10: a 62 MiB requirements.txt took 6.7 GiB in `sbom`, 8 MiB 4.25 GiB in `scan`.
    tree = tmp_path / "tree"
    tree.mkdir()
    _flood(tree / "requirements.txt", 62 * MiB)
    out = tmp_path / "sbom.json"
    rss, err = _peak_rss(tmp_path, "sbom", str(tree), "--no-git", "-o", str(out))
    assert rss < 1024 * MiB, f"sbom peaked at {rss // MiB} MiB"
    assert "over the limit of 100000 per file" in err and "Traceback" not in err
    assert json.loads(out.read_text())["components"] == []
    (tree / "requirements.txt").write_text((tree / "requirements.txt").read_text()[: 8 * MiB])
    report = tmp_path / "report.json"
    rss, err = _peak_rss(tmp_path, "scan", str(tree), "--no-network", f"--report=json={report}")
    assert rss < 1024 * MiB, f"scan peaked at {rss // MiB} MiB"
    assert "over the limit" in json.loads(report.read_text())["issues"][0]["message"]


def test_per_file_limit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(limits.PER_FILE_ENV, "50")
    data = _names(50).encode()
    assert len(parse_bytes(data, "requirements.txt", requirements).components) == 50
    over = parse_bytes(data + b"one-more==1\n", "requirements.txt", requirements)
    assert over.components == () and len(over.issues) == 1
    assert over.issues[0].message == (
        "pypi/requirements: 51 components: over the limit of 50 per file "
        "(set ICTS_SCAN_MAX_COMPONENTS_PER_FILE); skipped"
    )
    # Far over: the parse stops early instead of building everything first.
    runaway = parse_bytes(_names(10_000).encode(), "requirements.txt", requirements)
    assert runaway.issues[0].message.startswith("pypi/requirements: too many components")


def test_an_sbom_is_held_to_the_per_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(limits.PER_FILE_ENV, "10")
    comps = [{"type": "library", "name": f"p{n}", "purl": f"pkg:pypi/p{n}@1"} for n in range(11)]
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps}
    inv = ingest(json.dumps(doc).encode(), "bom.json")
    assert inv.components == ()
    assert "11 components: over the limit of 10 per file" in inv.issues[0].message


def test_total_limit_leaves_the_rest_out_with_an_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(limits.TOTAL_ENV, "70")
    for n in range(4):
        (tmp_path / f"requirements-{n}.txt").write_text(_names(30, 30 * n))
    inv = inventory_from_tree(str(tmp_path), use_git=False)
    assert len(inv.components) == 70
    messages = [(i.path, i.message) for i in inv.issues]
    assert messages == [
        (
            "requirements-2.txt",
            "the inventory reached the limit of 70 components (set ICTS_SCAN_MAX_COMPONENTS); "
            "20 more left out",
        ),
        (
            "requirements-3.txt",
            "the inventory reached the limit of 70 components (set ICTS_SCAN_MAX_COMPONENTS); "
            "this and 0 more files not read",
        ),
    ]


@pytest.mark.parametrize("value", ["0", "-5", "lots", "1e9"])
def test_a_mistyped_limit_is_a_usage_error(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv(limits.TOTAL_ENV, value)
    assert main(["sbom", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("icts-scan: error: ICTS_SCAN_MAX_COMPONENTS=") and "whole number" in err


def test_one_package_named_again_and_again_merges_in_linear_time() -> None:
    # Merging sighting by sighting re-sorted the growing location list: 20,000 repeats took
    # minutes. A child with a generous deadline: it finishes in about a second now.
    code = (
        "from sbom.read import parse_bytes; from sbom.ecosystems.python import requirements; "
        "r = parse_bytes(b'a==1\\n' * 50_000, 'requirements.txt', requirements); "
        "print(len(r.components[0].locations))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["50000"]
