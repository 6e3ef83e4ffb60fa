"""A corrupt or hand-edited data file gives a clear error naming file, record and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import feeds
from feeds.manifest import MANIFEST

from .conftest import edit_json, entity, ident


def problems(root: Path) -> list[str]:
    feedset, found = feeds.inspect(root)
    assert feedset is None
    return [str(p) for p in found]


def first_entity(doc: dict[str, Any], eid: str) -> dict[str, Any]:
    return next(r for r in doc["records"] if r["id"] == eid)


def test_unknown_key_names_file_record_and_field(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_entity(doc, "alibaba-group")["identifiers"][0]["srcs"] = ["S-ecfr-791-4"]

    edit_json(data_copy, "entities/cn-internet.json", change)
    with pytest.raises(feeds.FeedError) as caught:
        feeds.load(data_copy)
    p = caught.value.problems[0]
    assert (p.file, p.record, p.field) == (
        "entities/cn-internet.json",
        "'alibaba-group' (#1)",
        "identifiers[0].srcs",
    )
    assert "unknown key" in p.message and "src" in p.message
    assert (
        "entities/cn-internet.json: record 'alibaba-group' (#1): field identifiers[0].srcs"
        in str(caught.value)
    )


def test_bad_enum_and_missing_key(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_entity(doc, "tencent")["identifiers"][0]["kind"] = "gihub_org"
        del first_entity(doc, "baidu")["jurisdiction"]["basis"]

    edit_json(data_copy, "entities/cn-internet.json", change)
    found = problems(data_copy)
    assert any(
        "'tencent'" in p and "identifiers[0].kind" in p and '"gihub_org"' in p for p in found
    )
    assert any("'baidu'" in p and "jurisdiction.basis: missing required key" in p for p in found)


def test_invalid_json_names_line(data_copy: Path) -> None:
    path = data_copy / "profiles.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"icts"', '"icts",,', 1), encoding="utf-8"
    )
    found = problems(data_copy)
    assert found[0].startswith("profiles.json: invalid JSON at line ")


def test_unknown_feed(data_copy: Path) -> None:
    edit_json(data_copy, "profiles.json", lambda doc: doc.update(feed="profile"))
    assert problems(data_copy) == [
        'profiles.json: field feed: unknown feed "profile" (allowed: sources, jurisdictions, profiles, entities, '
        "negative-controls, prohibitions, infrastructure, email-providers, csl-snapshot, manifest, rules, "
        "rejected)"
    ]


def test_dangling_parent_cycle_duplicates_and_sources(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_entity(doc, "tencent")["parent"] = {
            "id": "riot-games",
            "relation": "controlled",
            "src": ["S-ecfr-791-4"],
        }
        first_entity(doc, "baidu")["parent"] = {
            "id": "no-such-entity",
            "relation": "subsidiary",
            "src": ["S-ecfr-791-4"],
        }
        first_entity(doc, "meituan")["identifiers"].append(ident("github_org", "Alibaba"))
        first_entity(doc, "youzan")["names"][0]["src"] = ["NO-SUCH-SOURCE"]

    edit_json(data_copy, "entities/cn-internet.json", change)
    found = problems(data_copy)
    assert any("'baidu'" in p and "parent.id: dangling parent 'no-such-entity'" in p for p in found)
    assert any("ownership cycle:" in p and "riot-games" in p and "tencent" in p for p in found)
    assert any(
        "'meituan'" in p and "github_org 'alibaba' is also claimed by 'alibaba-group'" in p
        for p in found
    )
    assert any(
        "'youzan'" in p and "names[0].src: unknown source id 'NO-SUCH-SOURCE'" in p for p in found
    )


def test_consumer_domain_cannot_be_corporate(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["records"].append(
            entity(
                "test-qq",
                "Example Mailbox User Company",
                "CN",
                identifiers=[ident("email_domain", "qq.com")],
            )
        )

    edit_json(data_copy, "entities/cn-internet.json", change)
    assert any("'qq.com' is a consumer mailbox domain" in p for p in problems(data_copy))


def test_invalid_identifier_and_calendar_date(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        first_entity(doc, "jd-com")["identifiers"].append(ident("npm_scope", "@Bad Scope"))
        first_entity(doc, "jd-com")["names"][0]["as_of"] = "2025-02-30"

    edit_json(data_copy, "entities/cn-internet.json", change)
    found = problems(data_copy)
    assert any("'jd-com'" in p and "is not a valid npm_scope" in p for p in found)
    assert any("'jd-com'" in p and "names[0].as_of: not a calendar date" in p for p in found)


def test_valid_hand_edit_fails_the_digest_check(data_copy: Path) -> None:
    edit_json(
        data_copy,
        "profiles.json",
        lambda doc: doc["records"][0].update(title="Edited"),
        rehash_after=False,
    )
    found = problems(data_copy)
    assert found == [
        "profiles.json: digest differs from MANIFEST.json (file was edited or corrupted); "
        "review the change, then run `icts-scan feeds verify --rehash`"
    ]
    assert feeds.load(data_copy, check_digests=False).profile("icts").title == "Edited"


def test_missing_and_unlisted_files(data_copy: Path) -> None:
    (data_copy / "csl" / "snapshot.json").unlink()
    (data_copy / "extra.json").write_text(
        (data_copy / "profiles.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = problems(data_copy)
    assert any("a second 'profiles' file (only one allowed)" in p for p in found)
    assert any("duplicate profiles id" in p for p in found)
    (data_copy / "extra.json").unlink()
    found = problems(data_copy)
    assert found == ["csl/snapshot.json: listed in MANIFEST.json but missing"]
    (data_copy / MANIFEST).unlink()
    assert "MANIFEST.json: missing; run `icts-scan feeds verify --rehash`" in problems(data_copy)


def test_missing_data_folder(tmp_path: Path) -> None:
    assert problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: data folder not found"]


def test_uncited_source_is_reported(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["records"].append(
            {
                "id": "R-UNUSED",
                "url": "https://example.org/",
                "title": "Never cited",
                "kind": "press",
                "as_of": "2026",
                "accessed": "2026-11-28",
            }
        )

    edit_json(data_copy, "sources.json", change)
    assert problems(data_copy) == ["sources.json: record 'R-UNUSED': not cited by any fact"]


def test_excludes_belong_to_a_name_family_and_fit_it(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        idents = first_entity(doc, "jd-com")["identifiers"]
        idents.append({**ident("pypi_name_pattern", "jdcloud-*"), "excludes": ["other-sdk"]})
        idents.append({**ident("npm_scope", "@jdcloud"), "excludes": ["@jdcloud/x"]})

    edit_json(data_copy, "entities/cn-internet.json", change)
    found = problems(data_copy)
    assert any(
        "excludes" in p and "'other-sdk' is not a name of the family 'jdcloud-*'" in p
        for p in found
    )
    assert any(
        "excludes" in p and "'@jdcloud/x' is not a name of the family '@jdcloud'" in p
        for p in found
    )
