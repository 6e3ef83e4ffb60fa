"""NuGet, Bundler, Composer and pub parsers: scopes, hashes, origins, lines and bad input.

Inputs are the real files of the shared corpus. Where a feature does not occur there (Gemfile.lock
CHECKSUMS of platform gems, composer VCS repositories, NuGet multi-targeting, ...) a minimal
hand-written snippet stands in: the NuGet, RubyGems, Packagist and pub registries cannot be
reached from the build machine, so their tools cannot produce fixtures. Each snippet says so.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
from pathlib import Path

import pytest

from sbom.build import plan
from sbom.ecosystems.dart import pubspec_lock
from sbom.ecosystems.dotnet import packages_config, packages_lock, project_file
from sbom.ecosystems.php import composer_lock
from sbom.ecosystems.ruby import gemfile_lock
from sbom.errors import ParseError
from sbom.model import Component, Hash, ParseResult, Relationship
from sbom.parser import Parser
from sbom.read import parse_bytes

NUGET_LOCK = "nuget-packages-lock/bitwarden__server/src/Api/packages.lock.json"
NUGET_LOCK_CORE = "nuget-packages-lock/bitwarden__server/src/Core/packages.lock.json"
CSPROJ = "nuget-csproj/bitwarden__server/src/Core/Core.csproj"
CSPROJ_GEN = (
    "monorepo/dagger__dagger/sdk/dotnet/sdk/Dagger.SDK.SourceGenerator/"
    "Dagger.SDK.SourceGenerator.csproj"
)
PACKAGES_CONFIG = "nuget-packages-config/rustdesk__rustdesk/res/msi/CustomActions/packages.config"
GEM_RAILS = "ruby-gemfile-lock/rails__rails/Gemfile.lock"
GEM_RUBYGEMS = "ruby-gemfile-lock/rubygems__rubygems.org/Gemfile.lock"
COMPOSER = "composer-lock/composer__composer/composer.lock"
COMPOSER_PATH_REPO = (
    "monorepo/dagger__dagger/docs/versioned_docs/version-0.21.4/cookbook/snippets/"
    "copy-dir/php/composer.lock"
)
PUB_RUSTDESK = "pub-lock/rustdesk__rustdesk/flutter/pubspec.lock"
PUB_LOCALSEND = "pub-lock/localsend__localsend/pubspec.lock"


def _remote(path: Path) -> str:
    """The first GEM remote of a corpus Gemfile.lock (the real host is not named in tests)."""
    return re.search(r"^GEM\n  remote: (\S+)", path.read_text(), re.M).group(1)  # type: ignore[union-attr]


def _notification_base(path: Path) -> str:
    url = re.search(r'"notification-url": "([^"]+)"', path.read_text()).group(1)  # type: ignore[union-attr]
    return url.replace("\\/", "/").removesuffix("downloads/")


def _hosted_url(path: Path) -> str:
    return re.search(r'url: "([^"]+)"', path.read_text()).group(1)  # type: ignore[union-attr]


def run(parser: Parser, text: str, path: str = "x") -> ParseResult:
    return parse_bytes(text.encode(), path, parser)


def corpus_file(corpus: Path, rel: str) -> ParseResult:
    parser = {
        "packages.lock.json": packages_lock,
        "packages.config": packages_config,
        "Gemfile.lock": gemfile_lock,
        "composer.lock": composer_lock,
        "pubspec.lock": pubspec_lock,
    }.get(rel.rsplit("/", 1)[-1], project_file)
    result = parse_bytes((corpus / rel).read_bytes(), rel, parser)
    assert not result.issues, result.issues
    return result


def one(result: ParseResult, name: str, version: str | None = None) -> Component:
    found = [
        c for c in result.components if c.name == name and (version is None or c.version == version)
    ]
    assert len(found) == 1, found
    return found[0]


def line_of(corpus: Path, rel: str, needle: str) -> int:
    text = (corpus / rel).read_text(encoding="utf-8-sig")
    return text[: text.index(needle)].count("\n") + 1


# --- NuGet packages.lock.json -------------------------------------------------------------


def test_nuget_lock_direct_transitive_hash_and_line(corpus: Path) -> None:
    result = corpus_file(corpus, NUGET_LOCK)
    sql = one(result, "AspNetCore.HealthChecks.SqlServer")
    assert (sql.version, sql.direct, sql.scope, sql.source_kind) == (
        "8.0.2",
        True,
        None,
        "registry",
    )
    raw = base64.b64decode(
        "sTcVVq7/zhfUrSTs0WAktvPdpU1He/sj14gRTogq4eFhn0oImolxNNhJczkYMgFF92RMMW+O+rlcFO7HVOpfiQ=="
    )
    assert sql.hashes == (Hash("SHA-512", raw.hex()),)
    assert sql.purl == "pkg:nuget/AspNetCore.HealthChecks.SqlServer@8.0.2"
    assert sql.locations[0].line == line_of(
        corpus, NUGET_LOCK, '"AspNetCore.HealthChecks.SqlServer": {'
    )
    core = one(result, "Azure.Core")  # EventGrid asks for >= 1.46.2
    assert core.direct is False
    assert core.locations[0].line == line_of(corpus, NUGET_LOCK, '"Azure.Core": {')
    grid = one(result, "Azure.Messaging.EventGrid")
    assert Relationship(grid.purl, core.purl) in result.relationships
    assert Relationship("", grid.purl) in result.relationships
    assert Relationship("", core.purl) not in result.relationships


def test_nuget_lock_project_references(corpus: Path) -> None:
    result = corpus_file(corpus, NUGET_LOCK_CORE)
    projects = {c.name: c for c in result.components if c.source_kind == "workspace"}
    # Core.csproj references Data, ExceptionHandling, SerilogFileLogging and SsrfProtection;
    # HttpExtensions only comes through ExceptionHandling.
    assert {n for n, c in projects.items() if c.direct} == {
        "data",
        "exceptionhandling",
        "serilogfilelogging",
        "ssrfprotection",
    }
    assert projects["httpextensions"].direct is None
    assert all(c.version is None and not c.hashes for c in projects.values())
    assert Relationship(projects["exceptionhandling"].purl, projects["httpextensions"].purl) in (
        result.relationships
    )


# Hand-written (no NuGet registry here): two target frameworks, lock format 2, central pins.
MULTI_TARGET = """{
  "version": 2,
  "dependencies": {
    "net6.0": {
      "Newtonsoft.Json": {"type": "Transitive", "resolved": "13.0.1", "contentHash": "bad!"},
      "Serilog": {"type": "Direct", "requested": "[2.0.0, )", "resolved": "2.12.0",
                  "dependencies": {"newtonsoft.json": "13.0.1"}}
    },
    "net8.0": {
      "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1"},
      "Serilog": {"type": "CentralTransitive", "requested": "[3.1.1, )", "resolved": "3.1.1"}
    }
  }
}"""


def test_nuget_lock_frameworks_merge_into_one_component() -> None:
    result = run(packages_lock, MULTI_TARGET)
    assert not result.issues
    assert sorted((c.name, c.version, c.direct) for c in result.components) == [
        ("Newtonsoft.Json", "13.0.1", True),
        ("Serilog", "2.12.0", True),
        ("Serilog", "3.1.1", False),
    ]
    json_ = one(result, "Newtonsoft.Json")
    assert json_.hashes == ()  # an undecodable contentHash is dropped, not an error
    assert json_.locations[0].line == 5  # first sighting
    # Dependency names are matched case-insensitively, within the same framework.
    assert Relationship("pkg:nuget/Serilog@2.12.0", json_.purl) in result.relationships


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"version": 1,\n "dependencies": [\n', 3, "invalid JSON"),
        ('{"version": 1}', 1, "not a NuGet packages.lock.json"),
        ('{"dependencies": {"net8.0": {\n  "A": {"type": "Direct"}}}}', 2, "no resolved version"),
        ('{"dependencies": {"net8.0": {\n  "A": [1]}}}', None, "not an object"),
        ('{"dependencies": {\n "net8.0": 5}}', 2, "not an object"),
    ],
)
def test_nuget_lock_bad_input(text: str, line: int | None, message: str) -> None:
    result = run(packages_lock, text)
    assert len(result.issues) == 1
    assert result.issues[0].line == line and message in result.issues[0].message


# --- MSBuild project files ----------------------------------------------------------------


def test_csproj_exact_pins_and_lines(corpus: Path) -> None:
    result = corpus_file(corpus, CSPROJ)
    redis = one(result, "AspNetCoreRateLimit.Redis")
    assert (redis.version, redis.requirement, redis.scope, redis.direct) == (
        "2.0.0",
        "[2.0.0]",
        "required",
        True,
    )
    assert redis.locations[0].line == line_of(corpus, CSPROJ, 'Include="AspNetCoreRateLimit.Redis"')
    assert len(result.relationships) == len(result.components)
    assert all(r.source == "" for r in result.relationships)


def test_csproj_private_assets_child_element_is_dev(corpus: Path) -> None:
    result = corpus_file(corpus, CSPROJ_GEN)
    assert one(result, "Microsoft.CodeAnalysis.Analyzers").scope == "dev"
    assert one(result, "System.Text.Json").scope == "required"


# Hand-written: the features the corpus project files do not use, in an old-style file with
# the MSBuild namespace, a commented-out reference and properties defined after their use.
PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <!-- <PackageReference Include="Commented.Out" Version="1.0.0" /> -->
  <ItemGroup>
    <PackageReference Include="Child.Version">
      <Version>2.1.0</Version>
    </PackageReference>
    <PackageReference Include="Ranged" Version="[1.0,2.0)" />
    <PackageReference Include="Floating" Version="6.*" />
    <PackageReference Include="FromProperty" Version="$(LibVersion)" />
    <PackageReference Include="Unknown.Property" Version="$(NotDefined)" />
    <PackageReference Include="First;Second" Version="1.0.0" />
    <PackageReference Include="Gone" Version="1.0.0" />
    <PackageReference Remove="Gone" />
    <PackageReference Update="Child.Version" PrivateAssets="All" />
    <PackageReference Update="From.Directory.Build.props" Version="3.0.0" />
    <PackageReference Include="Central.Managed" />
    <PackageReference />
  </ItemGroup>
  <PropertyGroup>
    <LibVersion>4.5.6</LibVersion>
  </PropertyGroup>
</Project>
"""


