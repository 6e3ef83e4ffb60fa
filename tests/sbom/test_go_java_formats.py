"""Go and Java parsers: replace/exclude, indirect, properties, managed versions, scopes, hashes, lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbom.ecosystems.go import go_mod, go_sum, vendor_modules
from sbom.ecosystems.java import gradle_lockfile, gradle_verification, pom
from sbom.model import Component, Hash, Location, ParseResult, Relationship
from sbom.parser import Matcher, Parser
from sbom.read import parse_bytes
from tests.conftest import FIXTURES

FORMATS = FIXTURES / "formats"


def run(parser: Parser, text: str, path: str = "x") -> ParseResult:
    return parse_bytes(text.encode(), path, parser)


def by_name(result: ParseResult) -> dict[tuple[str, str | None], Component]:
    return {(c.name, c.version): c for c in result.components}


def lines(comp: Component) -> list[int | None]:
    return [loc.line for loc in comp.locations]


# --- go.mod -------------------------------------------------------------------------


def test_golang_go_mod_replace_exclude_from_go_mod_edit() -> None:
    # Written by `go mod edit -require/-exclude/-replace/-retract` (Go 1.19), not by hand.
    rel = "go-mod-edit/go.mod"
    result = go_mod.parse((FORMATS / "golang__go-mod" / rel).read_text(), rel)
    got = by_name(result)
    # module → other module@version: the replacement is what gets built.
    logger = got[("github.com/new/logger", "v1.3.1")]
    assert logger.purl == "pkg:golang/github.com/new/logger@v1.3.1"
    assert lines(logger) == [9, 19]  # the require line, then the replace line
    # An exact-version replacement; the major suffix stays in the purl path.
    yaml = got[("github.com/fork/yaml/v3", "v3.0.2")]
    assert yaml.purl == "pkg:golang/github.com/fork/yaml/v3@v3.0.2"
    # A replacement for another version (v1.2.0) does not touch the required v1.3.0.
    assert got[("github.com/google/uuid", "v1.3.0")].locations == (Location(rel, 7),)
    # module → directory: same identity, source is a path.
    local = got[("github.com/acme/internal-lib", "v0.0.0")]
    assert (local.source_kind, local.source_url) == ("path", "../internal-lib")
    # Excluding another version changes nothing; excluding the required one drops it.
    assert ("golang.org/x/text", "v0.3.7") in got
    assert not any(name == "github.com/gorilla/mux" for name, _ in got)
    (issue,) = result.issues
    assert (issue.line, issue.severity) == (8, "warning") and "excluded" in issue.message
    # The main module, go and retract lines are not components.
    assert not any(name.startswith("example.com/demo") for name, _ in got)
    assert all(c.direct is True for c in result.components)


def test_golang_go_mod_single_line_require_with_local_replacement() -> None:
    rel = "go-mod-edit-single/go.mod"
    result = go_mod.parse((FORMATS / "golang__go-mod" / rel).read_text(), rel)
    (cobra,) = result.components
    assert (cobra.name, cobra.version, cobra.source_kind) == (
        "github.com/spf13/cobra",
        "v1.6.1",
        "path",
    )
    assert cobra.source_url == "./third_party/cobra" and lines(cobra) == [5, 9]
    assert result.relationships == (Relationship("", cobra.purl),)


def test_golang_go_mod_indirect_and_root_edges(corpus: Path) -> None:
    rel = "go-mod/cloudwego__kitex/go.mod"
    result = go_mod.parse((corpus / rel).read_text(), rel)
    got = by_name(result)
    assert got[("github.com/bytedance/gopkg", "v0.1.4")].direct is True
    assert lines(got[("github.com/bytedance/gopkg", "v0.1.4")]) == [6]
    assert got[("github.com/bytedance/sonic/loader", "v0.5.0")].direct is False
    assert got[("github.com/bytedance/sonic/loader", "v0.5.0")].scope is None
    direct = {c.purl for c in result.components if c.direct}
    assert {r.target for r in result.relationships} == direct
    assert {r.source for r in result.relationships} == {""}


def test_golang_go_mod_newer_directives_and_comment_forms() -> None:
    # Hand-written: the corpus has no toolchain/godebug/tool directives or "indirect;" notes.
    text = (
        "module example.com/m\n\ngo 1.24.0\n\ntoolchain go1.24.2\n\n"
        "godebug (\n\tdefault=go1.21\n)\n\n"
        "tool golang.org/x/tools/cmd/stringer\n\n"
        'require "golang.org/x/tools" v0.30.0 // indirect; needed by stringer\n'
        "require (\n\texample.com/a v1.0.0 // keep\n)\n"
        "frobnicate example.com/b v1\n"
    )
    result = run(go_mod, text)
    got = by_name(result)
    assert set(got) == {("golang.org/x/tools", "v0.30.0"), ("example.com/a", "v1.0.0")}
    assert got[("golang.org/x/tools", "v0.30.0")].direct is False
    assert got[("example.com/a", "v1.0.0")].direct is True
    (issue,) = result.issues  # an unknown directive is a warning, not a failure
    assert issue.line == 17 and issue.severity == "warning"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("module m\n\nrequire (\n\texample.com/a v1.0.0\n", 3),
        ("module m\n)\n", 2),
        ('{"name": "not a go.mod"}\n', 1),
    ],
)
def test_golang_go_mod_bad_input_is_an_issue_with_a_line(text: str, line: int) -> None:
    result = run(go_mod, text)
    assert not result.components
    (issue,) = result.issues
    assert issue.line == line and issue.message.startswith("golang/go-mod: ")


def test_golang_go_mod_bad_entry_is_skipped() -> None:
    result = run(go_mod, "module m\nrequire (\n\texample.com/a\n\texample.com/b v1.0.0\n)\n")
    assert [c.name for c in result.components] == ["example.com/b"]
    assert [i.line for i in result.issues] == [3]


# --- go.sum -------------------------------------------------------------------------


def test_golang_go_sum_full_hash_lines_only(corpus: Path) -> None:
    rel = "go-mod/cloudwego__kitex/go.sum"
    result = go_sum.parse((corpus / rel).read_text(), rel)
    got = by_name(result)
    assert lines(got[("github.com/bytedance/gopkg", "v0.1.4")]) == [4]
    # /go.mod-only lines: read for version selection, never built.
    assert ("github.com/bytedance/gopkg", "v0.1.1") not in got
    assert ("cloud.google.com/go", "v0.26.0") not in got
    # h1 (the module's content hash, base64) is written as SHA-256 hex, as cyclonedx-gomod does.
    assert got[("github.com/bytedance/gopkg", "v0.1.4")].hashes == (
        Hash("SHA-256", "a199d0c275fcd8a00859bef4df76c4c2dc6f4ea5dc60cc4305a431a392491d63"),
    )
    assert all(len(c.hashes) == 1 and c.direct is None for c in result.components)


def test_golang_go_sum_keeps_every_version_and_skips_bad_lines(corpus: Path) -> None:
    rel = "go-mod/ydb-platform__ydb-go-sdk/go.sum"
    text = (corpus / rel).read_text()
    versions = {v for n, v in by_name(go_sum.parse(text, rel)) if n.endswith("/ydb-go-genproto")}
    assert versions == {"v0.0.0-20260428144813-1c07baab7f7b", "v0.0.0-20260810122915-65bfd5c4b705"}
    broken = run(go_sum, "example.com/a v1.0.0 h1:abc=\nexample.com/b v1.0.0\n")
    assert [c.name for c in broken.components] == ["example.com/a"]
    assert [i.line for i in broken.issues] == [2]
    garbage = run(go_sum, "<html>\n<body>not a go.sum</body>\n")
    assert not garbage.components and [i.line for i in garbage.issues] == [1]


# --- vendor/modules.txt -------------------------------------------------------------


def test_golang_vendor_modules_replacements(corpus: Path) -> None:
    rel = "go-vendor/kubeedge__kubeedge/vendor/modules.txt"
    result = vendor_modules.parse((corpus / rel).read_text(), rel)
    got = by_name(result)
    api = got[("github.com/kubeedge/kubernetes/staging/src/k8s.io/api", "v1.32.10-kubeedge1")]
    assert lines(api) == [1273]
    local = got[("github.com/kubeedge/api", "v0.0.0")]
    assert (local.source_kind, local.source_url) == (
        "path",
        "./staging/src/github.com/kubeedge/api",
    )
    # Trailing replacement records (nothing follows them) are not modules.
    assert ("k8s.io/gengo", "v0.32.10") not in got
    assert ("github.com/sirupsen/logrus", "v1.0.5") not in got
    # "## explicit" means "listed in go.mod", // indirect ones included: not "direct".
    assert all(c.direct is None for c in result.components)


def test_golang_vendor_modules_old_format_and_workspace() -> None:
    # Hand-written: Go ≤1.13 files have no "##" lines; go.work vendoring marks workspace modules.
    text = (
        "# example.com/old v1.0.0\nexample.com/old/pkg\n"
        "# example.com/ws v0.0.0 => ./ws\n## workspace\n"
        "# example.com/unused v1.0.0 => example.com/other v1.1.0\n"
    )
    result = run(vendor_modules, text)
    assert [(c.name, c.version, lines(c)) for c in result.components] == [
        ("example.com/old", "v1.0.0", [1])
    ]
    bad = run(vendor_modules, "example.com/pkg\n")
    assert not bad.components and bad.issues[0].line == 1


# --- pom.xml ------------------------------------------------------------------------

# Hand-written for features the corpus lacks (parent-inherited version, classifiers,
# system scope, ranges, unresolved properties, profiles, a commented-out dependency).
# `mvn -o validate`, with a parent POM beside it, accepts the model; offline it cannot
# fetch the imported netty BOM, which is also what would give netty-handler a version.
POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.example</groupId>
    <artifactId>parent</artifactId>
    <version>7</version>
  </parent>
  <artifactId>app</artifactId>
  <properties>
    <guava.version>33.0.0-jre</guava.version>
    <netty.version>${netty.major}.1.100.Final</netty.version>
    <netty.major>4</netty.major>
    <repo.path>maven2</repo.path>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.google.guava</groupId>
        <artifactId>guava</artifactId>
        <version>${guava.version}</version>
      </dependency>
      <dependency>
        <groupId>io.netty</groupId>
        <artifactId>netty-bom</artifactId>
        <version>${netty.version}</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
      <dependency>
        <groupId>org.slf4j</groupId>
        <artifactId>slf4j-api</artifactId>
        <version>2.0.9</version>
        <scope>provided</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <!-- <dependency><groupId>x</groupId><artifactId>y</artifactId></dependency> -->
    <dependency>
      <groupId>com.google.guava</groupId>
      <artifactId>guava</artifactId>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>core</artifactId>
      <version>${project.version}</version>
      <classifier>tests</classifier>
      <type>test-jar</type>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
    </dependency>
    <dependency>
      <groupId>io.netty</groupId>
      <artifactId>netty-handler</artifactId>
      <optional>true</optional>
    </dependency>
    <dependency>
      <groupId>com.oracle</groupId>
      <artifactId>ojdbc</artifactId>
      <version>[19,20)</version>
      <scope>system</scope>
      <systemPath>${project.basedir}/lib/ojdbc.jar</systemPath>
    </dependency>
    <dependency>
      <groupId>org.junit</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>${junit.version}</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-enforcer-plugin</artifactId>
        <version>3.4.1</version>
        <dependencies>
          <dependency>
            <groupId>org.codehaus.mojo</groupId>
            <artifactId>extra-enforcer-rules</artifactId>
            <version>1.7.0</version>
          </dependency>
        </dependencies>
      </plugin>
    </plugins>
  </build>
  <profiles>
    <profile>
      <id>metrics</id>
      <dependencies>
        <dependency>
          <groupId>io.micrometer</groupId>
          <artifactId>micrometer-core</artifactId>
          <version>1.12.0</version>
        </dependency>
      </dependencies>
      <repositories>
        <repository><id>mirror</id><url>https://mirror.example.invalid/maven</url></repository>
      </repositories>
    </profile>
  </profiles>
  <repositories>
    <repository><id>corp</id><url>https://repo.example.invalid/${repo.path}</url></repository>
  </repositories>
  <pluginRepositories>
    <pluginRepository><id>p</id><url>https://plugins.example.invalid/</url></pluginRepository>
  </pluginRepositories>
</project>
"""


