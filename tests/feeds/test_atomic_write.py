"""Knowledge-base files written by curation keep their permissions: a temporary file is private."""

from __future__ import annotations

import stat
from pathlib import Path

from feeds.manifest import atomic_write


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_rewritten_file_keeps_its_permissions_and_a_new_one_is_readable(tmp_path: Path) -> None:
    shared, private, new = tmp_path / "shared.json", tmp_path / "private.json", tmp_path / "n.json"
    for path, mode in ((shared, 0o644), (private, 0o600)):
        path.write_text("{}")
        path.chmod(mode)
        atomic_write(path, '{"a": 1}\n')
        assert _mode(path) == mode and path.read_text() == '{"a": 1}\n'
    atomic_write(new, "{}\n")
    assert _mode(new) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