def test_project_file_items_versions_and_updates() -> None:
    result = run(project_file, PROJECT, "src/App/App.csproj")
    got = {c.name: (c.version, c.requirement, c.scope) for c in result.components}
    assert got == {
        "Child.Version": ("2.1.0", "2.1.0", "dev"),
        "Ranged": (None, "[1.0,2.0)", "required"),
        "Floating": (None, "6.*", "required"),
        "FromProperty": ("4.5.6", "4.5.6", "required"),
        "Unknown.Property": (None, "$(NotDefined)", "required"),
        "First": ("1.0.0", "1.0.0", "required"),
        "Second": ("1.0.0", "1.0.0", "required"),
        "From.Directory.Build.props": ("3.0.0", "3.0.0", "required"),
        "Central.Managed": (None, None, "required"),
    }
    lines = {c.name: c.locations[0].line for c in result.components}
    assert lines["Child.Version"] == 5 and lines["Ranged"] == 8 and lines["First"] == 12
    assert lines["From.Directory.Build.props"] == 16
    assert [(i.line, "without Include" in i.message) for i in result.issues] == [(18, True)]
    assert one(result, "Ranged").purl == "pkg:nuget/Ranged"


# Hand-written: central package management (no such file in the corpus).
CENTRAL = """<Project>
  <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Newtonsoft.Json" Version="13.0.3" />
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.133" />
  </ItemGroup>
</Project>"""


