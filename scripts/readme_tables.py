"""Regenerates the README's generated tables from the registries (``--check`` only compares)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def formats_table() -> str:
    """Markdown table of every parser in the registry."""
    from sbom.ecosystems import PARSERS

    rows = ["| format id | what it reads | file patterns | used when |", "|---|---|---|---|"]
    for p in PARSERS:
        patterns = ", ".join(f"`{x}`" for x in p.PATTERNS)
        when = (
            "no lockfile ("
            + ", ".join(f"`{x}`" for x in p.SUPERSEDED_BY)
            + ") in its folder or above"
            if p.SUPERSEDED_BY
            else "always"
        )
        rows.append(f"| `{p.NAME}` | {p.TITLE} | {patterns} | {when} |")
    return "\n".join(rows)


TABLES = {"formats": formats_table}


def render(readme: str) -> str:
    """README text with every generated block replaced by its current content."""
    for name, make in TABLES.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
        readme = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), readme)
    return readme


def main() -> int:
    path = ROOT / "README.md"
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in sys.argv:
        return 0 if new == old else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
