"""Every writer on one hostile scan: no exception, valid output, nothing raw that a reader executes."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

import jsonschema
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

import feeds
from sbom.export import FORMATS, render
from sbom.model import Component, Hash, Inventory, Location, ParseIssue, SourceFile
from sbom.safe_text import lone_escapes, uri
from scanner.assess.coverage import measure
from scanner.assess.run import assess
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus
from scanner.enrich.run import coverage
from scanner.pipeline import ScanResult, Stage
from scanner.report.formats import REPORTERS
from tests.conftest import REPO
from tests.report.conftest import build_result

# A lone surrogate (JSON "\ud800" from a lockfile or a registry), C0 and C1 controls, an ANSI
# colour, a forged workflow command on its own line, bidi and line-separator characters, and the
# metacharacters of Markdown, HTML, XML and SARIF's message strings.
EVIL = (
    "x\ud800y\udfff\x00\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f\x85\x9b\r\n::error::forged\n"
    "::stop-commands::t\u2028\u202e|*_`~[a](javascript:alert(1))<script>&amp;</script>"
    "]]><!-- -->\"'{0}{{1}}%s\\"
)
BAD_URL = "https://host.invalid/%zz/a b/\ud800?q=%&x=<y>#frag#more"
HUGE = 2**63 - 1


def _hostile_inventory(base: Inventory) -> Inventory:
    lock = "web/\ud800\n::error::lock/package-lock.json"
    evil = (
        Component(
            "pkg:npm/%40antv/evil@1.0.0",
            "npm",
            "@antv/evil" + EVIL,
            "1.0.0" + EVIL,
            "required",
            True,
            hashes=(Hash("SHA-512", "ab" * 64), Hash("SHA-1", EVIL)),
            resolved=(BAD_URL, "%zz", EVIL),
            registries=(BAD_URL,),
            source_url=BAD_URL,
            requirement=EVIL,
            locations=(Location(lock, HUGE), Location("../" + EVIL, None)),
            licenses=(EVIL, "MIT AND (" + EVIL + ")"),
        ),
        Component(
            "pkg:golang/github.com/mailru/" + EVIL.replace("\n", "%0A") + "@v1.0.0",
            "golang",
            "github.com/mailru/" + EVIL,
            "v1.0.0",
            "dev",
            False,
            source_kind="vcs",
            source_url="git+" + BAD_URL,
            locations=(Location("go.mod", 1),),
        ),
        Component("pkg:pypi/" + EVIL, "pypi", EVIL, None, source_kind="url", source_url="%zz"),
    )
    return replace(
        base,
        root=EVIL,
        components=tuple(sorted(base.components + evil, key=lambda c: c.purl)),
        files=(*base.files, SourceFile(lock, "npm/package-lock", "f" * 64, HUGE, HUGE)),
        issues=(
            *base.issues,
            ParseIssue(lock, HUGE, EVIL),
            ParseIssue(EVIL, None, EVIL, "warning"),
        ),
        metadata={"sbom.environment": EVIL},
    )


def _fact(purl: str, kind: str, field: str) -> Fact:
    return Fact(
        purl, kind, EVIL, field + EVIL, "npm", BAD_URL, "2026-11-01T00:00:00Z", "registry-asserted"
    )


@cache
def hostile() -> ScanResult:
    fs = feeds.load().at(date(2026, 11, 1))
    base = build_result(feeds.load())
    inv = _hostile_inventory(base.inventory)
    prov = dict(base.enriched.provenance)
    for c in inv.components:
        if c.purl not in prov:
            facts = (
                _fact(c.purl, "publisher-account", "versions._npmUser.name"),
                _fact(c.purl, "repository", "repository.url"),
                _fact(c.purl, "author-email", "author.email"),
                _fact(c.purl, "author-name", "author.name"),
                _fact(c.purl, "organization", "ownership.organization"),
                _fact(c.purl, "trusted-publisher", "attestations.publisher"),
            )
            prov[c.purl] = Provenance(c.purl, facts, (SourceStatus("npm", "ok", EVIL, BAD_URL),))
    enriched = Enriched(prov, coverage(prov))
    findings = tuple(assess(inv, enriched, fs, "icts"))
    return replace(
        base,
        inventory=inv,
        enriched=enriched,
        findings=findings,
        stages=(*base.stages, Stage(EVIL, "partial", 1e300, EVIL)),
        coverage=measure(inv, enriched),
        project=Provenance("", (_fact("", "commit-domain", "author"),), ()),
        projects={"web/package-lock.json": EVIL},
    )


# C0 controls but tab, newline and carriage return (JSON and XML layout), DEL and C1 controls:
# no output format has a use for them raw, and terminals act on ESC and CSI.
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: str) -> None:
    found = _RAW_CONTROL.search(text)
    at = found.start() if found else 0
    assert found is None, f"raw {found.group()!r}: {text[max(at - 60, 0) : at + 20]!r}"
    text.encode("utf-8")  # writable as UTF-8


def _no_workflow_command(text: str) -> None:
    # Text that is printed (the table) or pasted into a log or comment (Markdown).
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())


@cache
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(name.read_text() if False else (REPO / name).read_text())
    return loaded


def check(fmt: str, text: str) -> None:
    """Written text is clean and, where a schema exists, valid against it."""
    _clean(text)
    if fmt in ("table", "markdown"):
        _no_workflow_command(text)
    if fmt == "json":
        doc = json.loads(text)
        jsonschema.Draft202012Validator(_schema("scanner/report/schema/report-2.json")).validate(
            doc
        )
    elif fmt == "evidence":
        doc = json.loads(text)
        jsonschema.Draft202012Validator(_schema("scanner/report/schema/evidence-2.json")).validate(
            doc
        )
    elif fmt == "sarif":
        doc = json.loads(text)
        jsonschema.Draft4Validator(_schema("tests/schemas/sarif-schema-2.1.0.json")).validate(doc)
    elif fmt in ("cyclonedx-json", "cyclonedx"):
        assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    elif fmt == "cyclonedx-xml":
        assert XmlValidator(SchemaVersion.V1_6).validate_str(text) is None
    elif fmt == "spdx-json":
        jsonschema.validate(json.loads(text), _schema("tests/schemas/spdx-schema-2.3.json"))
    elif fmt == "html":
        assert "<script>&amp;" not in text and 'href="javascript:' not in text


@pytest.mark.parametrize(
    "reporter",
    REPORTERS,
    ids=lambda r: r.NAME,
)
def test_every_reporter_writes_the_hostile_scan(reporter: Any) -> None:
    text = reporter.render(hostile())
    check(reporter.NAME, text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_sbom_export_writes_the_hostile_inventory(fmt: str) -> None:
    text = render(hostile().inventory, fmt, reproducible=True, tool_version="0")
    check(fmt, text)


@pytest.mark.parametrize(
    ("text", "fixed", "where"),
    [
        (r'"a\ud800b"', r'"a\ufffdb"', [2]),
        (r'"\ud83d\ude00"', r'"\ud83d\ude00"', []),  # a pair is one character
        (r'"\\ud800"', r'"\\ud800"', []),  # an escaped backslash, then text
        (r'"\\\udc00"', r'"\\\ufffd"', [3]),
        (r'"\U0000D800"', r'"\ufffd"', [1]),  # YAML's long escape
    ],
)
def test_lone_surrogate_escapes_are_read_as_replacement(
    text: str, fixed: str, where: list[int]
) -> None:
    assert lone_escapes(text) == (fixed, where)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://host.invalid/a-1.0.tgz#sha1-ab", "https://host.invalid/a-1.0.tgz#sha1-ab"),
        ("https://host.invalid/%zz/%41", "https://host.invalid/%25zz/%41"),
        ("https://host.invalid/a b#x#y", "https://host.invalid/a%20b#x%23y"),
        ("x\ud800:y/z", "x%EF%BF%BD%3Ay/z"),
    ],
)
def test_uri_is_well_formed(url: str, expected: str) -> None:
    assert uri(url) == expected