def test_directory_packages_props() -> None:
    result = run(project_file, CENTRAL, "Directory.Packages.props")
    pinned = one(result, "Newtonsoft.Json")
    assert (pinned.version, pinned.direct, pinned.scope, pinned.locations[0].line) == (
        "13.0.3",
        None,
        None,
        4,
    )
    glob = one(result, "Nerdbank.GitVersioning")
    assert (glob.direct, glob.scope) == (True, "dev")
    assert result.relationships == (Relationship("", glob.purl),)


def test_project_file_superseded_by_lock_in_its_folder() -> None:
    paths = ["src/App/App.csproj", "src/App/packages.lock.json", "src/Lib/Lib.csproj"]
    jobs = {(p, parser.NAME) for p, parser in plan(paths, (project_file, packages_lock))}
    assert jobs == {
        ("src/App/packages.lock.json", "nuget/packages-lock"),
        ("src/Lib/Lib.csproj", "nuget/project-file"),
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "<Project>\n<ItemGroup>\n<PackageReference Include='A'>\n</ItemGroup></Project>",
            4,
            "invalid XML",
        ),
        ("<Root><PackageReference Include='A' Version='1.0'/></Root>", 1, "not an MSBuild file"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "aaaa">]>\n<Project>&a;</Project>',
            None,
            "refused hostile XML",
        ),
    ],
)
def test_project_file_bad_input(text: str, line: int | None, message: str) -> None:
    result = run(project_file, text)
    assert len(result.issues) == 1
    assert result.issues[0].line == line and message in result.issues[0].message


