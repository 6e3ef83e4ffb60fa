"""SBOM ingestion: every real corpus SBOM, exact mappings on a few, detection, hostile input."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sbom.ingest import detect, ingest, ingest_file, name_from_purl
from sbom.model import Hash, Inventory, Location, Relationship
from tests.conftest import FIXTURES, need_corpus

# Real SBOMs: all of them in the shared corpus, the smaller ones also in the repository
# (tests/fixtures/sboms, same layout, byte-identical; README.md there names their sources).
SAMPLES = FIXTURES / "sboms"

# Expected distinct components per corpus file, derived without the ingest code:
#  * CycloneDX JSON: jq '[.components[]? | recurse(.components[]?)
#      | if .purl then .purl else "generic:\(.group // "")/\(.name)@\(.version // "")" end]
#      | unique | length'   (metadata.component and its subtree are not under .components)
#  * SPDX JSON: jq '(.sbom // .) as $d | ([$d.relationships[]? | select(.relationshipType=="DESCRIBES")
#      | .relatedSpdxElement] + ($d.documentDescribes // [])) as $roots | [$d.packages[]
#      | select(.SPDXID as $i | $roots | index($i) | not) | ((.externalRefs // [])
#      | map(select(.referenceType=="purl")) | .[0].referenceLocator) // "generic:\(.name)@\(.versionInfo)"]
#      | unique | length'
#  * CycloneDX XML: a stdlib ElementTree script counting distinct <purl> texts of every
#    <component> under the top-level <components>, plus distinct name@version of those without.
#  * SPDX tag-value: awk over PackageName/SPDXID/PackageVersion/ExternalRef purl lines, leaving
#    out the packages a "Relationship: SPDXRef-DOCUMENT DESCRIBES" line names.
# Entries that are no package are left out of both: the operating system (CycloneDX type
# "operating-system"; SPDX purpose OPERATING-SYSTEM or an SPDXRef-OperatingSystem- id) and
# purl-less lockfile entries (CycloneDX "application"/"file" without version or with
# Trivy's class "lang-pkgs"; SPDX SPDXRef-Application- ids, purpose APPLICATION/FILE
# without version). Each count equals "purls" + "without purl" in sboms/SOURCES.md
# (repeated purls merge) less those entries.
# In sbomqs.syft-cyclone.json one purl is malformed ("pkg-:golang/…"): that entry is kept
# under a generic purl with a warning, which leaves the count as jq has it.
_COUNTS = """
cdxgen-cyclonedx-json/CycloneDX__cdxgen__bom-java.json 88
cdxgen-cyclonedx-json/DependencyTrack__dependency-track__bom-metadata-components.json 151
cdxgen-cyclonedx-xml/CycloneDX__cdxgen__bom-deps.xml 58
cyclonedx-gomod-cyclonedx-json/CycloneDX__cyclonedx-gomod__app_minikube-v1.23.1_with-packages.bom.json 615
cyclonedx-gomod-cyclonedx-json/CycloneDX__cyclonedx-gomod__mod_minikube-v1.23.1.bom.json 183
cyclonedx-gomod-cyclonedx-json/interlynk-io__sbomqs__sbomqs-cdx-cgomod.json 20
cyclonedx-maven-plugin-cyclonedx-json/DependencyTrack__dependency-track__dtrack-apiserver-4.5.0.bom.json 132
cyclonedx-maven-plugin-cyclonedx-json/Najafov007__spring-petclinic__bom.json 88
cyclonedx-maven-plugin-cyclonedx-xml/Najafov007__spring-petclinic__bom.xml 88
cyclonedx-npm-cyclonedx-json/CycloneDX__cyclonedx-node-npm__bom.1.5.json 52
cyclonedx-npm-cyclonedx-json/CycloneDX__cyclonedx-node-npm__bom.1.6.json 984
cyclonedx-npm-cyclonedx-xml/CycloneDX__cyclonedx-node-npm__bom.1.6.xml 52
cyclonedx-py-cyclonedx-json/CycloneDX__cyclonedx-python__plain_regression-issue702_lock21_1.6.json.bin 63
cyclonedx-py-cyclonedx-json/CycloneDX__cyclonedx-python__plain_with-extras_1.5.json.bin 25
cyclonedx-py-cyclonedx-xml/CycloneDX__cyclonedx-python__some-extras_with-extras_lock21_1.3.xml.bin 28
github-dependency-graph-spdx-json/tedg-dev__GitHub-SBOM-fetcher__tedg-dev-beatBot-sbom.json 229
github-dependency-graph-spdx-json/tedg-dev__GitHub-SBOM-fetcher__tedg-dev-xplat_fileshare-sbom.json 118
syft-cyclonedx-json/Najafov007__spring-petclinic__sbom.json 23
syft-cyclonedx-json/interlynk-io__sbomqs__blogifier-dotnet-SBOM.json 300
syft-cyclonedx-json/interlynk-io__sbomqs__sbomqs.syft-cyclone.json 17
syft-cyclonedx-xml/google__osv-scanner__alpine.cdx.xml 15
syft-cyclonedx-xml/google__osv-scanner__postgres-stretch.cdx.xml 136
syft-spdx-json/anchore__scan-action__test_sbom.spdx.json 15
syft-spdx-json/interlynk-io__sbomqs__sbomqs.syft-spdx.json 16
syft-spdx-tv/anchore__syft__tag-value.spdx 3
syft-spdx-tv/interlynk-io__sbomqs__sbomqs.syft-spdx.tv 16
trivy-cyclonedx-json/DependencyTrack__dependency-track__bom-issue4455.json 21
trivy-cyclonedx-json/aquasecurity__trivy__fluentd-multiple-lockfiles.cdx.json.golden 160
trivy-cyclonedx-json/interlynk-io__sbomqs__sbomqs.trivy-cdx.json 15
trivy-spdx-json/aquasecurity__trivy__julia-spdx.json.golden 3
trivy-spdx-json/interlynk-io__sbomqs__sbomqs.trivy-spdx.json 15
trivy-spdx-tv/aquasecurity__trivy__centos-7-spdx.txt 2
trivy-spdx-tv/interlynk-io__sbomqs__sbomqs.trivy-spdx.tv 15
"""
# Dependency edges and direct dependencies, by jq over the same files: distinct
# [source purl or "" for the root, target purl] pairs of .dependencies (CycloneDX), and
# DEPENDS_ON relationships / those from the described package (SPDX); an edge from an
# entry left out above (the OS, a lockfile entry) counts as one from the root.
_EDGES = """
cyclonedx-maven-plugin-cyclonedx-json/Najafov007__spring-petclinic__bom.json 168 14
cyclonedx-maven-plugin-cyclonedx-xml/Najafov007__spring-petclinic__bom.xml 168 14
cyclonedx-npm-cyclonedx-json/CycloneDX__cyclonedx-node-npm__bom.1.5.json 65 2
cyclonedx-gomod-cyclonedx-json/CycloneDX__cyclonedx-gomod__mod_minikube-v1.23.1.bom.json 594 74
trivy-cyclonedx-json/aquasecurity__trivy__fluentd-multiple-lockfiles.cdx.json.golden 264 82
cyclonedx-py-cyclonedx-json/CycloneDX__cyclonedx-python__plain_regression-issue702_lock21_1.6.json.bin 95 1
github-dependency-graph-spdx-json/tedg-dev__GitHub-SBOM-fetcher__tedg-dev-beatBot-sbom.json 311 17
trivy-spdx-tv/aquasecurity__trivy__centos-7-spdx.txt 2 2
"""
_KINDS = {"json": "json", "xml": "xml", "tv": "tag-value"}


def _format(rel: str) -> str:
    """The format a corpus folder holds: ``<producer>-<cyclonedx|spdx>-<json|xml|tv>``."""
    family, kind = rel.split("/", 1)[0].rsplit("-", 2)[1:]
    return f"{family}-{_KINDS[kind]}"


EXPECTED = {rel: (_format(rel), int(n)) for rel, n in map(str.split, _COUNTS.strip().splitlines())}
EDGES = {
    rel: (int(edges), int(direct))
    for rel, edges, direct in map(str.split, _EDGES.strip().splitlines())
}

_CACHE: dict[str, Inventory] = {}


def sbom(rel: str) -> Path:
    """A corpus SBOM: the repository's copy, else the corpus file (skipping without the corpus)."""
    local = SAMPLES / rel
    return local if local.is_file() else need_corpus() / "sboms" / rel