def test_maven_pom_properties_management_scopes_and_lines() -> None:
    result = run(pom, POM, "app/pom.xml")
    got = by_name(result)
    # Managed version fills in a versionless dependency; both declarations are kept as locations.
    guava = got[("com.google.guava:guava", "33.0.0-jre")]
    assert (guava.scope, guava.direct, lines(guava)) == ("required", True, [18, 40])
    # ${project.groupId}/${project.version} come from <parent>; classifier and type are qualifiers.
    core = got[("org.example:core", "7")]
    assert core.purl == "pkg:maven/org.example/core@7?classifier=tests&type=test-jar"
    assert (core.scope, lines(core)) == ("dev", [44])
    # Managed scope applies too: provided → optional.
    assert got[("org.slf4j:slf4j-api", "2.0.9")].scope == "optional"
    # A BOM import: a pom, build-time only, nested properties resolved.
    bom = got[("io.netty:netty-bom", "4.1.100.Final")]
    assert (bom.purl, bom.scope, bom.direct) == (
        "pkg:maven/io.netty/netty-bom@4.1.100.Final?type=pom",
        "dev",
        None,
    )
    # No version anywhere in this file (a parent manages it): None, no issue of its own.
    handler = got[("io.netty:netty-handler", None)]
    assert (handler.scope, handler.requirement, handler.purl) == (
        "optional",
        None,
        "pkg:maven/io.netty/netty-handler",
    )
    # A range is a requirement; a system jar is a repository file.
    ojdbc = got[("com.oracle:ojdbc", None)]
    assert (ojdbc.requirement, ojdbc.scope, ojdbc.source_kind) == ("[19,20)", "optional", "path")
    assert ojdbc.source_url == "${project.basedir}/lib/ojdbc.jar"
    # An undefined property: version None, one warning for the file.
    junit = got[("org.junit:junit-jupiter", None)]
    assert junit.requirement == "${junit.version}" and junit.scope == "dev"
    (issue,) = result.issues
    assert issue.severity == "warning" and "${junit.version}" in issue.message and issue.line == 68
    # A profile's dependency is only sometimes there; plugin dependencies are left out.
    micrometer = got[("io.micrometer:micrometer-core", "1.12.0")]
    assert micrometer.scope == "optional"
    # Declared repositories are the registries; a profile's only for its own entries.
    corp = "https://repo.example.invalid/maven2"
    assert micrometer.registries == ("https://mirror.example.invalid/maven", corp)
    assert guava.registries == bom.registries == (corp,)
    assert ("org.codehaus.mojo:extra-enforcer-rules", "1.7.0") not in got
    assert {r.target for r in result.relationships} == {
        c.purl for c in result.components if c.direct
    }


