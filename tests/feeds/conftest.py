"""Fixtures for the knowledge-base tests: the shipped feed, writable copies, the recorded walk."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import feeds
from feeds import manifest
from feeds.jsonfmt import dumps
from feeds.load import PACKAGED_DIR, as_of, read
from scanner.curation.walk import Limits, propose
from scanner.enrich.context import Context
from scanner.net.cache import MEMORY, Cache
from scanner.net.client import HttpClient, HttpSettings
from tests.loopback import LoopbackServer

from .recorded import TODAY, acme_data, environ, serve

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
                ident("crates_owner", "github:example-org:crates-publishers"),
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


FAST = HttpSettings(connect_timeout=1.0, read_timeout=2.0, retries=0, backoff_base=0.01)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A loopback server answering as the code hosts and registries of tests/fixtures/curation."""
    with LoopbackServer() as srv:
        serve(srv)
        yield srv


@pytest.fixture
def acme_root(data_copy: Path) -> Path:
    """The shipped data plus the entities the recorded walk starts from."""
    acme_data(data_copy)
    rehash(data_copy)
    return data_copy


@pytest.fixture
def run(server: LoopbackServer) -> Iterator[Callable[..., dict[str, Any]]]:
    """``feeds propose`` against the recorded answers; returns the proposal document."""
    clients: list[HttpClient] = []

    def go(root: Path, entity: str = "test-acme", **limits: int) -> dict[str, Any]:
        client = HttpClient(FAST, Cache(MEMORY))
        clients.append(client)
        ctx = Context(client=client, environ=environ(server))
        return propose(feeds.load(root), entity, ctx, TODAY, Limits(**limits))

    yield go
    for client in clients:
        client.close()
