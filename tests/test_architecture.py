"""The house stays as drawn in docs/architecture.md: imports only go down, privates stay home."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

# Layers, bottom first (docs/architecture.md). A module may import its own package and any
# package of a lower layer; never one of its own layer or above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("sbom", "feeds"),
    ("scanner", "scanner.text"),
    ("scanner.version", "scanner.net"),
    ("scanner.config", "scanner.enrich", "scanner.monorepo"),
    ("scanner.assess", "scanner.curation"),
    ("scanner.pipeline", "scanner.progress"),
    ("scanner.report", "scanner.runs"),
    ("scanner.diff", "scanner.store"),
    ("scanner.history", "scanner.fleet"),
    ("scanner.commands",),
    ("scanner.cli",),
    ("scanner.github", "scanner.__main__"),
)
RANK = {name: n for n, layer in enumerate(LAYERS) for name in layer}


def _unit(module: str) -> str:
    """The architectural unit of a module: a top-level package, or scanner's sub-package/module."""
    parts = module.removesuffix(".__init__").split(".")
    if parts[0] != "scanner" or len(parts) == 1:
        return parts[0]
    return f"scanner.{parts[1]}"


def _modules() -> Iterator[tuple[str, Path]]:
    for top in ("sbom", "feeds", "scanner"):
        for path in sorted((REPO / top).rglob("*.py")):
            yield ".".join(path.relative_to(REPO).with_suffix("").parts), path


def _imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module imported, names imported from it) for every absolute import of our packages."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def test_every_unit_has_a_layer() -> None:
    units = {_unit(m) for m, _ in _modules()}
    assert units <= set(RANK), f"add to LAYERS and docs/architecture.md: {units - set(RANK)}"


def test_imports_only_go_down() -> None:
    wrong = []
    for module, path in _modules():
        source = _unit(module)
        for target_module, _ in _imports(path):
            target = _unit(target_module)
            if target not in RANK or target == source:
                continue
            if RANK[target] >= RANK[source]:
                wrong.append(f"{module} imports {target_module}")
    assert wrong == []


def test_sbom_and_feeds_stand_alone() -> None:
    wrong = []
    for module, path in _modules():
        unit = _unit(module)
        if unit in ("sbom", "feeds"):
            forbidden = {"scanner", "feeds" if unit == "sbom" else "sbom"}
            wrong += [f"{module} imports {t}" for t, _ in _imports(path) if _unit(t) in forbidden]
    assert wrong == []


def test_no_private_module_of_another_package() -> None:
    wrong = []
    for module, path in _modules():
        home = module.rsplit(".", 1)[0]
        for target, names in _imports(path):
            parts = target.split(".")
            if parts[0] not in ("sbom", "feeds", "scanner"):
                continue
            privates = [p for p in parts[1:] if p.startswith("_") and p != "__init__"]
            # A private module, or a private name, of another package: make it public there.
            privates += [
                f"{target}.{n}" for n in names if n.startswith("_") and not n.endswith("__")
            ]
            if privates and target.rsplit(".", 1)[0] != home and target != home:
                wrong.append(f"{module} imports {privates}")
    assert wrong == []


def test_scanner_ground_floor_is_small() -> None:
    top = sorted(
        p.name
        for p in (REPO / "scanner").glob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    )
    assert len(top) <= 6, top
