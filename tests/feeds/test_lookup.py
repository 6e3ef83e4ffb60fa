"""Every identifier kind resolves; names normalize across languages; short aliases never match text."""

from __future__ import annotations

from pathlib import Path

import feeds
from feeds.names import FUZZY_THRESHOLD, name_key, similarity
from scanner.net.endpoints import endpoint


def ids(results: tuple[feeds.Resolution, ...]) -> list[str]:
    return [r.entity.id for r in results]


def test_email_domain_with_subdomains(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_email("dev@alibaba-inc.com")) == ["alibaba-group"]
    assert ids(shipped.by_email("Dev <dev@mail.alibaba-inc.com>")) == ["alibaba-group"]
    assert ids(shipped.by_email("x@tsinghua.edu.cn")) == ["tsinghua-university"]
    # Students' mailboxes are an individual's declaration, not the university as an organisation.
    assert shipped.by_email("x@mails.tsinghua.edu.cn") == ()
    student = shipped.email_provider("x@mails.tsinghua.edu.cn")
    assert student is not None and student.scope == "student-mailbox"
    r = shipped.by_email("x@bytedance.com")[0]
    assert (
        r.match is not None and r.match.kind == "email_domain" and r.match.value == "bytedance.com"
    )
    assert shipped.by_email("someone@example.org") == ()


def test_consumer_mailboxes_are_hints_not_affiliations(shipped: feeds.FeedSet) -> None:
    for address in (
        "a@qq.com",
        "a@vip.qq.com",
        "b@163.com",
        "c@yandex.ru",
        "d@mail.ru",
        "e@foxmail.com",
    ):
        assert shipped.by_email(address) == (), address
        provider = shipped.email_provider(address)
        assert provider is not None and provider.signal == "individual-jurisdiction-hint"
    assert shipped.email_provider("a@qq.com").operator == "tencent"  # type: ignore[union-attr]
    # A corporate subdomain of a provider's domain is the company, not the mailbox service.
    assert ids(shipped.by_email("dev@corp.mail.ru")) == ["mail-ru"]
    assert shipped.email_provider("dev@corp.mail.ru") is None


def test_web_domain(shipped: feeds.FeedSet) -> None:
    # A tenant's page on a hosting platform is not the operator's own work.
    assert shipped.by_web_domain("https://acme.feishu.cn/docx/abc") == ()
    assert shipped.hosting_platform("https://acme.feishu.cn/docx/abc").scope == "hosting-platform"  # type: ignore[union-attr]
    assert shipped.by_web_domain("https://pan.baidu.com/s/1abc") == ()
    assert ids(shipped.by_web_domain("https://www.baidu.com/")) == ["baidu"]
    assert ids(shipped.by_web_domain("www.pingcap.com")) == ["pingcap"]


def test_code_host_orgs(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_code_host_org("github.com", "Alibaba")) == ["alibaba-group"]
    assert ids(shipped.by_repo_url("https://github.com/TencentCloud/tencentcloud-sdk-go")) == [
        "tencent-cloud"
    ]
    assert ids(shipped.by_repo_url("git@github.com:ydb-platform/ydb-go-sdk.git")) == ["ydb"]
    assert ids(shipped.by_repo_url("git+https://github.com/antvis/G2.git")) == ["antv"]
    # A repository whose LICENSE names Zhipu AI links there, before the lab's organisation.
    assert ids(shipped.by_repo_url("git+https://github.com/THUDM/GLM-4.git")) == ["zhipu-ai"]
    assert ids(shipped.by_repo_url("https://github.com/THUDM/slime")) == ["thudm"]
    assert ids(shipped.by_code_host_org("gitee.com", "openeuler")) == ["openeuler"]
    assert shipped.by_code_host_org("example.com", "alibaba") == ()