def load(rel: str) -> Inventory:
    """Ingest a corpus file once per test session, under its corpus-relative path."""
    if rel not in _CACHE:
        _CACHE[rel] = ingest(sbom(rel).read_bytes(), rel)
    return _CACHE[rel]


def files_in(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root)) for p in root.glob("*/*") if p.is_file() and p.suffix != ".md"
    )


LOCAL = files_in(SAMPLES)


def test_every_corpus_sbom_is_listed() -> None:
    assert files_in(need_corpus() / "sboms") == sorted(EXPECTED)
    assert set(LOCAL) < set(EXPECTED)
    # Every format is read from real documents without the corpus too.
    assert {_format(rel) for rel in LOCAL} == {_format(rel) for rel in EXPECTED}


@pytest.mark.parametrize("rel", LOCAL)
def test_sample_is_its_corpus_file(rel: str) -> None:
    assert (SAMPLES / rel).read_bytes() == (need_corpus() / "sboms" / rel).read_bytes()


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_corpus_sbom(rel: str) -> None:
    fmt, count = EXPECTED[rel]
    inv = load(rel)
    assert [i for i in inv.issues if i.severity == "error"] == []
    assert len(inv.components) == count
    assert inv.root == rel
    data = sbom(rel).read_bytes()
    assert inv.files[0].format == fmt
    assert inv.files[0].sha256 == hashlib.sha256(data).hexdigest()
    assert (inv.files[0].size, inv.files[0].components) == (len(data), count)
    assert inv.metadata["sbom.format"] == fmt and inv.metadata["sbom.specVersion"]
    purls = {c.purl for c in inv.components}
    for comp in inv.components:
        assert comp.purl.startswith(f"pkg:{comp.ecosystem}/"), comp.purl
        assert comp.name and comp.locations and comp.locations[0].path == rel
        # Further locations are files inside the scanned subject (Trivy's lockfile entries).
        assert all(not loc.path.startswith("/") for loc in comp.locations)
    for rel_ in inv.relationships:
        assert rel_.target in purls and rel_.source in purls | {""}, rel_
    if rel in EDGES:
        direct = sum(1 for c in inv.components if c.direct)
        assert (len(inv.relationships), direct) == EDGES[rel]


