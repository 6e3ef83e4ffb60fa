"""The false and noisy links reported in review, each asserted corrected on real coordinates."""

from __future__ import annotations

from datetime import date

import pytest

import feeds
from sbom import purl
from scanner.assess.policy import apply_waivers, parse_waivers
from scanner.config import ConfigError
from scanner.enrich.model import Provenance, SourceStatus
from tests.assess.test_checks import by_check, comp, fact, run


@pytest.fixture(scope="module")
def fs() -> feeds.FeedSet:
    return feeds.load()


def _with_facts(fs: feeds.FeedSet, facts: list[tuple[str, str, str]]) -> list[str]:
    """Checks that fire for a neutral package carrying these (kind, value, source) facts."""
    c = comp(purl.pypi("neutral-package", "1.0"), "pypi", "neutral-package", "1.0")
    prov = Provenance(
        c.purl,
        tuple(fact(c.purl, kind, value, source=source) for kind, value, source in facts),
        (SourceStatus("pypi", "ok"),),
    )
    return sorted(f"{f.check}:{f.severity}:{f.entity}" for f in run(fs, (c,), {c.purl: prov}))


@pytest.mark.parametrize(
    "homepage",
    [
        "https://gitee.com/someone/project",  # an individual's space, not OSCHINA's work
        "https://bucket.oss-cn-hangzhou.aliyuncs.com/index.html",  # a customer's bucket
        "https://acme.feishu.cn/docx/AbCd",  # a tenant of Lark
        "https://acme.larksuite.com/wiki/x",
        "https://pan.baidu.com/s/1abc",  # a share link
        "https://disk.yandex.ru/d/abc",
        "https://npmmirror.com/package/x",  # a mirror's page
        "https://jihulab.com/someone/project",
    ],
)
def test_a_hosting_platform_is_never_the_developer(fs: feeds.FeedSet, homepage: str) -> None:
    assert _with_facts(fs, [("homepage", homepage, "pypi")]) == []


def test_mailboxes_are_individual_hints_only(fs: feeds.FeedSet) -> None:
    # A misspelt domain nobody shows Tencent owns is nothing at all.
    assert _with_facts(fs, [("author-email", "dev@tenent.com", "pypi")]) == []
    # A student's mailbox is the student's declaration: low, never the university.
    assert _with_facts(fs, [("author-email", "s@mails.tsinghua.edu.cn", "pypi")]) == [
        "individual:low:None"
    ]


@pytest.mark.parametrize(
    "organization",
    ["The DragonFly Project", "Kimi", "Lark", "Kratos", "Volcano", "Salute", "MiniMax"],
)
def test_words_and_other_projects_names_never_link(fs: feeds.FeedSet, organization: str) -> None:
    assert _with_facts(fs, [("organization", organization, "maven")]) == []


def test_a_whole_registered_name_in_free_text_is_low(fs: feeds.FeedSet) -> None:
    found = _with_facts(fs, [("organization", "Alibaba Group Holding Limited", "maven")])
    assert found == ["individual:low:alibaba-group"]
    # An unverified name one step lower would be below a hint: no finding at all.
    assert _with_facts(fs, [("organization", "Tencent Holdings Limited", "maven")]) == []


def test_same_evidence_same_severity(fs: feeds.FeedSet) -> None:
    # A Go module in Alibaba's organisation and one in Alibaba Cloud's: both namespaces, both high.
    for module, entity in (
        ("github.com/alibaba/sentinel-golang", "alibaba-group"),
        ("github.com/aliyun/credentials-go", "alibaba-cloud"),
    ):
        c = comp(purl.golang(module, "v1.0.0"), "golang", module, "v1.0.0")
        dev = by_check(run(fs, (c,)), c.purl)["development"]
        assert (dev.severity, dev.entity, dev.basis) == ("high", entity, "namespace")


def test_zai_org_is_zhipus_and_oam_dev_is_not_alibabas(fs: feeds.FeedSet) -> None:
    glm = comp("pkg:github/zai-org/glm-4@v1", "github", "zai-org/glm-4", "v1")
    assert by_check(run(fs, (glm,)), glm.purl)["development"].entity == "zhipu-ai"
    spec = comp("pkg:github/oam-dev/spec@v1", "github", "oam-dev/spec", "v1")
    vela = comp("pkg:github/oam-dev/kubevela@v1", "github", "oam-dev/kubevela", "v1")
    assert run(fs, (spec,)) == []
    assert by_check(run(fs, (vela,)), vela.purl)["collaboration"].entity == "kubevela"


def test_waivers_match_either_spelling_of_a_scope_and_reject_typos(fs: feeds.FeedSet) -> None:
    c = comp(purl.npm("@antv/g2", "5.1.0"), "npm", "@antv/g2", "5.1.0")
    findings = run(fs, (c,))
    base = {
        "id": "W-1",
        "check": "development",
        "reason": "reviewed",
        "approver": "security@example.invalid",
        "date": "2026-11-01",
        "expires": "2027-11-01",
    }
    for spelling in ("pkg:npm/@antv/g2@5.1.0", "pkg:npm/%40antv/g2@5.1.0"):
        waivers = parse_waivers([{**base, "purl": spelling}], "policy")
        out, uses = apply_waivers(findings, waivers, {c.purl: ()}, date(2026, 12, 1))
        assert [f.waiver for f in out] == ["W-1"] and uses[0].state == "used", spelling
    with pytest.raises(ConfigError, match="did you mean 'development'"):
        parse_waivers([{**base, "purl": "pkg:npm/left-pad@1.0.0", "check": "developement"}], "p")
    with pytest.raises(ConfigError, match="exact version"):
        parse_waivers([{**base, "purl": "pkg:npm/@antv/g2"}], "p")


def test_a_free_text_match_never_exceeds_low(fs: feeds.FeedSet) -> None:
    for kind in ("organization", "host-company"):
        for f in _with_facts(fs, [(kind, "Alibaba Group Holding Limited", "maven")]):
            assert f.split(":")[1] == "low", f