def test_gitlab_group_and_registry_owners(extra_root: Path) -> None:
    fs = feeds.load(extra_root)
    assert ids(fs.by_code_host_org("gitlab.com", "example-group")) == ["test-registry-owner"]
    assert ids(fs.by_repo_url("https://gitlab.com/example-group/sub/project")) == [
        "test-registry-owner"
    ]
    assert ids(fs.by_pypi_org("Example-Org")) == ["test-registry-owner"]
    assert ids(fs.by_pypi_owner("example-owner")) == ["test-registry-owner"]
    assert ids(fs.by_owner("nuget", "examplenugetowner")) == ["test-registry-owner"]
    assert ids(fs.by_owner("gems", "example-gem-owner")) == ["test-registry-owner"]
    crates_team = "github:Example-Org:crates-publishers"
    assert ids(fs.by_owner("crates", crates_team)) == ["test-registry-owner"]
    assert fs.by_pypi_owner("someone-else") == ()


def test_a_family_leaves_out_the_names_it_excludes(shipped: feeds.FeedSet) -> None:
    """Others' forks inside a company's name family (template summaries) are not the company's."""
    assert ids(shipped.by_package("pypi", "aliyun-python-sdk-core")) == ["alibaba-cloud"]
    assert shipped.by_package("pypi", "aliyun_python_sdk_core_ctrip") == ()
    assert shipped.by_package("pypi", "tencentcloud-sdk-python-ctrip") == ()
    assert ids(shipped.by_package("pypi", "tencentcloud-sdk-python-cvm")) == ["tencent-cloud"]


def test_npm_scope_and_package(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_npm("@antv/g2")) == ["antv"]
    assert ids(shipped.by_npm_scope("@DCloudIO")) == ["dcloud"]
    assert ids(shipped.by_npm("vant")) == ["youzan"]
    assert ids(shipped.by_npm("element-ui")) == ["eleme"]
    assert shipped.by_npm("left-pad") == ()


def test_maven_group_longest_prefix(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_maven_group("com.alipay.sofa.rpc")) == ["sofastack"]
    assert ids(shipped.by_maven_group("com.alipay.other")) == ["ant-group"]
    assert ids(shipped.by_maven_group("com.alibaba.nacos")) == ["alibaba-group"]
    assert ids(shipped.by_maven_group("org.apache.rocketmq")) == ["apache-rocketmq"]
    assert ids(shipped.by_maven_group("org.apache.commons")) == ["apache-software-foundation"]
    assert shipped.by_maven_group("com.alibabax") == ()  # prefixes end on a dot boundary


def test_go_module_prefix_then_code_host(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_go_module("github.com/cloudwego/kitex/pkg/rpcinfo")) == ["cloudwego"]
    assert ids(shipped.by_go_module("volcano.sh/volcano/pkg")) == ["volcano-sh"]
    assert ids(shipped.by_go_module("d7y.io/dragonfly/v2")) == ["dragonfly"]
    # No registered prefix: the organization in the path decides.
    assert ids(shipped.by_go_module("github.com/PingCAP/tidb/v8")) == ["pingcap"]
    assert shipped.by_go_module("golang.org/x/net") == ()


def test_pypi_name_patterns(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_pypi_name("huaweicloudsdkecs")) == ["huawei-cloud"]
    assert ids(shipped.by_pypi_name("tencentcloud_sdk_python_common")) == ["tencent-cloud"]
    assert ids(shipped.by_pypi_name("Qwen.Agent")) == ["qwen"]
    assert shipped.by_pypi_name("requests") == ()


def test_name_normalization_across_languages() -> None:
    assert name_key("Huawei Technologies Co., Ltd.") == "huawei technologies"
    assert name_key("HUAWEI TECHNOLOGIES CO LTD") == "huawei technologies"
    assert name_key("AO Kaspersky Lab") == "kaspersky lab"
    assert name_key("ООО «Яндекс»") == "яндекс"
    assert name_key("Yandex LLC") == "yandex"
    assert name_key("麒麟软件有限公司") == "麒麟软件"
    assert name_key("平凯星辰（北京）科技有限公司") == "平凯星辰科技"
    assert name_key("Nebius Group N.V.") == "nebius"
    assert name_key("Limited") == "limited"  # never stripped to nothing