WARNED = {
    # Dependency-Track's test BOM names 32 refs in .dependencies that no component declares.
    "cdxgen-cyclonedx-json/DependencyTrack__dependency-track__bom-metadata-components.json": (
        "59 dependency references name no component"
    ),
    "syft-cyclonedx-json/interlynk-io__sbomqs__sbomqs.syft-cyclone.json": "invalid purl 'pkg-:golang/",
}


@pytest.mark.parametrize("everything", [False, True], ids=["samples", "corpus"])
def test_warnings_only_where_the_document_is_at_fault(everything: bool) -> None:
    if everything:
        need_corpus()
    files = sorted(EXPECTED) if everything else LOCAL
    warned = {rel: [i.message for i in load(rel).issues] for rel in files if load(rel).issues}
    assert sorted(warned) == [rel for rel in sorted(WARNED) if rel in files]
    for rel, messages in warned.items():
        assert WARNED[rel] in messages[0]


@pytest.mark.parametrize(
    ("json_rel", "xml_rel"),
    [
        (
            "cyclonedx-maven-plugin-cyclonedx-json/Najafov007__spring-petclinic__bom.json",
            "cyclonedx-maven-plugin-cyclonedx-xml/Najafov007__spring-petclinic__bom.xml",
        ),
        (
            "cyclonedx-npm-cyclonedx-json/CycloneDX__cyclonedx-node-npm__bom.1.5.json",
            "cyclonedx-npm-cyclonedx-xml/CycloneDX__cyclonedx-node-npm__bom.1.6.xml",
        ),
    ],
    ids=["maven", "npm"],
)
def test_json_and_xml_twins_agree(json_rel: str, xml_rel: str) -> None:
    a, b = load(json_rel), load(xml_rel)
    strip = [(c.purl, c.name, c.version, c.scope, c.direct, c.hashes) for c in a.components]
    assert strip == [(c.purl, c.name, c.version, c.scope, c.direct, c.hashes) for c in b.components]
    assert a.relationships == b.relationships
    # XML lines come from the bom-ref attributes, found by the same single scan.
    text = sbom(xml_rel).read_text().splitlines()
    for comp in b.components:
        line = comp.locations[0].line
        assert line is not None and "bom-ref=" in text[line - 1], comp.purl
    assert a.metadata["sbom.tool"] == b.metadata["sbom.tool"]


