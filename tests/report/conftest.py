"""A representative, fully deterministic ScanResult for report tests and golden files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

import feeds
from sbom import purl
from sbom.model import Component, Hash, Inventory, Location, ParseIssue, Relationship, SourceFile
from scanner.assess.acceptances import apply_acceptances, parse_acceptances
from scanner.assess.coverage import measure
from scanner.assess.policy import apply_waivers, parse_waivers
from scanner.assess.run import assess
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus
from scanner.enrich.run import coverage
from scanner.pipeline import ScanResult, Stage

T = "2026-11-01T00:00:00Z"


def _fact(p: str, kind: str, value: str, source: str, strength: str, field: str) -> Fact:
    return Fact(p, kind, value, field, source, f"https://{source}.invalid/doc", T, strength)  # type: ignore[arg-type]


def build_result(fs: feeds.FeedSet) -> ScanResult:
    """Components linked to CN and RU entities, a mirror, an individual hint, an unknown, a waiver,
    and hostile strings (HTML, Markdown, control characters) in registry text."""
    lock = "web/package-lock.json"
    comps = (
        Component(
            purl.npm("app-ui", "2.0.0"),
            "npm",
            "app-ui",
            "2.0.0",
            "required",
            True,
            locations=(Location(lock, 12),),
        ),
        Component(
            purl.npm("@antv/g2", "5.1.0"),
            "npm",
            "@antv/g2",
            "5.1.0",
            "required",
            False,
            hashes=(Hash("SHA-512", "ab" * 64),),
            locations=(Location(lock, 40),),
        ),
        Component(
            purl.npm("@antv/util", "3.3.0"),
            "npm",
            "@antv/util",
            "3.3.0",
            "required",
            False,
            locations=(Location(lock, 52),),
        ),
        Component(
            purl.golang("github.com/mailru/easyjson", "v0.7.7"),
            "golang",
            "github.com/mailru/easyjson",
            "v0.7.7",
            "required",
            True,
            locations=(Location("go.mod", 7),),
        ),
        Component(
            purl.pypi("somepkg", "1.0"),
            "pypi",
            "somepkg",
            "1.0",
            "required",
            True,
            locations=(Location("requirements.txt", 3),),
        ),
        Component(
            purl.npm("left-pad", "1.3.0"),
            "npm",
            "left-pad",
            "1.3.0",
            "dev",
            False,
            resolved=("https://registry.npmmirror.com/left-pad/-/left-pad-1.3.0.tgz",),
            locations=(Location(lock, 60),),
        ),
        Component(
            purl.npm("leftover", "0.1.0"),
            "npm",
            "leftover",
            "0.1.0",
            "required",
            False,
            locations=(Location(lock, 80),),
        ),
        Component(
            purl.pypi("<script>alert(1)</script>", "1.0"),
            "pypi",
            "<script>alert(1)</script>",
            "1.0",
            locations=(Location("requirements.txt", 9),),
        ),
    )
    rels = (
        Relationship(comps[0].purl, comps[1].purl),
        Relationship(comps[1].purl, comps[2].purl),
        Relationship(comps[0].purl, comps[5].purl),
        Relationship(comps[1].purl, comps[6].purl),
    )
    inv = Inventory(
        root="demo",
        components=comps,
        relationships=rels,
        files=(
            SourceFile(lock, "npm/package-lock", "1" * 64, 1000, 5),
            SourceFile("go.mod", "golang/go-mod", "2" * 64, 100, 1),
            SourceFile("requirements.txt", "pypi/requirements", "3" * 64, 50, 2),
        ),
        issues=(ParseIssue("broken/yarn.lock", 4, "npm/yarn-lock: unterminated string"),),
    )
    hostile = "**bold** <img src=x onerror=alert(1)> | pipe \x1b[31mred\x1b[0m"
    some = comps[4].purl
    prov = {
        some: Provenance(
            some,
            (
                _fact(
                    some,
                    "author-email",
                    "dev@alibaba-inc.com",
                    "pypi",
                    "self-declared",
                    "info.author_email",
                ),
                _fact(
                    some,
                    "maintainer-email",
                    "someone@qq.com",
                    "pypi",
                    "self-declared",
                    "info.maintainer_email",
                ),
                _fact(some, "author-name", hostile, "pypi", "self-declared", "info.author"),
                _fact(
                    some,
                    "organization",
                    "Example Org",
                    "pypi",
                    "registry-asserted",
                    "ownership.organization",
                ),
            ),
            (SourceStatus("pypi", "ok", url="https://pypi.invalid/pypi/somepkg/1.0/json"),),
        ),
        comps[6].purl: Provenance(
            comps[6].purl,
            (),
            (SourceStatus("npm", "error", "HTTP 500", "https://npm.invalid/leftover"),),
        ),
    }
    app = comps[0].purl
    prov[app] = Provenance(
        app,
        (
            _fact(
                app,
                "publisher-account",
                "alice",
                "npm",
                "registry-asserted",
                "versions[2.0.0]._npmUser.name",
            ),
        ),
        (SourceStatus("npm", "ok"),),
    )
    for c in comps:
        prov.setdefault(c.purl, Provenance(c.purl, (), (SourceStatus("npm", "ok"),)))
    enriched = Enriched(prov, coverage(prov))
    fs = fs.at(date(2026, 11, 1))
    findings = assess(inv, enriched, fs, "icts")
    waivers = parse_waivers(
        [
            {
                "id": "W-7",
                "purl": comps[3].purl,
                "check": "development",
                "reason": "vendored and reviewed",
                "approver": "security@example.invalid",
                "ticket": "SEC-7",
                "date": "2026-10-01",
                "expires": "2027-10-01",
            },
            {
                "id": "W-8",
                "purl": "pkg:npm/%40antv/g2@5.0.0",
                "check": "development",
                "reason": "old",
                "approver": "security@example.invalid",
                "date": "2026-01-01",
                "expires": "2027-01-01",
            },
        ],
        ".icts-scan.toml",
    )
    findings, uses = apply_waivers(
        findings, waivers, {c.purl: () for c in comps}, date(2026, 11, 1)
    )
    acceptances = parse_acceptances(
        [
            {
                "id": "A-1",
                "mirror": "npmmirror",
                "reason": "CI builds only; production resolves from the official registry",
                "approver": "security@example.invalid",
                "date": "2026-10-01",
                "expires": "2027-04-01",
            },
            {
                "id": "A-2",
                "entity": "no-such-entity-anymore",
                "reason": "left over",
                "approver": "security@example.invalid",
                "date": "2025-01-01",
                "expires": "2026-01-01",
            },
        ],
        ".icts-scan.toml",
    )
    findings, accepted = apply_acceptances(findings, acceptances, date(2026, 11, 1))
    return ScanResult(
        inventory=inv,
        enriched=enriched,
        findings=tuple(findings),
        waivers=tuple(uses),
        stages=(
            Stage(
                "inventory", "partial", 0.1, "8 components from 3 files; 1 files could not be read"
            ),
            Stage("enrichment", "partial", 1.5, measure(inv, enriched).summary()),
            Stage("assessment", "ok", 0.01, f"{len(findings)} findings"),
        ),
        profile="icts",
        fail_on="high",
        feed_version=fs.version.label,
        tool_version="0.0.0-test",
        started=T,
        finished=T,
        feed_hash=fs.version.content_hash,
        coverage=measure(inv, enriched),
        acceptances=tuple(accepted),
        as_of="2026-11-01",
    )


@pytest.fixture(scope="session")
def result() -> ScanResult:
    return build_result(feeds.load())


@pytest.fixture(scope="session")
def empty_result(result: ScanResult) -> ScanResult:
    return replace(
        result,
        inventory=Inventory(root="empty"),
        findings=(),
        waivers=(),
        acceptances=(),
        enriched=Enriched(),
        coverage=measure(Inventory(root="empty"), Enriched()),
    )
