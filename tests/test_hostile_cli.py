"""Lone surrogates and malformed URLs from a lockfile and a registry: every command still writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbom.export import FORMATS
from scanner.cli import main
from scanner.net.endpoints import ENDPOINTS
from scanner.report.formats import BY_NAME
from tests.conftest import FIXTURES
from tests.loopback import LoopbackServer, Reply
from tests.test_hostile_writers import check

# "\ud800" is how JSON spells a lone surrogate; json.dumps writes it so (ensure_ascii).
BAD = "x\ud800y"
LOCK = {
    "name": "app",
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "app", "dependencies": {"@acme/widget": "^1.2.3", "bad": "*"}},
        "node_modules/@acme/widget": {
            "version": "1.2.3",
            "resolved": f"https://registry.npm.invalid/@acme/widget/-/widget-1.2.3.tgz?{BAD}",
        },
        "node_modules/bad": {
            "name": f"bad{BAD}",
            "version": f"1.0.0-{BAD}",
            "resolved": "https://host.invalid/%zz/bad-1.0.0.tgz#a#b",
        },
    },
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "project"
    root.mkdir()
    (root / "package-lock.json").write_text(json.dumps(LOCK))
    packument = json.loads((FIXTURES / "enrich" / "npm" / "@acme%2fwidget.json").read_text())
    packument["author"] = {"name": BAD, "email": f"{BAD}@example.invalid", "url": "http://[x"}
    packument["repository"] = {"type": "git", "url": f"git+https://github.com/acme/{BAD}%zz"}
    packument["versions"]["1.2.3"]["repository"] = packument["repository"]
    with LoopbackServer() as server:
        server.route("/@acme%2Fwidget", Reply.json(packument))
        for e in ENDPOINTS:
            monkeypatch.setenv(e.env, server.base_url)
        monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
        yield root


@pytest.mark.parametrize("fmt", FORMATS)
def test_sbom_writes_every_format(
    project: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sbom.out"
    assert main(["sbom", str(project), "--no-git", "--format", fmt, "-o", str(out)]) == 0
    check(fmt, out.read_text(encoding="utf-8"))
    assert "Traceback" not in capsys.readouterr().err


def test_scan_writes_every_report(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = {name: tmp_path / f"report.{name}" for name in BY_NAME if name != "html"}
    args = [f"--report={name}={path}" for name, path in reports.items()]
    assert main(["scan", str(project), *args]) in (0, 1)
    for name, path in reports.items():
        check(name, path.read_text(encoding="utf-8"))
    assert "Traceback" not in capsys.readouterr().err


def test_provenance_writes_registry_text(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "provenance.json"
    assert main(["provenance", str(project), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    check("provenance", text)
    facts = [f for c in json.loads(text)["components"] for f in c["facts"]]
    # Recorded as the registry said it: the escape reads back as the same (lone) character.
    assert BAD in {f["value"] for f in facts}