def test_maven_hashes_names_and_repository() -> None:
    inv = load("cdxgen-cyclonedx-xml/CycloneDX__cdxgen__bom-deps.xml")
    comp = inv.by_purl()["pkg:maven/ch.qos.logback/logback-classic@1.2.3"]
    assert (comp.ecosystem, comp.name, comp.version) == (
        "maven",
        "ch.qos.logback:logback-classic",
        "1.2.3",
    )
    assert Hash("SHA-1", "7c4f3c474fb2c041d8028740440937705ebb473a") in comp.hashes
    assert [h.alg for h in comp.hashes] == ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]
    assert comp.source_url == "https://github.com/ceki/logback"
    assert Relationship(comp.purl, "pkg:maven/org.slf4j/slf4j-api@1.7.30") in inv.relationships
    # Maven's default type=jar is not part of the identity (as in sbom.purl.maven).
    assert inv.metadata["sbom.root"] == "pkg:maven/com.example/vuln-spring@0.0.1-SNAPSHOT"
    assert inv.metadata["sbom.tool"] == "cdxgen 5.5.6"


def test_npm_duplicates_merge_and_scopes() -> None:
    inv = load("cyclonedx-npm-cyclonedx-json/CycloneDX__cyclonedx-node-npm__bom.1.6.json")
    comps = inv.by_purl()
    babel = comps["pkg:npm/%40babel/parser@7.24.7#packages/babel-parser"]
    assert (babel.name, babel.version, babel.ecosystem) == ("@babel/parser", "7.24.7", "npm")
    assert babel.resolved == ("https://registry.npm.invalid/@babel/parser/-/parser-7.24.7.tgz",)
    assert babel.hashes[0].alg == "SHA-512"
    # 1101 entries, 984 purls: an npm package installed at several paths has several entries.
    assert max(len(c.locations) for c in inv.components) > 1
    # "excluded" (not shipped) is our dev scope; optional stays optional.
    assert sum(c.scope == "dev" for c in inv.components) == 1
    assert sum(c.scope == "optional" for c in inv.components) > 0
    assert inv.metadata["sbom.tool"] == "npm 11.4.1, cyclonedx-library 8.4.0, cyclonedx-npm 3.1.0"


def test_python_distribution_hashes_and_lines() -> None:
    rel = "cyclonedx-py-cyclonedx-json/CycloneDX__cyclonedx-python__plain_regression-issue702_lock21_1.6.json.bin"
    inv = load(rel)
    comp = inv.by_purl()["pkg:pypi/aiohappyeyeballs@2.4.6"]
    assert (
        Hash("SHA-256", "147ec992cf873d74f5062644332c539fcd42956dc69453fe5204195e560517e1")
        in comp.hashes
    )
    assert len(comp.resolved) == 2
    lines = sbom(rel).read_text().splitlines()
    for c in inv.components[:20]:
        line = c.locations[0].line
        assert line is not None and '"bom-ref"' in lines[line - 1], c.purl
    assert inv.metadata["sbom.root"] == "regression-issue702"