# --- packages.config ----------------------------------------------------------------------


def test_packages_config_corpus(corpus: Path) -> None:
    result = corpus_file(corpus, PACKAGES_CONFIG)
    util = one(result, "WixToolset.DUtil")
    assert (util.version, util.scope, util.direct, util.locations[0].line) == (
        "4.0.5",
        "required",
        None,
        3,
    )
    assert one(result, "WixToolset.WcaUtil").locations[0].line == 4


# Hand-written: developmentDependency and a broken entry (the corpus file has neither).
PACKAGES_CONFIG_DEV = """<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="StyleCop.Analyzers" version="1.1.118" developmentDependency="true" />
  <package id="NoVersion" />
  <package id="jQuery" version="3.7.1" allowedVersions="[3,4)" />
</packages>"""


def test_packages_config_dev_and_bad_entry() -> None:
    result = run(packages_config, PACKAGES_CONFIG_DEV)
    assert one(result, "StyleCop.Analyzers").scope == "dev"
    assert one(result, "jQuery").requirement == "[3,4)"
    assert [(i.line, "without id or version" in i.message) for i in result.issues] == [(4, True)]
    assert run(packages_config, "<packages><package").issues[0].line == 1
    assert "not a packages.config" in run(packages_config, "<Project/>").issues[0].message


# --- Gemfile.lock -------------------------------------------------------------------------


def test_gemfile_lock_git_path_and_workspace_sources(corpus: Path) -> None:
    result = corpus_file(corpus, GEM_RAILS)
    sdoc = one(result, "sdoc")
    assert sdoc.source_kind == "vcs" and sdoc.direct is True
    assert (
        sdoc.source_url
        == "git+https://github.com/rails/sdoc.git#ead9de6de9330a489ca1b6e012d4384d11f90750"
    )
    assert sdoc.locations[0].line == 6
    rails = one(result, "rails")
    assert (rails.source_kind, rails.direct) == ("workspace", True)  # PATH "." and "rails!"
    releaser = one(result, "releaser")
    assert (releaser.source_kind, releaser.source_url) == ("path", "tools/releaser")
    rack = one(result, "rack")
    # The corpus keeps this registry's real host; we read it from the file rather than name it.
    assert rack.registries == (_remote(corpus / GEM_RAILS),) and rack.direct is True
    assert one(result, "ast").direct is False


def test_gemfile_lock_platform_gems(corpus: Path) -> None:
    result = corpus_file(corpus, GEM_RAILS)
    nokogiri = [c for c in result.components if c.name == "nokogiri"]
    assert {c.version for c in nokogiri} == {"1.18.9"}
    by_purl = {c.purl: c for c in nokogiri}
    linux = by_purl["pkg:gem/nokogiri@1.18.9?platform=x86_64-linux-gnu"]
    assert linux.locations[0].line == line_of(
        corpus, GEM_RAILS, "    nokogiri (1.18.9-x86_64-linux-gnu)"
    )
    # A dependency on "nokogiri" may resolve to any platform build of it.
    actionpack = one(result, "actionpack")
    targets = {r.target for r in result.relationships if r.source == actionpack.purl}
    assert set(by_purl) <= targets


def test_gemfile_lock_checksums_and_several_gem_sources(corpus: Path) -> None:
    result = corpus_file(corpus, GEM_RUBYGEMS)
    avo = one(result, "avo-advanced")
    assert avo.registries == ("https://packager.dev/avo-hq/",) and avo.direct is True
    trix = one(result, "action_text-trix")
    assert trix.hashes == (
        Hash("SHA-256", "7012f59421009cf284aa651294896414d653a61a2417c9b8714c8476d2f74009"),
    )
    assert all(c.hashes for c in result.components)