def test_maven_pom_corpus_interpolation_and_scopes(corpus: Path) -> None:
    rel = "maven-pom/apache__rocketmq/pom.xml"
    got = by_name(pom.parse((corpus / rel).read_text(), rel))
    # ${project.version} → ${revision} → 5.3.4-SNAPSHOT; managed-only entries are optional.
    broker = got[("org.apache.rocketmq:rocketmq-broker", "5.3.4-SNAPSHOT")]
    assert (broker.direct, broker.scope) == (None, "optional")
    junit = got[("junit:junit", "4.13.2")]
    assert (junit.direct, junit.scope, lines(junit)) == (True, "dev", [828, 1097])
    assert got[("org.bouncycastle:bcpkix-jdk15on", "1.69")].locations == (Location(rel, 654),)


def test_maven_pom_entity_bomb_and_external_entity_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE project [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
        "<project><properties><x>&c;</x></properties></project>\n"
    )
    xxe = '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<project>&e;</project>\n'
    for parser in (pom, gradle_verification):
        for text in (bomb, xxe):
            result = run(parser, text)
            assert not result.components
            (issue,) = result.issues
            assert "refused hostile XML" in issue.message


def test_maven_pom_property_expansion_is_bounded() -> None:
    refs = "${a}" * 200
    text = (
        f"<project><properties><a>{'x' * 1000}</a><b>{refs}</b></properties><dependencies>"
        "<dependency><groupId>g</groupId><artifactId>a</artifactId><version>${b}</version></dependency>"
        "</dependencies></project>"
    )
    (comp,) = run(pom, text).components
    assert comp.version is None and comp.requirement is not None and len(comp.requirement) < 10_000


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n", 4),
        ("<settings>\n</settings>\n", 1),
    ],
)
def test_maven_pom_bad_input_is_an_issue_with_a_line(text: str, line: int) -> None:
    result = run(pom, text)
    assert not result.components
    (issue,) = result.issues
    assert issue.line == line and issue.message.startswith("maven/pom: ")