def test_golang_module_names_keep_the_full_path() -> None:
    inv = load(
        "cyclonedx-gomod-cyclonedx-json/CycloneDX__cyclonedx-gomod__app_minikube-v1.23.1_with-packages.bom.json"
    )
    names = {c.name for c in inv.components}
    assert "cloud.google.com/go/compute/metadata" in names  # a package nested in its module
    assert "github.com/blang/semver/v4" in names
    # The main module's own packages (under metadata.component) are the project, not deps.
    assert not any(n.startswith("k8s.io/minikube/") for n in names)


def test_spdx_github_envelope_ranges_and_root() -> None:
    inv = load(
        "github-dependency-graph-spdx-json/tedg-dev__GitHub-SBOM-fetcher__tedg-dev-xplat_fileshare-sbom.json"
    )
    anyhow = inv.by_purl()["pkg:cargo/anyhow"]
    assert (anyhow.version, anyhow.requirement, anyhow.direct) == (None, ">= 1.0.0,< 2.0.0", True)
    assert inv.metadata["sbom.root"] == "pkg:github/tedg-dev/xplat_fileshare@main"
    text = sbom(inv.root).read_text().splitlines()
    line = anyhow.locations[0].line
    assert line is not None and text[line - 1].strip().startswith('"SPDXID": "SPDXRef-cargo-anyhow')
    assert "pkg:github/tedg-dev/xplat_fileshare@main" not in inv.by_purl()


def test_spdx_qualifiers_distinguish_same_name() -> None:
    inv = load("trivy-spdx-json/aquasecurity__trivy__julia-spdx.json.golden")
    julia = [c for c in inv.components if c.ecosystem == "julia"]
    assert [(c.name, c.version) for c in julia] == [("A", "1.9.0"), ("B", "1.9.0"), ("B", "1.9.0")]
    a = next(c for c in julia if c.name == "A")
    assert any(r.source == a.purl and "pkg:julia/B@1.9.0" in r.target for r in inv.relationships)
    # The lockfile node (Manifest.toml) is no package: it becomes where its packages were found.
    assert "pkg:generic/Manifest.toml" not in inv.by_purl()
    assert a.locations[1:] == (Location("Manifest.toml"),) and a.direct is True


def test_spdx_tag_value_packages_edges_and_lines() -> None:
    rel = "trivy-spdx-tv/aquasecurity__trivy__centos-7-spdx.txt"
    inv = load(rel)
    # The operating system is the environment, not a package; what it holds hangs at the root.
    assert inv.metadata["sbom.environment"] == "centos 7.6.1810"
    assert "pkg:generic/centos@7.6.1810" not in inv.by_purl()
    openssl = next(c for c in inv.components if c.name == "openssl-libs")
    assert (
        openssl.purl
        == "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&distro=centos-7.6.1810&epoch=1"
    )
    assert Relationship("", openssl.purl) in inv.relationships
    line = openssl.locations[0].line
    assert (
        line is not None
        and sbom(rel).read_text().splitlines()[line - 1] == "PackageName: openssl-libs"
    )
    assert inv.metadata["sbom.tool"] == "trivy-dev"


def test_spdx_checksums_and_same_purl_twice() -> None:
    inv = load("syft-spdx-tv/anchore__syft__tag-value.spdx")
    app = inv.by_purl()["pkg:maven/com.mycompany.app/my-app@1"]
    assert app.hashes == (Hash("SHA-1", "11d42fc32de6a699c5705f6e58d2e387c5e9c8b5"),)
    assert len(app.locations) == 2 and app.name == "com.mycompany.app:my-app"
    busybox = next(c for c in inv.components if c.ecosystem == "apk")
    assert (busybox.name, busybox.resolved) == ("busybox", ("https://busybox.net/",))


def test_purl_less_entries_become_generic() -> None:
    inv = load("syft-cyclonedx-xml/google__osv-scanner__alpine.cdx.xml")
    generic = sorted(c.purl for c in inv.components if c.ecosystem == "generic")
    # busybox is a binary syft identified by CPE (an application with a version): a package.
    assert generic == ["pkg:generic/busybox@1.35.0"]
    assert inv.metadata["sbom.environment"] == "alpine 3.17.2"
    assert all(c.direct is None for c in inv.components)  # no dependency graph: unknown


