"""The store and fleet extras stay out of plain scans: no SQLAlchemy, psycopg or Dask import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO

PROBE = """
import sys
from scanner import cli
cli.build_parser()
code = cli.main(["scan", sys.argv[1], "--no-network", "--report", "json=" + sys.argv[2]])
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "psycopg", "dask", "distributed"})
print(code, heavy)
"""


def test_a_plain_scan_imports_none_of_the_heavy_extras(tmp_path: Path) -> None:
    env = {"ICTS_SCAN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    project = FIXTURES / "e2e" / "project"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(project), str(tmp_path / "r.json")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.split(" ", 1)[1].strip() == "[]", out.stdout