# --- Gradle -------------------------------------------------------------------------


def test_maven_gradle_lockfile_scopes() -> None:
    # Hand-written: Gradle cannot run here and the corpus lockfile locks only spotbugs.
    text = (
        "# This is a Gradle generated file for dependency locking.\n"
        "com.google.guava:guava:33.0.0-jre=compileClasspath,runtimeClasspath,testRuntimeClasspath\n"
        "junit:junit:4.13.2=testCompileClasspath,integrationTestRuntimeClasspath\n"
        "org.projectlombok:lombok:1.18.30=annotationProcessor,compileOnly\n"
        "org.mapstruct:mapstruct-processor:1.5.5.Final=annotationProcessor\n"
        "org.example:old:1.0=latestDepRuntimeClasspath\n"
        "not-a-coordinate=compileClasspath\n"
        "empty=spotbugsPlugins\n"
    )
    result = run(gradle_lockfile, text, "gradle.lockfile")
    scopes = {c.name: c.scope for c in result.components}
    assert scopes == {
        "com.google.guava:guava": "required",
        "junit:junit": "dev",
        "org.projectlombok:lombok": "required",  # compileOnly is part of the compile
        "org.mapstruct:mapstruct-processor": "dev",
        "org.example:old": "required",  # "latest" is not the word "test"
    }
    assert {c.name: lines(c) for c in result.components}["junit:junit"] == [3]
    assert [i.line for i in result.issues] == [7]
    assert all(c.direct is None for c in result.components)