@pytest.mark.parametrize(
    ("purl", "name"),
    [
        ("pkg:npm/%40angular/core@17.0.0", "@angular/core"),
        ("pkg:maven/org.apache.commons/commons-lang3@3.14.0", "org.apache.commons:commons-lang3"),
        ("pkg:golang/github.com/spf13/cobra@v1.8.0", "github.com/spf13/cobra"),
        ("pkg:pypi/Django_Rest@1.0", "django-rest"),
        ("pkg:composer/symfony/console@7.0.0", "symfony/console"),
        ("pkg:deb/debian/adduser@3.118", "adduser"),
        ("pkg:nuget/Newtonsoft.Json@13.0.3", "Newtonsoft.Json"),
        ("not a purl", None),
    ],
)
def test_name_from_purl(purl: str, name: str | None) -> None:
    assert name_from_purl(purl) == name


# ---- detection --------------------------------------------------------------------------


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_detect_corpus_by_content(rel: str) -> None:
    assert detect(sbom(rel).read_text(encoding="utf-8-sig")) == EXPECTED[rel][0]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        '{"name": "left-pad", "version": "1.0.0"}',
        "[1, 2]",
        '<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"/>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        "PackageName: foo\nSPDXVersion: SPDX-2.3\n",
        "requests==2.31.0\n",
    ],
)
def test_detect_rejects_other_content(text: str) -> None:
    assert detect(text) is None


def test_detect_tag_value_after_comments_and_prefixed_xml() -> None:
    assert detect("# made by hand\n\nSPDXVersion: SPDX-2.3\n") == "spdx-tag-value"
    assert detect("\ufeffSPDXVersion: SPDX-2.2\n") == "spdx-tag-value"
    xml = (
        '<?xml version="1.0"?>\n<!-- c -->\n<c:bom xmlns:c="http://cyclonedx.org/schema/bom/1.5"/>'
    )
    assert detect(xml) == "cyclonedx-xml"
    assert detect(BILLION_LAUGHS) == "cyclonedx-xml"  # refused later, by the parser
    header = '<?xml version="1.0"?><!-- (c) <me> --><!DOCTYPE bom [<!ENTITY a "<x>">]>'
    assert detect(header + '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>') == "cyclonedx-xml"
    assert detect(header + '<project xmlns="http://cyclonedx.org/schema/bom/1.6"/>') is None
    assert detect("<!DOCTYPE bom [") is None and detect("<!-- never closed") is None


# ---- bad and hostile input --------------------------------------------------------------


def cdx(components: list[Any], spec: str = "1.5", **extra: Any) -> bytes:
    return json.dumps(
        {"bomFormat": "CycloneDX", "specVersion": spec, "components": components, **extra}
    ).encode()


def errors(inv: Inventory) -> list[str]:
    return [i.message for i in inv.issues if i.severity == "error"]


