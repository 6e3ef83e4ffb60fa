"""Resolution: parent chains with sources, the linking jurisdiction, negative controls, prohibitions."""

from __future__ import annotations

from pathlib import Path

import feeds


def chain(r: feeds.Resolution) -> list[str]:
    return [s.entity.id for s in r.chain]


def test_us_subsidiary_resolves_through_parent(shipped: feeds.FeedSet) -> None:
    r = shipped.by_name("Riot Games, Inc.")[0]
    assert chain(r) == ["riot-games", "tencent"]
    assert (r.link, r.jurisdiction, r.via) == ("ownership", "CN", "tencent")
    assert r.chain[0].relation == "subsidiary"
    assert {s.id for s in r.chain[0].relation_sources} == {"R-RIOT", "R-RIOT2"}
    assert r.chain[1].jurisdiction_sources[0].url.startswith("https://")
    assert ("tencent", "DOD-1260H") in {(eid, li.list) for eid, li in r.listings}


def test_three_level_state_ownership_chain(shipped: feeds.FeedSet) -> None:
    r = shipped.resolve("ubuntu-kylin")
    assert chain(r) == [
        "ubuntu-kylin",
        "kylin-software",
        "china-software",
        "china-electronics-corp",
    ]
    assert (r.link, r.via) == ("direct", "ubuntu-kylin")  # itself operated in China
    top = shipped.resolve("kylin-software")
    # China Software holds 40.25 % and consolidates Kylin: control without a majority.
    assert [s.relation for s in top.chain] == ["controlled", "controlled", None]


def test_singapore_brand_links_to_parent(shipped: feeds.FeedSet) -> None:
    r = shipped.by_code_host_org("github.com", "larksuite")[0]
    assert r.entity.jurisdiction.value == "SG"
    assert (r.link, r.jurisdiction, r.via) == ("ownership", "CN", "bytedance")
    assert r.verified is True  # Lark's Singapore seat and its parent both rest on sources read


def test_an_unverified_jurisdiction_makes_the_path_weigh_less(shipped: feeds.FeedSet) -> None:
    # Coze: CN operations is general knowledge (coze.com is provided from Singapore).
    assert shipped.entities["coze"].jurisdiction.verified is False
    assert shipped.resolve("coze").verified is False


def test_collaboration_is_a_weaker_link(shipped: feeds.FeedSet) -> None:
    r = shipped.by_maven_group("org.apache.dubbo")[0]
    assert (r.link, r.jurisdiction, r.via) == ("collaboration", "CN", "alibaba-group")


def test_affiliate_does_not_pass_a_link(extra_root: Path) -> None:
    fs = feeds.load(extra_root)
    r = fs.resolve("test-affiliate-child")
    assert chain(r) == ["test-affiliate-child", "alibaba-group"]
    assert r.link is None and not r.linked


def test_verified_flag_follows_the_matched_fact(shipped: feeds.FeedSet) -> None:
    assert shipped.by_email("x@alibaba-inc.com")[0].verified is True
    # BytePlus: the org's manifests name no company (verified: false in the data)
    r = shipped.by_code_host_org("github.com", "byteplus-sdk")[0]
    assert r.match is not None and r.match.verified is False and r.verified is False


def test_negative_controls_are_never_flagged(shipped: feeds.FeedSet) -> None:
    results = [
        *shipped.by_email("dev@nebius.com"),
        *shipped.by_code_host_org("github.com", "ClickHouse"),
        *shipped.by_go_module("github.com/ClickHouse/clickhouse-go/v2"),
        *shipped.by_pypi_name("clickhouse-connect"),
        *shipped.by_web_domain("https://www.jetbrains.com/idea/"),
        *shipped.by_maven_group("org.apache.commons.lang3"),
        *shipped.by_name("Nebius Group N.V."),
        *shipped.by_name("Yandex N.V."),  # Nebius's former name
    ]
    assert {r.entity.id for r in results} == {
        "nebius",
        "clickhouse-inc",
        "jetbrains",
        "apache-software-foundation",
    }
    for r in results:
        assert r.negative_control and not r.linked and r.link is None and not r.prohibited
    for profile in shipped.profiles:
        assert not shipped.resolve("nebius", profile).linked
    # The bare name still means the Russian company that kept the name.
    assert [r.entity.id for r in shipped.by_name("Yandex")] == ["yandex"]


def test_profiles_change_what_links(shipped: feeds.FeedSet) -> None:
    icts = shipped.resolve("cnti-venezuela", "icts")
    assert (icts.link, icts.jurisdiction, icts.verified) == ("ownership", "VE-MADURO", False)
    bulk = shipped.resolve("cnti-venezuela", "bulk-data")
    assert (bulk.link, bulk.jurisdiction) == ("direct", "VE")
    assert not shipped.resolve("cnti-venezuela", "connected-vehicles").linked
    assert not shipped.resolve("cafe-bazaar", "connected-vehicles").linked
    assert shipped.resolve("yandex", "connected-vehicles").jurisdiction == "RU"


def test_kaspersky_prohibition_reaches_affiliates(shipped: feeds.FeedSet) -> None:
    for eid in ("kaspersky-lab-inc", "kaspersky-ao", "kaspersky-group", "kaspersky-labs-limited"):
        r = shipped.resolve(eid)
        assert [p.id for p in r.prohibitions] == ["kaspersky-final-determination"], eid
        assert r.prohibited
    assert not shipped.resolve("positive-technologies").prohibited
    fd = shipped.prohibitions["kaspersky-final-determination"]
    assert fd.citation.text.startswith("89 FR 52434")
    assert {e.date for e in fd.dates} >= {"2024-07-20", "2024-09-29"}
    assert {c.id for c in fd.product_classes if c.covered} == {
        "cybersecurity-products",
        "anti-virus-software",
        "third-party-integration",
    }
    # Reached by the Maven namespace of its Android test framework too.
    r = shipped.by_maven_group("com.kaspersky.android-components")[0]
    assert r.entity.id == "kaspersky-ao" and r.prohibited


def test_listings_carry_dates_and_sources(shipped: feeds.FeedSet) -> None:
    huawei = shipped.entities["huawei"]
    el = next(li for li in huawei.listings if li.list == "BIS-EL")
    assert el.valid_from == "2019-05-16" and el.status == "listed"
    assert all(shipped.sources[s].url for s in el.src)
    r = shipped.by_repo_url("https://github.com/huaweicloud/huaweicloud-sdk-python-v3")[0]
    assert ("huawei", "BIS-EL") in {(eid, li.list) for eid, li in r.listings}