def test_by_name_exact_suffixes_and_native_script(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.by_name("HUAWEI TECHNOLOGIES CO LTD")) == ["huawei"]
    assert ids(shipped.by_name("Qihoo 360 Technology Company Limited")) == ["qihoo-360"]
    assert ids(shipped.by_name("麒麟软件")) == ["kylin-software"]
    assert ids(shipped.by_name("AO Kaspersky Lab")) == ["kaspersky-ao"]


def test_fuzzy_only_at_or_above_threshold(shipped: feeds.FeedSet) -> None:
    hits = shipped.by_name("Hangzhou Hikvision Digital Technologies Co")
    assert ids(hits)[:1] == ["hikvision"]
    assert hits[0].match is not None and FUZZY_THRESHOLD <= hits[0].match.score < 1.0
    assert shipped.by_name("Hangzhou Hikvision Digital", fuzzy=True) == ()
    assert shipped.by_name("Hangzhou Hikvision Digital Technologies Co", fuzzy=False) == ()
    assert similarity("short", "shorts") == 0.0  # too short for fuzzy matching


def test_short_aliases_never_match_free_text(shipped: feeds.FeedSet) -> None:
    # "360", "JD", "VK", "1C", "ZTE" are real aliases but shorter than four characters.
    found = ids(shipped.in_text("Thanks to 360, JD, VK, 1C and ZTE for testing"))
    assert found == []
    assert shipped.by_name("ZTE") == ()
    assert ids(shipped.by_name("ZTE Corporation")) == ["zte"]


def test_names_in_free_text(shipped: feeds.FeedSet) -> None:
    assert ids(shipped.in_text("Copyright (c) 2021 YANDEX LLC. All rights reserved.")) == ["yandex"]
    assert "alibaba-group" in ids(shipped.in_text("版权所有 © 阿里巴巴集团"))
    assert shipped.in_text("alibabacloudx is not a name") == ()


def test_infrastructure_and_cctld_hints(shipped: feeds.FeedSet) -> None:
    npm = shipped.infrastructure_for("https://registry.npmmirror.com/lodash/-/lodash-4.17.21.tgz")
    assert npm is not None and npm.operator == "cnpm"
    old = shipped.infrastructure_for("https://registry.npm.taobao.org/lodash")
    assert old is not None and old.status == "retired"
    assert shipped.infrastructure_for("https://pypi.tuna.tsinghua.edu.cn/simple").id == "tuna"  # type: ignore[union-attr]
    # The public default registry (named only in the endpoint table) is no adversary mirror.
    assert shipped.infrastructure_for(endpoint("npm").default + "/") is None
    assert shipped.cctld("https://example.рф/").id == "RU"  # type: ignore[union-attr]
    assert shipped.cctld("mirror.example.cn").id == "CN"  # type: ignore[union-attr]
    assert shipped.cctld("example.com.tw") is None  # Taiwan is not on either list
    assert shipped.cctld("gob.ve") is None  # .ve names the state; ICTS names the regime
    assert shipped.cctld("gob.ve", "bulk-data").id == "VE"  # type: ignore[union-attr]


def test_csl_screening(shipped: feeds.FeedSet) -> None:
    hits = shipped.screen("Huawei Technologies Co Ltd")
    assert [p.name for p, _ in hits] == ["Huawei Technologies Co., Ltd."]
    assert shipped.screen("PDVSA") == ()  # Venezuela as a state is not an ICTS jurisdiction
    assert [p.list for p, _ in shipped.screen("PDVSA", "bulk-data")] == ["SDN"]


def test_malformed_urls_never_raise(shipped: feeds.FeedSet) -> None:
    for url in ("http://[broken/x.tgz", "https://a]b/c", "http://host:99999999/", "git@[x:y/z"):
        assert shipped.by_repo_url(url) == ()
        assert shipped.by_web_domain(url) == ()
        assert shipped.infrastructure_for(url) is None