# Hand-written (Bundler cannot resolve without the RubyGems registry here): Bundler 2.5+ CHECKSUMS with
# a platform gem and a path gem without checksum, an old-style GEM section with two remotes.
GEMFILE_LOCK = """PATH
  remote: ../shared
  specs:
    shared (0.1.0)
      nokogiri (>= 1.16)

GEM
  remote: https://gems.example.invalid/
  remote: https://rubygems.invalid/
  specs:
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    nokogiri (1.16.0)
      mini_portile2 (~> 2.8.2)
      racc (~> 1.4)
    racc (1.7.3)
    mini_portile2 (2.8.5)
    broken-line (

PLATFORMS
  ruby
  x86_64-linux

DEPENDENCIES
  nokogiri
  shared!

CHECKSUMS
  mini_portile2 (2.8.5) sha256=7a37db8ae758086c3c3ac3a59c036704d331e965d5e106635e4a42d6e66089ce
  nokogiri (1.16.0) sha256=341388184e975d1e8c8ef2da8a4bb2f5d31f2cfaa9ad1e3ae1e2d2e1e4d0bb53
  nokogiri (1.16.0-x86_64-linux) sha256=1ab7a54f0a8b0d5d34b2b9a67bd4bd5d49eca3b59d3b2d9e0bc0bd1d0c8a2ddd
  racc (1.7.3) sha256=b785ab8a30ec43bce073c51dbbe791fd27000f68d1c996c95da98bf685316905
  shared (0.1.0)

BUNDLED WITH
   2.5.4
"""


def test_gemfile_lock_checksums_platforms_and_path() -> None:
    result = run(gemfile_lock, GEMFILE_LOCK)
    by_purl = {c.purl: c for c in result.components}
    plain = by_purl["pkg:gem/nokogiri@1.16.0"]
    linux = by_purl["pkg:gem/nokogiri@1.16.0?platform=x86_64-linux"]
    assert plain.hashes[0].value.startswith("3413881") and linux.hashes[0].value.startswith(
        "1ab7a54"
    )
    assert plain.registries == ("https://gems.example.invalid/", "https://rubygems.invalid/")
    shared = by_purl["pkg:gem/shared@0.1.0"]
    assert (shared.source_kind, shared.source_url, shared.hashes, shared.direct) == (
        "path",
        "../shared",
        (),
        True,
    )
    assert by_purl["pkg:gem/racc@1.7.3"].direct is False
    assert {r.target for r in result.relationships if r.source == shared.purl} == {
        plain.purl,
        linux.purl,
    }
    assert {r.target for r in result.relationships if r.source == ""} == {
        plain.purl,
        linux.purl,
        shared.purl,
    }
    assert [(i.line, "unreadable spec line" in i.message) for i in result.issues] == [(18, True)]


def test_gemfile_lock_not_a_lockfile() -> None:
    result = run(gemfile_lock, "source 'https://rubygems.invalid'\ngem 'rails'\n")
    assert [(i.line, "not a Gemfile.lock" in i.message) for i in result.issues] == [(1, True)]


# --- composer.lock ------------------------------------------------------------------------


def test_composer_lock_scopes_dist_and_registry(corpus: Path) -> None:
    result = corpus_file(corpus, COMPOSER)
    bundle = one(result, "composer/ca-bundle")
    assert bundle.purl == "pkg:composer/composer/ca-bundle@1.5.12"
    assert (bundle.scope, bundle.source_kind, bundle.registries) == (
        "required",
        "registry",
        (_notification_base(corpus / COMPOSER),),
    )
    assert bundle.resolved == (
        "https://api.github.com/repos/composer/ca-bundle/zipball/00a2f4201641d5c53f7fc0195e6c8d9fcc321a78",
    )
    assert bundle.hashes == ()  # GitHub zipballs are not stable, composer records an empty shasum
    assert bundle.locations[0].line == line_of(corpus, COMPOSER, '"name": "composer/ca-bundle"')
    dev = [c for c in result.components if c.scope == "dev"]
    assert len(dev) == len(json.loads((corpus / COMPOSER).read_text())["packages-dev"])
    # Required by no other package → required by the root; psr/log comes through others.
    assert bundle.direct is True and Relationship("", bundle.purl) in result.relationships
    assert one(result, "psr/log").direct is None
    # "v" prefixes are kept as written, in the version and in the purl.
    console = one(result, "symfony/console")
    assert console.version.startswith("v") and console.purl.endswith("@" + console.version)


