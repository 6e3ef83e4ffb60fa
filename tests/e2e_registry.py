"""The end-to-end fixture's registries on loopback: every endpoint pointed at one server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.loopback import LoopbackServer, Reply, source_env

E2E = FIXTURES / "e2e"


def serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LoopbackServer]:
    """The recorded npm and PyPI answers of tests/fixtures/e2e, with a cache in `tmp_path`."""
    server = LoopbackServer().start()
    for path in (E2E / "registry" / "npm").glob("*.json"):
        server.route("/" + path.stem, Reply.file(path))
    for path in (E2E / "registry" / "pypi").glob("*.json"):
        name, _, version = path.stem.rpartition("-")
        server.route(f"/pypi/{name}/{version}/json", Reply.file(path))
    for name, value in source_env(server.base_url).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    yield server
    server.stop()
