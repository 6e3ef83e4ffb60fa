"""The lazy format index: same formats as the registry, parser modules imported only when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sbom.formats import LAZY_PARSERS
from sbom.registry import PARSERS
from tests.conftest import REPO


def test_index_mirrors_registry() -> None:
    assert [(p.NAME, p.TITLE, p.PATTERNS, p.SUPERSEDED_BY) for p in LAZY_PARSERS] == [
        (p.NAME, p.TITLE, tuple(p.PATTERNS), tuple(p.SUPERSEDED_BY)) for p in PARSERS
    ]


def test_only_needed_parsers_are_imported(tmp_path: Path) -> None:
    (tmp_path / "Cargo.lock").write_text(
        'version = 3\n\n[[package]]\nname = "a"\nversion = "1.0.0"\n'
    )
    code = (
        "import sys; from sbom.build import inventory_from_tree;"
        f"inv = inventory_from_tree({str(tmp_path)!r}, use_git=False);"
        "loaded = sorted(m for m in sys.modules if m.startswith('sbom.ecosystems.'));"
        "print(len(inv.components), loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "1 ['sbom.ecosystems.rust', 'sbom.ecosystems.rust.cargo_lock']"
