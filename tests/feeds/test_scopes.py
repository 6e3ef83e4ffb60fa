"""What identifiers prove, which names may match free text, and what sources must show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feeds
from tests.feeds.conftest import edit_json
from tests.feeds.test_errors import first_entity, problems


def test_every_identifier_has_a_scope(shipped: feeds.FeedSet) -> None:
    from feeds.model import SCOPES

    scopes = {i.scope for e in shipped.entities.values() for i in e.identifiers}
    assert scopes <= set(SCOPES)
    assert all(i.src for e in shipped.entities.values() for i in e.identifiers)


def test_verify_rejects_a_missing_scope(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        del first_entity(doc, "tencent")["identifiers"][0]["scope"]

    edit_json(data_copy, "entities/cn-internet.json", change)
    assert any("identifiers[0].scope: missing required key" in p for p in problems(data_copy))


def test_verify_rejects_a_wrong_scope(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        tencent = first_entity(doc, "tencent")
        tencent["identifiers"].append(
            {
                "kind": "github_repo",
                "value": "tencent/x",
                "scope": "organisation",
                "src": ["E-ncnn"],
            }
        )
        tencent["identifiers"].append(
            {
                "kind": "npm_scope",
                "value": "@x-host",
                "scope": "hosting-platform",
                "src": ["E-ncnn"],
            }
        )

    edit_json(data_copy, "entities/cn-internet.json", change)
    found = problems(data_copy)
    assert any("github_repo proves one repository: scope repository" in p for p in found)
    assert any("scope hosting-platform cannot be a npm_scope" in p for p in found)


def test_verify_rejects_ambiguous_free_text_names(data_copy: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        for n in first_entity(doc, "moonshot-ai")["names"]:
            if n["value"] == "Kimi":
                n["free_text"] = True
        for n in first_entity(doc, "minimax")["names"]:
            n["free_text"] = True

    edit_json(data_copy, "entities/cn-ai.json", change)
    found = problems(data_copy)
    assert any("'moonshot-ai'" in p and "'Kimi'" in p for p in found)
    assert any("'minimax'" in p and "'MiniMax'" in p for p in found)


def test_verify_rejects_unpinned_repository_and_mirror_only_legal_fact(data_copy: Path) -> None:
    def sources(doc: dict[str, Any]) -> None:
        for s in doc["records"]:
            if s["id"] == "S-tc-tdesign-react-pkg" or (
                s.get("kind") == "repository" and "S-tc-" in s["id"]
            ):
                s.pop("commit")
                break
        doc["records"].append(
            {
                "id": "S-mirror-only",
                "url": "https://regulations.justia.com/regulations/fedreg/2024/06/24/2024-13532.html",
                "title": "copy of the Kaspersky determination",
                "kind": "secondary",
                "as_of": "2024-06-24",
                "accessed": "2026-12-06",
            }
        )

    def prohibitions(doc: dict[str, Any]) -> None:
        doc["records"][0]["citation"]["src"] = ["S-mirror-only"]

    edit_json(data_copy, "sources.json", sources, rehash_after=False)
    edit_json(data_copy, "prohibitions.json", prohibitions)
    found = problems(data_copy)
    assert any("a repository source needs repo, commit and path" in p for p in found)
    assert any("citation.src: only a copy site" in p for p in found)


def test_the_reported_false_links_are_gone(shipped: feeds.FeedSet) -> None:
    # A misspelt domain nobody shows Tencent owns.
    assert shipped.by_email("dev@tenent.com") == ()
    # Zhipu's organisation, not Tsinghua's.
    assert [r.entity.id for r in shipped.by_code_host_org("github.com", "zai-org")] == ["zhipu-ai"]
    # One Alibaba-led repository of a jointly launched organisation.
    assert shipped.by_repo_url("https://github.com/oam-dev/spec") == ()
    assert [r.entity.id for r in shipped.by_repo_url("https://github.com/oam-dev/kubevela")] == [
        "kubevela"
    ]
    # Hosting platforms and mirrors never link to their operator.
    for url in (
        "https://gitee.com/someone/project",
        "https://bucket.oss-cn-hangzhou.aliyuncs.com/x.tgz",
        "https://acme.larksuite.com/wiki/x",
        "https://pan.baidu.com/s/1abc",
        "https://disk.yandex.ru/d/abc",
        "https://npmmirror.com/package/x",
        "https://jihulab.com/someone/project",
        "https://git.oschina.net/someone/project",  # Git@OSC, Gitee's former host
        "http://my.oschina.net/someone/blog",  # an individual's blog on OSChina
        "http://hi.baidu.com/someone",  # Baidu Space, personal blogs
        "https://baijiahao.baidu.com/s?id=1",
        "https://zhidao.baidu.com/question/1.html",
        "https://bbs.huaweicloud.com/blogs/212446",
        "https://codehub.devcloud.cn-north-4.huaweicloud.com/team/repo.git",
        "https://zen.yandex.ru/someone",
        "https://alidocs.dingtalk.com/i/p/abc",
    ):
        assert shipped.by_web_domain(url) == (), url
    assert [r.entity.id for r in shipped.by_web_domain("https://www.oschina.net/p/x")] == [
        "oschina"
    ]
    # Words and other projects' names never match free text.
    for text in ("Kimi", "Lark", "Kratos", "Volcano", "Salute", "Dingding", "Wangyi", "Jingdong",
                 "MiniMax", "The DragonFly Project"):  # fmt: skip
        assert shipped.by_name(text, fuzzy=False) == (), text
    assert [r.entity.id for r in shipped.by_name("Tencent Holdings Limited")] == ["tencent"]
