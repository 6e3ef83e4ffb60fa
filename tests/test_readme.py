"""The README's generated tables match the registries; its Quick start is two commands."""

from __future__ import annotations

import re

from scripts.regenerate import formats_index, render
from tests.conftest import REPO


def test_generated_tables_are_current() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "run: python scripts/regenerate.py"


def test_lazy_format_index_is_current() -> None:
    index = (REPO / "sbom" / "formats_index.py").read_text(encoding="utf-8")
    assert index == formats_index(), "run: python scripts/regenerate.py"


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:sh|bash|console)\n(.*?)```", section, re.S)
    assert len(commands) == 2, commands
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
