"""Checks against the shipped knowledge base: strength decides severity; never from names."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import feeds
from sbom import purl
from sbom.model import Component, Inventory, Location, Relationship
from scanner.assess.model import Finding
from scanner.assess.policy import apply_waivers, exit_code, parse_waivers
from scanner.assess.run import assess
from scanner.config import ConfigError
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus


@pytest.fixture(scope="module")
def fs() -> feeds.FeedSet:
    return feeds.load()


def comp(p: str, eco: str, name: str, version: str, **kw: object) -> Component:
    return Component(p, eco, name, version, locations=(Location("lock", 3),), **kw)  # type: ignore[arg-type]


def fact(
    p: str, kind: str, value: str, strength: str = "self-declared", source: str = "pypi"
) -> Fact:
    return Fact(
        p,
        kind,
        value,
        f"info.{kind}",
        source,
        "https://pypi.invalid/x",
        "2026-01-01T00:00:00Z",
        strength,
    )  # type: ignore[arg-type]


def run(
    fs: feeds.FeedSet,
    comps: tuple[Component, ...],
    prov: dict[str, Provenance] | None = None,
    rels: tuple[Relationship, ...] = (),
    profile: str = "icts",
) -> list[Finding]:
    return assess(Inventory(".", comps, rels), Enriched(prov or {}), fs, profile)


def by_check(findings: list[Finding], purl_: str) -> dict[str, Finding]:
    return {f.check: f for f in findings if f.purl == purl_}


def test_namespace_is_strong_development_link(fs: feeds.FeedSet) -> None:
    c = comp(purl.npm("@antv/g2", "5.0.0"), "npm", "@antv/g2", "5.0.0", direct=True)
    f = by_check(run(fs, (c,)), c.purl)["development"]
    assert (f.outcome, f.severity, f.tier, f.jurisdiction) == (
        "development-link",
        "high",
        "strong",
        "CN",
    )
    assert f.evidence[0].kind == "identity" and any(e.kind == "feed" for e in f.evidence)
    assert f.provision.startswith("15 CFR 791.103(b)(2)")


def test_corporate_email_is_medium_and_provider_only_a_low_hint(fs: feeds.FeedSet) -> None:
    c = comp(purl.pypi("somepkg", "1.0"), "pypi", "somepkg", "1.0")
    prov = Provenance(
        c.purl,
        (
            fact(c.purl, "author-email", "dev@alibaba-inc.com"),
            fact(c.purl, "maintainer-email", "someone@qq.com"),
        ),
        (SourceStatus("pypi", "ok"),),
    )
    found = by_check(run(fs, (c,), {c.purl: prov}), c.purl)
    assert (
        found["maintenance"].severity == "medium" and found["maintenance"].entity == "alibaba-group"
    )
    assert found["individual"].severity == "low" and found["individual"].entity is None
    assert "development" not in found and "unknown" not in found


def test_names_and_timezones_are_never_grounds(fs: feeds.FeedSet) -> None:
    c = comp(purl.pypi("otherpkg", "1.0"), "pypi", "otherpkg", "1.0")
    prov = Provenance(
        c.purl,
        (
            fact(c.purl, "author-name", "王伟"),
            fact(c.purl, "author-name", "Ivan Petrov"),
            fact(c.purl, "commit-tz-offset", "+08:00", source="git"),
        ),
        (SourceStatus("pypi", "ok"),),
    )
    assert run(fs, (c,), {c.purl: prov}) == []


def test_negative_controls_are_never_flagged(fs: feeds.FeedSet) -> None:
    c = comp(
        purl.maven("org.jetbrains.kotlin", "kotlin-stdlib", "2.0.0"),
        "maven",
        "org.jetbrains.kotlin:kotlin-stdlib",
        "2.0.0",
    )
    prov = Provenance(
        c.purl, (fact(c.purl, "organization", "JetBrains s.r.o."),), (SourceStatus("maven", "ok"),)
    )
    assert [f.check for f in run(fs, (c,), {c.purl: prov})] == []


def test_unknown_is_coverage_with_its_reason(fs: feeds.FeedSet) -> None:
    from sbom.model import Inventory
    from scanner.assess.coverage import measure
    from scanner.enrich.model import Enriched

    failed = comp(purl.npm("left-pad", "1.0.0"), "npm", "left-pad", "1.0.0")
    private = comp(purl.npm("private-lib", "1.0.0"), "npm", "private-lib", "1.0.0")
    unsupported = comp("pkg:conan/zlib@1.3", "conan", "zlib", "1.3")
    own = replace(
        comp(purl.npm("my-app", "1.0.0"), "npm", "my-app", "1.0.0"), source_kind="workspace"
    )
    prov = {
        failed.purl: Provenance(failed.purl, (), (SourceStatus("npm", "error", "HTTP 500"),)),
        private.purl: Provenance(private.purl, (), (SourceStatus("npm", "not-found", "HTTP 404"),)),
    }
    inv = Inventory(root=".", components=(failed, private, unsupported, own))
    assert run(fs, (failed,), prov) == []  # never a finding
    cov = measure(inv, Enriched(prov))
    assert (cov.components, cov.known, cov.first_party) == (3, 0, 1)
    assert cov.reasons == {"lookup-failed": 1, "not-found": 1, "no-source": 1}
    assert ("pkg:npm/left-pad@1.0.0", "lookup-failed", "npm: HTTP 500") in cov.unknown
    # Skipped lookups are said to be skipped, not "no source".
    skipped = measure(inv, None)
    assert skipped.reasons == {"skipped": 3} and not skipped.looked_up
    assert "provenance known for 0 of 3 components" in skipped.summary()


def test_mirror_is_supply_path_with_dependency_path(fs: feeds.FeedSet) -> None:
    top = comp(purl.npm("app-lib", "1.0.0"), "npm", "app-lib", "1.0.0", direct=True)
    dep = comp(
        purl.npm("left-pad", "1.0.0"),
        "npm",
        "left-pad",
        "1.0.0",
        resolved=("https://registry.npmmirror.com/left-pad/-/left-pad-1.0.0.tgz",),
    )
    ok = {c.purl: Provenance(c.purl, (), (SourceStatus("npm", "ok"),)) for c in (top, dep)}
    found = run(fs, (top, dep), ok, (Relationship(top.purl, dep.purl),))
    (f,) = [f for f in found if f.check == "supply-path"]
    assert f.outcome == "supply-path" and f.jurisdiction == "CN"
    assert f.components == (dep.purl,) and f.namespace == "npmmirror"
    assert f.evidence[0].kind == "lockfile" and f.evidence[0].field == "resolved"


def test_profile_changes_what_counts(fs: feeds.FeedSet) -> None:
    c = comp(
        purl.golang("github.com/mailru/easyjson", "v0.7.7"),
        "golang",
        "github.com/mailru/easyjson",
        "v0.7.7",
    )
    assert by_check(run(fs, (c,)), c.purl)["development"].jurisdiction == "RU"
    assert (
        by_check(run(fs, (c,), profile="connected-vehicles"), c.purl)["development"].jurisdiction
        == "RU"
    )


def test_waivers_cover_one_exact_version(fs: feeds.FeedSet) -> None:
    c = comp(purl.npm("@antv/g2", "5.0.1"), "npm", "@antv/g2", "5.0.1")
    findings = run(fs, (c,))
    waivers = parse_waivers(
        [
            {
                "id": "W1",
                "purl": "pkg:npm/%40antv/g2@5.0.0",
                "check": "development",
                "reason": "r",
                "approver": "a",
                "date": "2026-01-01",
                "expires": "2027-01-01",
            },
            {
                "id": "W2",
                "purl": c.purl,
                "check": "development",
                "reason": "r",
                "approver": "a",
                "date": "2026-01-01",
                "expires": "2027-01-01",
            },
            {
                "id": "W3",
                "purl": c.purl,
                "check": "maintenance",
                "reason": "r",
                "approver": "a",
                "date": "2025-01-01",
                "expires": "2025-06-01",
            },
        ],
        "policy.toml",
    )
    out, uses = apply_waivers(findings, waivers, {c.purl: ()}, date(2026, 6, 1))
    assert [f.waiver for f in out if f.check == "development"] == ["W2"]
    assert {u.waiver.id: u.state for u in uses} == {"W1": "stale", "W2": "used", "W3": "expired"}
    assert exit_code(out, "high", incomplete=False, strict=False) == 0
    assert exit_code(findings, "high", incomplete=False, strict=False) == 1
    assert exit_code([], "high", incomplete=True, strict=True) == 3


def test_waiver_must_name_an_exact_version() -> None:
    with pytest.raises(ConfigError, match="exact version"):
        parse_waivers(
            [
                {
                    "id": "W",
                    "purl": "pkg:npm/x",
                    "check": "development",
                    "reason": "r",
                    "approver": "a",
                    "date": "2026-01-01",
                    "expires": "2027-01-01",
                }
            ],
            "p.toml",
        )


def test_a_determination_covers_its_product_classes_not_every_package(fs: feeds.FeedSet) -> None:
    # Kaspresso: Kaspersky's Apache-2.0 Android UI-test framework, a test-scoped Maven package.
    c = comp(
        purl.maven("com.kaspersky.android-components", "kaspresso", "1.5.3"),
        "maven",
        "com.kaspersky.android-components:kaspresso",
        "1.5.3",
        scope="dev",
    )
    found = by_check(run(fs, (c,)), c.purl)
    assert "prohibition" not in found
    dev = found["development"]
    assert dev.severity == "high" and dev.entity == "kaspersky-ao"
    assert any("89 FR 52434" in n and "covers" in n for n in dev.notes)


def test_a_component_a_source_places_in_a_covered_class_is_prohibited(tmp_path: Path) -> None:
    from feeds.load import PACKAGED_DIR
    from tests.feeds.conftest import edit_json, ident

    root = tmp_path / "data"
    shutil.copytree(PACKAGED_DIR, root)

    def member(doc: dict[str, object]) -> None:
        record = doc["records"][0]  # type: ignore[index]
        classes = record["product_classes"]
        classes[1]["members"] = [ident("maven_group_prefix", "com.kaspersky.antivirus")]

    edit_json(root, "prohibitions.json", member)
    loaded = feeds.load(root)
    c = comp(
        purl.maven("com.kaspersky.antivirus", "engine-sdk", "1.0"),
        "maven",
        "com.kaspersky.antivirus:engine-sdk",
        "1.0",
    )
    found = by_check(run(loaded, (c,)), c.purl)
    assert found["prohibition"].severity == "critical"
    assert "development" not in found