def test_truncated_json_is_an_issue_with_a_line() -> None:
    data = sbom("trivy-cyclonedx-json/interlynk-io__sbomqs__sbomqs.trivy-cdx.json").read_bytes()
    inv = ingest(data[: len(data) // 2], "bom.json")
    assert inv.components == () and len(inv.issues) == 1
    issue = inv.issues[0]
    assert (
        issue.path == "bom.json"
        and issue.line
        and issue.message.startswith("cyclonedx-json: invalid JSON")
    )


def test_non_utf8_and_binary_are_issues() -> None:
    inv = ingest(b'{"bomFormat": "CycloneDX",\n "x": "caf\xe9"}', "bom.json")
    assert errors(inv) == ["not UTF-8 text (byte 37)"] and inv.issues[0].line == 2
    assert errors(ingest(b"\x7fELF\x00\x00\x01", "a.out")) == [
        "binary content, not an SBOM document"
    ]
    assert "not a CycloneDX" in errors(ingest(b"", "empty"))[0]


def test_utf16_with_bom_is_read() -> None:
    data = cdx([{"name": "x", "version": "1", "purl": "pkg:npm/x@1"}]).decode()
    inv = ingest("\ufeff".encode("utf-16-le") + data.encode("utf-16-le"), "bom.json")
    assert [c.purl for c in inv.components] == ["pkg:npm/x@1"] and not inv.issues


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE bom [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">
  <components><component type="library"><name>&d;</name><version>1</version></component></components>
</bom>"""


def test_xml_entity_bomb_is_refused() -> None:
    inv = ingest(BILLION_LAUGHS.encode(), "bom.xml")
    assert inv.components == ()
    assert errors(inv) == ["cyclonedx-xml: refused hostile XML: EntitiesForbidden"]


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request (none may arrive)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "leaked">')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_xml_external_entities_are_refused_and_never_fetched(
    loopback: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, seen = loopback
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    body = (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components>'
        '<component type="library"><name>&xxe;</name><version>1</version></component>'
        "</components></bom>"
    )
    for entity in (
        f'<!ENTITY xxe SYSTEM "file://{secret}">',
        f'<!ENTITY xxe SYSTEM "{base}/entity">',
        f'<!ENTITY % p SYSTEM "{base}/dtd"> %p;',
    ):
        inv = ingest(f'<?xml version="1.0"?><!DOCTYPE bom [{entity}]>{body}'.encode(), "x.xml")
        assert inv.components == () and errors(inv), entity
        assert "refused hostile XML" in errors(inv)[0]
    # An external DTD subset is not loaded either; the document itself is harmless.
    doctype = f'<?xml version="1.0"?><!DOCTYPE bom SYSTEM "{base}/bom.dtd">'
    inv = ingest((doctype + body.replace("&xxe;", "x")).encode(), "x.xml")
    assert [c.purl for c in inv.components] == ["pkg:generic/x@1"]
    assert seen == []
    assert all("top secret" not in c.name for c in inv.components)


def test_deeply_nested_json_is_an_issue() -> None:
    deep = (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.5", "x": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}"
    )
    inv = ingest(deep, "deep.json")
    assert inv.components == () and len(errors(inv)) == 1


def test_nested_components_are_flattened_without_recursion() -> None:
    node: dict[str, Any] = {"name": "leaf", "version": "0", "purl": "pkg:npm/leaf@0"}
    for depth in range(150):  # within the JSON nesting limit of the core loader
        node = {
            "name": f"n{depth}",
            "version": "1",
            "purl": f"pkg:npm/n{depth}@1",
            "components": [node],
        }
    inv = ingest(cdx([node]), "nested.json")
    assert len(inv.components) == 151 and not inv.issues
    xml = '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>'
    xml += '<component type="library"><name>n</name><version>1</version><components>' * 3000
    xml += "</components></component>" * 3000 + "</components></bom>"
    assert len(ingest(xml.encode(), "deep.xml").components) == 1  # 3000 entries, one identity


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (cdx([], spec="2.0"), "unsupported CycloneDX specVersion '2.0'"),
        (cdx([], spec="1.1"), "unsupported CycloneDX specVersion '1.1'"),
        (json.dumps({"bomFormat": "CycloneDX", "specVersion": 1.5}).encode(), "unsupported"),
        (
            json.dumps({"spdxVersion": "SPDX-3.0", "packages": []}).encode(),
            "unsupported spdxVersion 'SPDX-3.0'",
        ),
        (
            b'<bom xmlns="http://cyclonedx.org/schema/bom/1.1" version="1"/>',
            "unsupported CycloneDX specVersion '1.1'",
        ),
        (b"SPDXVersion: SPDX-1.2\nPackageName: x\n", "unsupported spdxVersion 'SPDX-1.2'"),
        (json.dumps({"sbom": {"bomFormat": "CycloneDX"}}).encode(), 'no top-level "bomFormat"'),
    ],
)
def test_wrong_spec_is_an_error_issue(data: bytes, message: str) -> None:
    inv = ingest(data, "doc")
    assert inv.components == () and len(errors(inv)) == 1
    assert message in errors(inv)[0]


def test_newer_minor_spec_is_read_with_a_warning() -> None:
    inv = ingest(
        cdx([{"name": "x", "version": "1", "purl": "pkg:npm/x@1"}], spec="1.9"), "bom.json"
    )
    assert [c.purl for c in inv.components] == ["pkg:npm/x@1"]
    assert [i.severity for i in inv.issues] == ["warning"] and inv.issues[0].line == 1


def test_junk_values_degrade_to_warnings() -> None:
    comps = [
        {
            "name": "ok",
            "version": "1",
            "purl": "pkg:npm/ok@1",
            "hashes": [{"alg": "SHA-256", "content": "zz"}],
        },
        {"purl": "pkg:"},
        {"name": "/", "version": "1"},
        "not a component",
        {"name": ["x"], "purl": 7, "scope": ["required"], "type": {}, "externalReferences": "x"},
    ]
    deps = [{"ref": "a", "dependsOn": ["missing", 5]}, "junk"]
    inv = ingest(
        cdx(comps, dependencies=deps, metadata={"tools": "x", "component": []}), "bom.json"
    )
    assert [c.purl for c in inv.components] == ["pkg:npm/ok@1"]
    assert inv.components[0].hashes == ()
    assert {(i.severity, i.message.removeprefix("cyclonedx-json: ")) for i in inv.issues} == {
        ("warning", "invalid purl 'pkg:'; identified by name"),
        ("warning", "component without a usable purl or name skipped"),
        ("warning", "1 dependency references name no component (first: 'missing')"),
    }


def test_ingest_file_limits_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(cdx([{"name": "x", "version": "1", "purl": "pkg:npm/x@1"}]))
    assert len(ingest_file(str(path)).components) == 1
    too_big = ingest_file(str(path), max_bytes=10)
    assert too_big.components == () and "over the 10-byte limit" in errors(too_big)[0]
    missing = ingest_file(str(tmp_path / "nope.json"))
    assert missing.root.endswith("nope.json") and errors(missing)[0].startswith("cannot read")


# ---- fuzz: nothing ever raises ----------------------------------------------------------

SMALL = [
    "trivy-cyclonedx-json/interlynk-io__sbomqs__sbomqs.trivy-cdx.json",
    "trivy-spdx-json/aquasecurity__trivy__julia-spdx.json.golden",
    "syft-cyclonedx-xml/google__osv-scanner__alpine.cdx.xml",
    "trivy-spdx-tv/aquasecurity__trivy__centos-7-spdx.txt",
]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2048))
def test_fuzz_random_bytes(data: bytes) -> None:
    assert isinstance(ingest(data, "fuzz"), Inventory)


@FUZZ
@given(st.sampled_from(SMALL), st.data())
def test_fuzz_mutated_real_sbom(rel: str, draw: st.DataObject) -> None:
    data = sbom(rel).read_bytes()
    start = draw.draw(st.integers(0, len(data)))
    end = draw.draw(st.integers(start, min(len(data), start + 64)))
    insert = draw.draw(
        st.binary(max_size=16) | st.sampled_from([b"{", b"}", b"]", b'"', b"<", b"\n", b"\xff"])
    )
    inv = ingest(data[:start] + insert + data[end:], rel)
    assert isinstance(inv, Inventory)
    # Whatever breaks must be reported as a parse problem, not as an unexpected exception.
    assert not any("could not parse (" in i.message for i in inv.issues)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


@FUZZ
@given(st.sampled_from(SMALL[:2]), st.data())
def test_fuzz_wrong_types_anywhere_in_json(rel: str, draw: st.DataObject) -> None:
    doc = json.loads(sbom(rel).read_text())
    paths = _paths(doc)[1:]
    for _ in range(draw.draw(st.integers(1, 4))):
        path = draw.draw(st.sampled_from(paths))
        target = doc
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = draw.draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    inv = ingest(json.dumps(doc).encode(), rel)
    assert not any("could not parse (" in i.message for i in inv.issues), inv.issues
