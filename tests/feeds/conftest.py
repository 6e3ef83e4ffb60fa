"""Fixtures for the knowledge-base tests: the shipped feed, and writable copies of it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import feeds
from feeds import manifest
from feeds.jsonfmt import dumps
from feeds.load import PACKAGED_DIR, as_of, read

FIXTURES = Path(__file__).parent / "fixtures"
CSL_SAMPLE = FIXTURES / "csl" / "consolidated.sample.json"
CSL_SAMPLE_CSV = FIXTURES / "csl" / "consolidated.sample.csv"
CSL_EDGE = FIXTURES / "csl" / "edge-cases.synthetic.json"


@pytest.fixture(scope="session")
def shipped() -> feeds.FeedSet:
    return feeds.load()


def rehash(root: Path) -> None:
    """Rewrite the manifest of a test data folder after deliberate edits."""
    raw = read(root)
    manifest.write_manifest(root, raw.digests, as_of(raw.docs))


def edit_json(
    root: Path, name: str, change: Callable[[Any], None], *, rehash_after: bool = True
) -> None:
    path = root / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(dumps(doc), encoding="utf-8")
    if rehash_after:
        rehash(root)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    root = tmp_path / "data"
    shutil.copytree(PACKAGED_DIR, root)
    return root


def entity(
    eid: str, name: str, jurisdiction: str, src: str = "S-ecfr-791-4", **extra: Any
) -> dict[str, Any]:
    return {
        "id": eid,
        "kind": "company",
        "names": [{"value": name, "type": "legal", "free_text": True, "src": [src]}],
        "jurisdiction": {"value": jurisdiction, "basis": "organized", "src": [src]},
        **extra,
    }


def ident(kind: str, value: str, src: str = "S-ecfr-791-4") -> dict[str, Any]:
    return {"kind": kind, "value": value, "scope": "organisation", "src": [src]}


@pytest.fixture
def extra_root(data_copy: Path) -> Path:
    """The shipped data plus test entities for identifier kinds the shipped data lacks."""
    records = [
        entity(
            "test-registry-owner",
            "Example Registry Owner Holdings Co., Ltd.",
            "CN",
            identifiers=[
                ident("pypi_org", "example-org"),
                ident("pypi_owner", "example-owner"),
                ident("nuget_owner", "ExampleNuGetOwner"),
                ident("gem_owner", "example-gem-owner"),
                ident("gitlab_group", "example-group"),
            ],
        ),
        entity(
            "test-affiliate-child",
            "Example Minority Held Widget Company",
            "SG",
            parent={"id": "alibaba-group", "relation": "affiliate", "src": ["S-ecfr-791-4"]},
        ),
    ]
    (data_copy / "entities" / "test-extra.json").write_text(
        dumps({"feed": "entities", "version": 1, "as_of": "2026-11-28", "records": records}),
        encoding="utf-8",
    )
    rehash(data_copy)
    return data_copy
