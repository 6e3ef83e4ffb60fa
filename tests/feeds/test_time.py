"""The knowledge base as of a day: listings, vacaturs, namespaces that change hands, list rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import feeds
from tests.feeds.conftest import edit_json, entity, ident
from tests.feeds.test_errors import problems


def lists(fs: feeds.FeedSet, eid: str) -> set[tuple[str, str]]:
    return {(li.list, li.status) for _, li in fs.resolve(eid).listings}


def test_a_listing_counts_from_its_date(shipped: feeds.FeedSet) -> None:
    # DoD added Tencent to the 1260H list by 90 FR 1105, published 2025-01-07.
    assert ("DOD-1260H", "listed") not in lists(shipped.at(date(2024, 12, 1)), "tencent")
    assert ("DOD-1260H", "listed") in lists(shipped.at(date(2025, 2, 1)), "tencent")


def test_a_vacated_listing_stops_counting(shipped: feeds.FeedSet) -> None:
    # Xiaomi's January 2021 designation was enjoined and then vacated in May 2021.
    assert ("DOD-1237", "vacated") in lists(shipped.at(date(2021, 3, 1)), "xiaomi")
    assert not any(li == "DOD-1237" for li, _ in lists(shipped.at(date(2021, 6, 1)), "xiaomi"))


def test_a_namespace_that_changed_hands(shipped: feeds.FeedSet) -> None:
    # ECharts went from Baidu to the Apache Software Foundation in 2018.
    before = shipped.at(date(2017, 6, 1)).by_npm("echarts")
    after = shipped.at(date(2020, 1, 1)).by_npm("echarts")
    assert [r.entity.id for r in before] == ["baidu"]
    assert [(r.entity.id, r.link) for r in after] == [("apache-echarts", "collaboration")]


def _group(root: Path, child_share: str, relation: str = "subsidiary") -> None:
    listing = {
        "list": "BIS-EL",
        "status": "listed",
        "valid_from": "2020-01-01",
        "src": ["S-ecfr-791-4"],
    }
    records = [
        entity("test-listed-parent", "Listed Parent Holdings Co., Ltd.", "CN", listings=[listing]),
        entity(
            "test-owned-child",
            "Owned Child Technology Co., Ltd.",
            "SG",
            parent={
                "id": "test-listed-parent",
                "relation": relation,
                "share": child_share,
                "src": ["S-ecfr-791-4"],
            },
            identifiers=[ident("github_org", "test-owned-child-org")],
        ),
        entity(
            "test-minority-venture",
            "Minority Venture Software Inc.",
            "US",
            stakes=[{"holder": "test-listed-parent", "share": "40%", "src": ["S-ecfr-791-4"]}],
            identifiers=[ident("github_org", "test-minority-venture-org")],
        ),
    ]

    def add(doc: dict[str, Any]) -> None:
        doc["records"].extend(records)

    edit_json(root, "entities/ru.json", add)


def test_a_minority_joint_venture_is_not_owned(data_copy: Path) -> None:
    _group(data_copy, "60%")
    fs = feeds.load(data_copy)
    venture = fs.by_code_host_org("github.com", "test-minority-venture-org")
    assert [r.linked for r in venture] == [False]  # a stake is recorded, never looked through
    assert fs.entities["test-minority-venture"].stakes[0].share == "40%"
    owned = fs.by_code_host_org("github.com", "test-owned-child-org")
    assert [(r.link, r.via) for r in owned] == [("ownership", "test-listed-parent")]


def test_a_minority_share_cannot_be_a_subsidiary(data_copy: Path) -> None:
    _group(data_copy, "40%")
    assert any("40% is a minority stake" in p for p in problems(data_copy))


def test_the_affiliates_rule_in_force_and_suspended(data_copy: Path) -> None:
    _group(data_copy, "60%")
    fs = feeds.load(data_copy)

    def by_rule(day: date) -> bool:
        return ("BIS-EL", "by-rule") in lists(fs.at(day), "test-owned-child")

    assert not by_rule(date(2025, 9, 1))  # before the rule (2025-09-29)
    assert by_rule(date(2025, 10, 15))  # in force
    assert not by_rule(date(2025, 12, 1))  # suspended from 2025-11-10 for a year
    assert by_rule(date(2026, 11, 15))  # the suspension ended 2026-11-09
    # Undated, the parent's own listing shows on the chain; a rule needs a day to apply.
    assert ("BIS-EL", "by-rule") not in lists(fs, "test-owned-child")


def test_below_the_threshold_the_rule_does_not_reach(data_copy: Path) -> None:
    _group(data_copy, "45%", relation="controlled")
    fs = feeds.load(data_copy)
    assert ("BIS-EL", "by-rule") not in lists(fs.at(date(2025, 10, 15)), "test-owned-child")