def test_maven_gradle_lockfile_buildscript_and_legacy_files() -> None:
    plugins = run(
        gradle_lockfile,
        "com.diffplug.spotless:spotless-plugin-gradle:6.25.0=classpath\n",
        "buildscript-gradle.lockfile",
    )
    assert [c.scope for c in plugins.components] == ["dev"]
    legacy = run(
        gradle_lockfile,
        "# comment\norg.slf4j:slf4j-api:2.0.9\n",
        "gradle/dependency-locks/testRuntimeClasspath.lockfile",
    )
    (comp,) = legacy.components
    assert (comp.purl, comp.scope, lines(comp)) == (
        "pkg:maven/org.slf4j/slf4j-api@2.0.9",
        "dev",
        [2],
    )
    garbage = run(gradle_lockfile, "{}\n")
    assert not garbage.components and garbage.issues[0].line == 1


def test_maven_gradle_verification_hashes_and_lines(corpus: Path) -> None:
    rel = "gradle-verification/tronprotocol__java-tron/gradle/verification-metadata.xml"
    got = by_name(gradle_verification.parse((corpus / rel).read_text(), rel))
    antlr = got[("antlr:antlr", "2.7.7")]
    # The jar's digest, not the POM's.
    assert antlr.hashes == (
        Hash("SHA-256", "88fbda4b912596b9f56e8e12e580cc954bacfb51776ecfddd3e18fc1cf56dc4c"),
    )
    assert lines(antlr) == [12]
    # A parent POM: its only artifact is the POM.
    assert got[("ch.qos.logback:logback-parent", "1.2.13")].hashes[0].value.startswith("fa08315e")
    assert lines(got[("ch.qos.logback:logback-parent", "1.2.13")]) == [44]
    # Only classifier artifacts (protoc executables): no main artifact, no hash.
    assert got[("com.google.protobuf:protoc", "3.25.5")].hashes == ()


def test_maven_gradle_verification_several_algorithms() -> None:
    # Hand-written: the corpus file has sha256 only.
    sha1, sha512 = "a" * 40, "b" * 128
    text = f"""<verification-metadata xmlns="https://schema.gradle.org/dependency-verification">
  <components>
    <!-- <component group="x" name="y" version="1"/> -->
    <component group="org.example" name="lib" version="1.0">
      <artifact name="lib-1.0.jar">
        <sha1 value="{sha1}"/>
        <sha512 value="{sha512}"><also-trust value="{"c" * 128}"/></sha512>
        <pgp value="0123456789ABCDEF"/>
      </artifact>
      <artifact name="lib-1.0-sources.jar"><sha256 value="{"d" * 64}"/></artifact>
    </component>
    <component group="org.example" name="broken"/>
  </components>
</verification-metadata>
"""
    result = run(gradle_verification, text)
    (comp,) = result.components
    assert comp.hashes == (Hash("SHA-1", sha1), Hash("SHA-512", sha512))
    assert lines(comp) == [4]
    assert [i.line for i in result.issues] == [12]


def test_golang_maven_patterns_match_the_real_locations() -> None:
    parsers: tuple[Parser, ...] = (
        go_mod,
        go_sum,
        vendor_modules,
        pom,
        gradle_lockfile,
        gradle_verification,
    )
    matcher = Matcher(parsers)
    expect = {
        "svc/go.mod": "golang/go-mod",
        "go.sum": "golang/go-sum",
        "vendor/modules.txt": "golang/vendor-modules",
        "core/pom.xml": "maven/pom",
        "app/gradle.lockfile": "maven/gradle-lockfile",
        "buildscript-gradle.lockfile": "maven/gradle-lockfile",
        "app/gradle/dependency-locks/compileClasspath.lockfile": "maven/gradle-lockfile",
        "gradle/verification-metadata.xml": "maven/gradle-verification",
    }
    for path, name in expect.items():
        assert [p.NAME for p in matcher.match(path)] == [name], path
    assert not matcher.match("docs/modules.txt")