def test_composer_lock_path_repository(corpus: Path) -> None:
    result = corpus_file(corpus, COMPOSER_PATH_REPO)
    dagger = one(result, "dagger/dagger")
    assert (dagger.version, dagger.source_kind, dagger.source_url) == ("dev-main", "path", "./sdk")
    assert dagger.resolved == () and dagger.registries == ()
    assert [c.name for c in result.components if c.direct] == ["dagger/dagger"]


# Hand-written (Packagist unreachable): a VCS-repository package, a shasum, replace/provide and
# broken entries.
COMPOSER_LOCK = """{
    "packages": [
        {
            "name": "Acme/Forked",
            "version": "dev-fix",
            "source": {"type": "git", "url": "https://git.example.invalid/acme/forked.git", "reference": "abc123"},
            "dist": {"type": "zip", "url": "https://git.example.invalid/acme/forked.zip", "shasum": "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
            "require": {"php": ">=8.1", "psr/log-implementation": "^3", "symfony/polyfill-php80": "*"}
        },
        {
            "name": "monolog/monolog",
            "version": "3.5.0",
            "provide": {"psr/log-implementation": "3.0.0"},
            "replace": {"symfony/polyfill-php80": "*"},
            "notification-url": "https://repo.example.invalid/downloads/"
        },
        {"name": "broken/no-version"},
        7
    ],
    "packages-dev": {}
}"""


def test_composer_lock_vcs_provide_and_bad_entries() -> None:
    result = run(composer_lock, COMPOSER_LOCK)
    forked = one(result, "Acme/Forked")
    assert forked.purl == "pkg:composer/acme/forked@dev-fix"
    assert (forked.source_kind, forked.source_url) == (
        "vcs",
        "git+https://git.example.invalid/acme/forked.git#abc123",
    )
    assert forked.hashes == (Hash("SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),)
    monolog = one(result, "monolog/monolog")
    assert monolog.registries == ("https://repo.example.invalid/",)
    assert Relationship(forked.purl, monolog.purl) in result.relationships
    assert (forked.direct, monolog.direct) == (True, None)
    assert [(i.line, i.message) for i in result.issues] == [
        (17, "composer/composer-lock: packages[2] has no name or version"),
        (None, "composer/composer-lock: packages[3] has no name or version"),
        (20, "composer/composer-lock: 'packages-dev' is not a list"),
    ]


def test_composer_lock_not_a_lockfile() -> None:
    assert "not a composer.lock" in run(composer_lock, '{"require": {}}').issues[0].message
    assert run(composer_lock, '{\n  "packages": [\n    {,\n').issues[0].line == 3


# --- pubspec.lock -------------------------------------------------------------------------


def test_pubspec_lock_dependency_kinds(corpus: Path) -> None:
    result = corpus_file(corpus, PUB_RUSTDESK)
    kinds = {
        "build_runner": (True, "dev"),  # direct dev
        "flutter_plugin_android_lifecycle": (True, None),  # direct overridden
        "_fe_analyzer_shared": (False, None),  # transitive
    }
    for name, expected in kinds.items():
        assert (one(result, name).direct, one(result, name).scope) == expected
    main = one(result, "dash_chat_2")
    assert (main.direct, main.scope, main.source_kind) == (True, "required", "vcs")
    assert (
        main.source_url
        == "git+https://github.com/rustdesk-org/Dash-Chat-2#bd6b5b41254e57c5bcece202ebfb234de63e6487"
    )
    assert main.locations[0].line == 305
    assert {r.target for r in result.relationships} == {
        c.purl for c in result.components if c.direct
    }
    assert all(r.source == "" for r in result.relationships)


def test_pubspec_lock_hosted_hash_and_sdk(corpus: Path) -> None:
    result = corpus_file(corpus, PUB_RUSTDESK)
    fe = one(result, "_fe_analyzer_shared")
    assert fe.registries == (_hosted_url(corpus / PUB_RUSTDESK),) and fe.locations[0].line == 4
    assert fe.hashes == (
        Hash("SHA-256", "f256b0c0ba6c7577c15e2e4e114755640a875e885099367bf6e012b19314c834"),
    )
    flutter = one(result, "flutter")
    assert (flutter.version, flutter.source_kind, flutter.requirement) == (
        None,
        "sdk",
        "flutter >=3.24.0",
    )
    assert flutter.purl == "pkg:pub/flutter"
    macros = one(result, "_macros")  # a Dart SDK package with a real version of its own
    assert (macros.version, macros.source_kind) == ("0.3.2", "sdk")
    assert one(result, "dynamic_layouts").purl == "pkg:pub/dynamic_layouts@0.0.1%2B1"


def test_pubspec_lock_path_source(corpus: Path) -> None:
    result = corpus_file(corpus, PUB_LOCALSEND)
    builder = next(c for c in result.components if c.source_kind == "path" and c.version)
    assert builder.source_url == "packages/localsend_isolates/rust_builder"
    assert builder.locations[0].line == line_of(corpus, PUB_LOCALSEND, f"  {builder.name}:\n")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("packages:\n  a:\n    version: [1\n", 4, "invalid YAML"),
        ("sdks:\n  dart: '>=3.0.0'\n", None, ""),  # no dependencies: empty, not an error
        ("- just a list\n", 1, "not a pubspec.lock"),
        ("packages:\n  a: *x\n", 2, "aliases"),
        (
            "packages:\n  good:\n    version: '1.0.0'\n    source: hosted\n  bad:\n    source: hosted\n",
            5,
            "no version",
        ),
        ("packages:\n  num:\n    version: 1.0\n", 2, "no version"),
    ],
)
def test_pubspec_lock_bad_input(text: str, line: int | None, message: str) -> None:
    result = run(pubspec_lock, text)
    if not message:
        assert result == ParseResult()
        return
    assert len(result.issues) == 1
    assert result.issues[0].line == line and message in result.issues[0].message


