"""The shipped knowledge base: verifies cleanly, meets the coverage promised, stays canonical."""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest

import feeds
from feeds.build import LazyTable
from feeds.jsonfmt import dumps
from feeds.load import PACKAGED_DIR
from feeds.manifest import data_files
from feeds.schema import shipped_schema


def test_shipped_feed_has_no_problems() -> None:
    feedset, problems = feeds.inspect()
    assert problems == []
    assert feedset is not None


def test_coverage(shipped: feeds.FeedSet) -> None:
    entities = [e for e in shipped.entities.values() if not e.negative_control]
    assert len(entities) >= 150
    by_jurisdiction = Counter(e.jurisdiction.value for e in entities)
    for code in ("CN", "RU", "IR", "KP", "CU", "VE"):
        assert by_jurisdiction[code] >= 1, code
    kinds = Counter(e.kind for e in entities)
    assert kinds["lab"] and kinds["foundation"] and kinds["university"] and kinds["project"]
    sectors = Counter(s for e in entities for s in e.sectors)
    for sector in ("ai", "cloud", "devices", "security"):
        assert sectors[sector] >= 3, sector
    assert sum(1 for e in entities if e.parent) >= 50
    negatives = {e.id for e in shipped.entities.values() if e.negative_control}
    assert {"jetbrains", "clickhouse-inc", "nebius", "apache-software-foundation"} <= negatives
    assert shipped.csl is not None and shipped.csl.meta.complete is False


def test_every_fact_has_a_known_source(shipped: feeds.FeedSet) -> None:
    from feeds.checks import facts_of

    for e in shipped.entities.values():
        for _, fact in facts_of(e):
            assert fact.src and all(s in shipped.sources for s in fact.src), e.id


def test_jurisdictions_and_profiles(shipped: feeds.FeedSet) -> None:
    icts = set(shipped.profile("icts").jurisdictions)
    assert icts == {"CN", "HK", "MO", "CU", "IR", "KP", "RU", "VE-MADURO"}
    assert "VE" not in icts  # the regime, not the state
    assert set(shipped.profile("connected-vehicles").jurisdictions) == {"CN", "HK", "MO", "RU"}
    assert {"VE", "VE-MADURO"} <= set(shipped.profile("bulk-data").jurisdictions)
    assert shipped.default_profile == "icts"
    assert ("中国", "xn--fiqs8s") in shipped.jurisdictions["CN"].idn_cctlds
    assert shipped.jurisdictions["MO"].part_of == "CN"


# schema.json is formatted by hand for reading; every data file is formatted by feeds.jsonfmt.
@pytest.mark.parametrize("name", [n for n in data_files(PACKAGED_DIR) if n != "schema.json"])
def test_files_are_canonically_formatted(name: str) -> None:
    text = (PACKAGED_DIR / name).read_text(encoding="utf-8")
    assert dumps(json.loads(text)) == text, f"reformat {name} with feeds.jsonfmt.dumps"


@pytest.mark.parametrize("name", [n for n in data_files(PACKAGED_DIR) if n != "schema.json"])
def test_files_validate_with_reference_jsonschema(name: str) -> None:
    # The fast in-house validator must agree with a reference implementation on real data.
    schema = shipped_schema().document
    doc = json.loads((PACKAGED_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_feed_version_is_content_hash_and_date(shipped: feeds.FeedSet) -> None:
    version = shipped.version
    assert version.content_hash.startswith("sha256:") and len(version.content_hash) == 71
    assert len(version.as_of) == 10 and version.as_of[4] == "-"
    assert version.label == f"{version.as_of}+{version.content_hash[7:19]}"
    assert feeds.load().version == version


def test_a_trusted_load_reads_sources_on_first_use() -> None:
    """Sources are parsed when a match is cited, not on every scan; the result is the same."""
    checked, _ = feeds.inspect()  # every file parsed and checked
    fast = feeds.load()
    assert checked is not None
    assert fast.parts.files == checked.parts.files
    assert fast.version == checked.version  # the manifest's day stands for the unparsed file
    assert isinstance(fast.sources, LazyTable) and not fast.sources.loaded
    assert dict(fast.sources) == dict(checked.sources)
    [hit] = fast.by_npm("@antv/g2")
    assert hit.match is not None and hit.match.sources