# --- every parser: truncated and reshaped input raises ParseError or nothing else ----------

CORPUS_INPUTS = [
    (packages_lock, NUGET_LOCK),
    (project_file, CSPROJ),
    (packages_config, PACKAGES_CONFIG),
    (gemfile_lock, GEM_RUBYGEMS),
    (composer_lock, COMPOSER),
    (pubspec_lock, PUB_RUSTDESK),
]


@pytest.mark.parametrize(("parser", "rel"), CORPUS_INPUTS, ids=[p.NAME for p, _ in CORPUS_INPUTS])
def test_truncated_input_never_raises_another_exception(
    corpus: Path, parser: Parser, rel: str
) -> None:
    text = (corpus / rel).read_text(encoding="utf-8-sig")
    for cut in range(0, len(text), max(1, len(text) // 40)):
        try:
            result = parser.parse(text[:cut], rel)
        except ParseError:
            continue
        for issue in result.issues:
            assert issue.path == rel


RESHAPED = [
    (
        packages_lock,
        '{"dependencies": {"net8.0": {"A": {"type": "Direct", "resolved": 5, "dependencies": 3}}}}',
    ),
    (
        packages_lock,
        '{"dependencies": {"net8.0": {"A": {"resolved": "1.0", "dependencies": {"B": 1}, "contentHash": 7}}}}',
    ),
    (packages_lock, "[1, 2]"),
    (
        composer_lock,
        '{"packages": [{"name": "a/b", "version": "1", "dist": [], "source": "x", "require": [1]}]}',
    ),
    (
        composer_lock,
        '{"packages": [{"name": "a/b", "version": "1", "dist": {"type": 5, "url": 3, "shasum": 4}}]}',
    ),
    (
        composer_lock,
        '{"packages": [{"name": "a/b", "version": "1", "provide": ["x"], "replace": 3}]}',
    ),
    (pubspec_lock, "packages:\n  a:\n    version: '1'\n    source: git\n    description: 5\n"),
    (pubspec_lock, "packages:\n  a:\n    version: '1'\n    source: sdk\n    description: {x: 1}\n"),
    (pubspec_lock, "packages: 3\n"),
    (
        gemfile_lock,
        "GEM\n  specs:\n        deep (1.0)\n    )\n    (\n      orphan\nDEPENDENCIES\n  \n",
    ),
    (packages_config, "<packages><package id='A' version='1'><package/></package></packages>"),
    (
        project_file,
        "<Project><PropertyGroup><V>$(V)$(V)</V></PropertyGroup>"
        "<ItemGroup><PackageReference Include='A' Version='$(V)'/></ItemGroup></Project>",
    ),
]


@pytest.mark.parametrize(("parser", "text"), RESHAPED)
def test_reshaped_input_never_raises_another_exception(parser: Parser, text: str) -> None:
    with contextlib.suppress(ParseError):
        parser.parse(text, "x")
