"""Swift, Elixir, Conan, vcpkg, renv, GitHub Actions and .gitmodules parsers: special cases and bad input."""

from __future__ import annotations

import contextlib
import json
import random

import pytest

from sbom import vcs
from sbom.ecosystems.cpp import conan_lock, vcpkg_json
from sbom.ecosystems.elixir import mix_lock
from sbom.ecosystems.github import actions_workflow, gitmodules
from sbom.ecosystems.r import renv_lock
from sbom.ecosystems.swift import package_resolved
from sbom.errors import ParseError
from sbom.model import Component, Hash, ParseResult, Relationship
from sbom.parser import Matcher, Parser
from sbom.read import parse_bytes

SHA = "a" * 40


def by_name(result: ParseResult) -> dict[str, Component]:
    return {c.name: c for c in result.components}


def safe(parser: Parser, text: str) -> ParseResult:
    """Parse through the core reader and require that no unexpected exception escaped."""
    result = parse_bytes(text.encode(), "f", parser)
    assert not any("could not parse (" in i.message for i in result.issues), result.issues
    return result


# --- git URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/apple/swift-nio.git", ("github.com", "apple/swift-nio")),
        ("git@github.com:apple/swift-nio.git", ("github.com", "apple/swift-nio")),
        ("ssh://git@GitHub.com:22/apple/swift-nio/", ("github.com", "apple/swift-nio")),
        ("git+https://user:tok@gitlab.example/a/b/c.git?x=1#frag", ("gitlab.example", "a/b/c")),
        ("../sibling.git", None),
        ("/srv/git/x.git", None),
        ("file:///srv/git/x.git", None),
        ("C:\\repos\\x", None),
        ("https://github.com/", None),
    ],
)
def test_vcs_split(url: str, expected: tuple[str, str] | None) -> None:
    assert vcs.split(url) == expected


def test_vcs_github_repo() -> None:
    assert vcs.github_repo("https://www.github.com/o/r/tree/main") == "o/r"
    assert vcs.github_repo("https://gitlab.com/o/r") is None
    assert vcs.github_repo("https://github.com/o") is None


# --- Package.resolved -----------------------------------------------------------------------


def resolved_v2(*pins: dict[str, object]) -> str:
    return json.dumps({"pins": list(pins), "version": 2}, indent=2)


def test_swift_v1_purl_and_source() -> None:
    text = json.dumps(
        {
            "object": {
                "pins": [
                    {
                        "package": "NIO",
                        "repositoryURL": "https://github.com/apple/swift-nio.git",
                        "state": {"branch": None, "revision": SHA, "version": "2.0.0"},
                    }
                ]
            },
            "version": 1,
        },
        indent=2,
    )
    (comp,) = package_resolved.parse(text, "Package.resolved").components
    assert comp.purl == "pkg:swift/github.com/apple/swift-nio@2.0.0"
    assert comp.name == "NIO" and comp.version == "2.0.0" and comp.requirement is None
    assert comp.source_kind == "vcs"
    assert comp.source_url == f"git+https://github.com/apple/swift-nio.git@{SHA}"
    assert comp.locations[0].line == 5


def test_swift_branch_pin_takes_revision_as_version() -> None:
    text = resolved_v2(
        {
            "identity": "x",
            "kind": "remoteSourceControl",
            "location": "git@github.com:Org/X.git",
            "state": {"branch": "main", "revision": SHA},
        }
    )
    (comp,) = package_resolved.parse(text, "p").components
    assert comp.version == SHA and comp.requirement == "main"
    assert comp.purl == f"pkg:swift/github.com/Org/X@{SHA}"


def test_swift_registry_and_local_pins() -> None:
    text = resolved_v2(
        {
            "identity": "mona.linkedlist",
            "kind": "registry",
            "location": "",
            "state": {"version": "1.1.0"},
        },
        {
            "identity": "local",
            "kind": "localSourceControl",
            "location": "/Users/me/local",
            "state": {"revision": SHA, "version": "0.1.0"},
        },
    )
    comps = by_name(package_resolved.parse(text, "p"))
    reg, local = comps["mona.linkedlist"], comps["local"]
    assert reg.purl == "pkg:swift/mona/linkedlist@1.1.0" and reg.source_kind == "registry"
    assert local.purl.startswith("pkg:generic/local@0.1.0?vcs_url=")
    assert local.source_kind == "path" and local.source_url == "/Users/me/local"


def test_swift_broken_pins_become_issues_with_lines() -> None:
    text = resolved_v2(
        {"identity": "nover", "location": "https://h/o/r", "state": {}}, 42, {"identity": ["x"]}
    )
    result = safe(package_resolved, text)
    assert not result.components
    assert len(result.issues) == 3
    assert result.issues[0].line == 4


@pytest.mark.parametrize("text", ["", "{", "[]", '{"pins": 3}', '{"object": {}}', '{"pins": [1, 2'])
def test_swift_unreadable_files(text: str) -> None:
    with pytest.raises(ParseError):
        package_resolved.parse(text, "p")
    assert safe(package_resolved, text).issues


# --- mix.lock -------------------------------------------------------------------------------

OUTER = "b" * 64
MIX = f"""%{{
  "jason": {{:hex, :jason, "1.4.1", "{"c" * 64}", [:mix], [{{:decimal, "~> 1.0 or ~> 2.0", [hex: :decimal, repo: "hexpm", optional: true]}}], "hexpm", "{OUTER}"}},
  "plug": {{:hex, :plug, "1.15.0", "{"d" * 64}", [:mix], [{{:jason, "~> 1.0", [hex: :jason, repo: "hexpm", optional: false]}}, {{:mime, "~> 2.0", [hex: :mime, repo: "hexpm", optional: false]}}], "hexpm", "{"e" * 64}"}},
  "secret": {{:hex, :secret, "0.1.0", "{"f" * 64}", [:mix], [], "hexpm:acme", "{"0" * 64}"}},
  "mirror": {{:hex, :mirror, "2.0.0", "{"1" * 64}", [:rebar3], [], "myrepo", "{"2" * 64}"}},
  "old": {{:hex, :old_name, "0.9.0", "{"3" * 64}", [:mix], []}},
  "mydep": {{:git, "https://github.com/o/mydep.git", "{SHA}", [tag: "v1.0"]}},
}}
"""


def test_mix_hex_entries() -> None:
    result = mix_lock.parse(MIX, "mix.lock")
    comps = by_name(result)
    jason = comps["jason"]
    assert jason.purl == "pkg:hex/jason@1.4.1"
    assert jason.hashes == (Hash("SHA-256", OUTER),)
    assert jason.registries == ("hexpm",)
    assert jason.locations[0].line == 2
    assert comps["secret"].purl == "pkg:hex/acme/secret@0.1.0"
    assert comps["mirror"].registries == ("myrepo",)
    # Pre-0.18 locks: no repository, and the only checksum is the inner one (not the tarball's).
    old = comps["old_name"]
    assert old.hashes == () and old.registries == ()


def test_mix_git_entry_and_edges() -> None:
    result = mix_lock.parse(MIX, "mix.lock")
    git = by_name(result)["mydep"]
    assert git.version == SHA and git.source_kind == "vcs"
    assert git.source_url == f"git+https://github.com/o/mydep.git@{SHA}"
    assert git.requirement == "tag v1.0"
    # decimal (optional) and mime are not in the lock: no dangling edges.
    assert result.relationships == (Relationship("pkg:hex/plug@1.15.0", "pkg:hex/jason@1.4.1"),)


def test_mix_escapes_comments_and_unknown_tuples() -> None:
    text = '%{\n  # comment\n  "we\\"ird": {:hex, :"we\\"ird", "1.0.0"},\n  "p": {:path, "../p", []},\n}\n'
    result = mix_lock.parse(text, "mix.lock")
    assert [c.name for c in result.components] == ['we"ird']
    assert [(i.line, i.severity) for i in result.issues] == [(4, "error")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('%{\n  "a": {:hex, :a, "1.0\n', 2),  # unterminated string: where it starts
        ('%{\n  "a": {:hex, :a, "1.0"]\n}', 2),  # mismatched bracket
        ("%{\n  a b c\n}", 2),
        ('%{"a": {:hex, :a, "1"}}\n%{', 2),  # trailing junk
        ('"a": 1', 1),  # no map
        ("%{\n\n", 3),  # unterminated map
        ('%{"a" 1}', 1),  # missing colon
        ('%{"a": $}', 1),
        ('%{"a": }', 1),
    ],
)
def test_mix_broken_input_has_a_line(text: str, line: int) -> None:
    with pytest.raises(ParseError) as err:
        mix_lock.parse(text, "mix.lock")
    assert err.value.line == line


def test_mix_deep_nesting_is_refused_without_recursion_error() -> None:
    text = '%{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ParseError, match="nested"):
        mix_lock.parse(text, "mix.lock")


def test_mix_empty_file() -> None:
    assert safe(mix_lock, "").issues


def test_mix_fuzz_never_raises_anything_but_parse_error() -> None:
    rng = random.Random(7)
    pieces = [
        "%{",
        '"a":',
        "{",
        "}",
        "[",
        "]",
        ":hex",
        '"x',
        '"1.0"',
        ",",
        "hex:",
        "=>",
        "#c\n",
        "\\",
        "9",
        " ",
    ]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        with contextlib.suppress(ParseError):
            mix_lock.parse(text, "mix.lock")
    for _ in range(300):
        cut = MIX[: rng.randint(0, len(MIX))]
        try:
            mix_lock.parse(cut, "mix.lock")
        except ParseError as exc:
            assert exc.line is not None


# --- conan.lock -----------------------------------------------------------------------------


def test_conan2_references_and_scopes() -> None:
    text = json.dumps(
        {
            "version": "0.5",
            "requires": ["zlib/1.3#abc%1700000000.1", "liba/2.0@acme/stable#def", "b/1.0@_/_"],
            "build_requires": ["cmake/3.28#123", "zlib/1.3#abc%1700000000.1"],
            "python_requires": ["pyreq/1.0#456"],
            "config_requires": [],
        },
        indent=4,
    )
    comps = by_name(conan_lock.parse(text, "conan.lock"))
    assert comps["liba"].purl == "pkg:conan/liba@2.0?channel=stable&rrev=def&user=acme"
    assert comps["b"].purl == "pkg:conan/b@1.0"
    assert comps["zlib"].scope == "required"
    assert comps["zlib"].locations[0].line == 4
    assert comps["cmake"].scope == "dev" and comps["pyreq"].scope == "dev"


def test_conan2_bad_reference_is_an_issue() -> None:
    text = '{\n "requires": [\n  "no-version",\n  7,\n  "ok/1.0"\n ]\n}'
    result = safe(conan_lock, text)
    assert [c.name for c in result.components] == ["ok"]
    assert [i.line for i in result.issues] == [3, None]


@pytest.mark.parametrize(
    "text", ["[]", '{"requires": "x/1"}', '{"graph_lock": {"nodes": []}}', "{,}"]
)
def test_conan_unreadable(text: str) -> None:
    with pytest.raises(ParseError):
        conan_lock.parse(text, "conan.lock")


def test_conan1_graph_lock() -> None:
    lock = {
        "graph_lock": {
            "nodes": {
                "0": {
                    "ref": "app/0.1",
                    "path": "conanfile.py",
                    "requires": ["1"],
                    "build_requires": ["3"],
                },
                "1": {"ref": "liba/2.0#r1", "requires": ["2"], "python_requires": ["pyreq/1.0#r9"]},
                "2": {"ref": "zlib/1.3#r2"},
                "3": {"ref": "cmake/3.28#r3", "context": "build"},
                "4": "garbage",
            },
            "revisions_enabled": True,
        },
        "version": "0.4",
    }
    result = conan_lock.parse(json.dumps(lock, indent=1), "conan.lock")
    comps = by_name(result)
    assert set(comps) == {"liba", "zlib", "cmake", "pyreq"}
    assert comps["liba"].direct is True and comps["zlib"].direct is False
    assert comps["cmake"].scope == "dev" and comps["pyreq"].scope == "dev"
    assert (
        Relationship("pkg:conan/liba@2.0?rrev=r1", "pkg:conan/zlib@1.3?rrev=r2")
        in result.relationships
    )
    assert (
        Relationship("pkg:conan/liba@2.0?rrev=r1", "pkg:conan/pyreq@1.0?rrev=r9")
        in result.relationships
    )
    assert len(result.issues) == 1


# --- vcpkg.json -----------------------------------------------------------------------------


def test_vcpkg_manifest() -> None:
    doc = {
        "name": "app",
        "builtin-baseline": "0123abc",
        "dependencies": [
            "fmt",
            {"name": "boost-asio", "version>=": "1.84.0"},
            {"name": "protobuf", "host": True},
            {"name": "protobuf"},
            {"name": "flatc", "host": True},
        ],
        "features": {"tls": {"description": "TLS", "dependencies": ["openssl"]}},
        "overrides": [
            {"name": "fmt", "version": "10.2.1", "port-version": 2},
            {"name": "zlib", "version": "1.3"},
        ],
        "vcpkg-configuration": {
            "registries": [
                {
                    "kind": "git",
                    "repository": "https://git.example/reg",
                    "baseline": "x",
                    "packages": ["boost-*"],
                }
            ]
        },
    }
    result = vcpkg_json.parse(json.dumps(doc, indent=2), "vcpkg.json")
    comps = by_name(result)
    assert comps["fmt"].purl == "pkg:vcpkg/fmt@10.2.1?port_version=2&repository_revision=0123abc"
    asio = comps["boost-asio"]
    assert asio.version is None and asio.requirement == ">=1.84.0"
    assert asio.registries == ("https://git.example/reg",)
    assert comps["protobuf"].scope == "required" and comps["flatc"].scope == "dev"
    assert comps["openssl"].scope == "optional"
    # An override only pins a version; a port nothing here declares is no component.
    assert "zlib" not in comps
    assert comps["fmt"].locations[0].line == 5
    assert Relationship("", comps["fmt"].purl) in result.relationships


def test_vcpkg_bad_input() -> None:
    assert len(safe(vcpkg_json, '{"dependencies": [{"host": true}, 3, "ok"]}').issues) == 2
    with pytest.raises(ParseError):
        vcpkg_json.parse('{"dependencies": {}}', "vcpkg.json")
    with pytest.raises(ParseError):
        vcpkg_json.parse('{"dependencies": [', "vcpkg.json")


# --- renv.lock ------------------------------------------------------------------------------

RENV = {
    "R": {"Version": "4.3.1", "Repositories": [{"Name": "CRAN", "URL": "https://cran.example"}]},
    "Bioconductor": {"Version": "3.18"},
    "Packages": {
        "cli": {
            "Package": "cli",
            "Version": "3.6.1",
            "Source": "Repository",
            "Repository": "CRAN",
            "Requirements": ["R", "utils"],
            "Hash": "89e6d8219950eac806ae0c489052048a",
        },
        "glue": {
            "Package": "glue",
            "Version": "1.7.0",
            "Source": "Repository",
            "Repository": "https://r.example/repo",
            "Depends": "R (>= 3.6)",
            "Imports": "cli (>= 3.0), methods",
        },
        "mypkg": {
            "Package": "mypkg",
            "Version": "0.2.0",
            "Source": "GitHub",
            "RemoteType": "github",
            "RemoteHost": "api.github.com",
            "RemoteUsername": "owner",
            "RemoteRepo": "mypkg",
            "RemoteRef": "main",
            "RemoteSha": SHA,
            "RemoteSubdir": "pkg",
            "Requirements": ["cli"],
        },
        "Biobase": {
            "Package": "Biobase",
            "Version": "2.62.0",
            "Source": "Bioconductor",
            "git_url": "https://git.bioconductor.example/packages/Biobase",
        },
        "local": {
            "Package": "local",
            "Version": "1.0",
            "Source": "Local",
            "RemoteType": "local",
            "RemoteUrl": "/home/me/local",
        },
        "broken": {"Package": "broken"},
    },
}


def test_renv_sources() -> None:
    text = json.dumps(RENV, indent=2)
    result = safe(renv_lock, text)
    comps = by_name(result)
    cli = comps["cli"]
    assert cli.purl == "pkg:cran/cli@3.6.1" and cli.registries == ("https://cran.example",)
    assert cli.hashes == ()  # the DESCRIPTION md5 is no artifact hash
    assert comps["glue"].registries == ("https://r.example/repo",)
    gh = comps["mypkg"]
    assert gh.source_kind == "vcs"
    assert gh.source_url == f"git+https://github.com/owner/mypkg@{SHA}#subdirectory=pkg"
    assert comps["Biobase"].source_kind == "registry"
    assert comps["local"].source_kind == "path" and comps["local"].source_url == "/home/me/local"
    assert set(result.relationships) == {
        Relationship("pkg:cran/glue@1.7.0", "pkg:cran/cli@3.6.1"),
        Relationship("pkg:cran/mypkg@0.2.0", "pkg:cran/cli@3.6.1"),
    }
    (issue,) = result.issues
    assert issue.line == text.splitlines().index('    "broken": {') + 2


def test_renv_unreadable() -> None:
    with pytest.raises(ParseError):
        renv_lock.parse('{"Packages": []}', "renv.lock")
    assert safe(renv_lock, '{"Packages": {"x": 1, "y": {"Package": 2, "Version": "1"}}}').issues


# --- GitHub Actions -------------------------------------------------------------------------

WORKFLOW = f"""name: ci
on: [push]
jobs:
  call:
    uses: octo/shared/.github/workflows/build.yml@v2
  local-call:
    uses: ./.github/workflows/local.yml
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA} # v4.1.1
      - name: setup
        uses: "actions/setup-node@v4"  # not a pin, the comment is ignored
      - uses: ./.github/actions/mine
      - uses: docker://ghcr.io/owner/tool:1.2
      - {{uses: Owner/Mono/sub/dir@main}}
      - run: |
          echo "uses: fake/thing@v0"
      - uses: actions/checkout@{SHA}
      - uses: no-ref-here
"""


def test_actions_workflow() -> None:
    result = actions_workflow.parse(WORKFLOW, ".github/workflows/ci.yml")
    comps = {c.purl: c for c in result.components}
    checkout = comps[f"pkg:github/actions/checkout@{SHA}"]
    assert checkout.requirement == "v4.1.1" and checkout.name == "actions/checkout"
    assert [loc.line for loc in checkout.locations] == [11, 19]
    assert checkout.source_url == f"git+https://github.com/actions/checkout@{SHA}"
    node = comps["pkg:github/actions/setup-node@v4"]
    assert node.requirement is None and node.locations[0].line == 13
    reusable = comps["pkg:github/octo/shared@v2#.github/workflows/build.yml"]
    assert (
        reusable.locations[0].line == 5
        and reusable.name == "octo/shared/.github/workflows/build.yml"
    )
    docker = comps["pkg:docker/ghcr.io/owner/tool@1.2"]
    assert docker.ecosystem == "docker" and docker.registries == ("ghcr.io",)
    mono = comps["pkg:github/owner/mono@main#sub/dir"]
    assert mono.locations[0].line == 16
    assert len(comps) == 5  # local actions and the echo inside run: are not components
    (issue,) = result.issues
    assert issue.line == 20 and issue.severity == "warning"
    assert all(r.source == "" for r in result.relationships) and len(result.relationships) == 5


def test_composite_and_docker_actions() -> None:
    composite = "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n    - run: echo\n"
    (comp,) = actions_workflow.parse(composite, "action.yml").components
    assert comp.purl == "pkg:github/actions/cache@v4" and comp.locations[0].line == 5
    docker = "runs:\n  using: docker\n  image: docker://alpine@sha256:" + "ab" * 32 + "\n"
    (img,) = actions_workflow.parse(docker, "action.yaml").components
    assert img.purl.startswith("pkg:docker/alpine@sha256") and img.locations[0].line == 3
    assert not actions_workflow.parse(
        "runs:\n  using: docker\n  image: Dockerfile\n", "action.yml"
    ).components


def test_actions_yaml_errors() -> None:
    assert actions_workflow.parse("", "action.yml") == ParseResult()
    with pytest.raises(ParseError):
        actions_workflow.parse("- a\n- b\n", "action.yml")
    # PyYAML refuses this escape; the 'uses:' lines are still read, with a warning.
    text = 'inputs:\n  v:\n    default: "v0\\.1"\nruns:\n  steps:\n    - uses: actions/cache@v4\n'
    result = safe(actions_workflow, text)
    assert [c.locations[0].line for c in result.components] == [6]
    assert result.issues[0].line == 3 and result.issues[0].severity == "warning"
    # Aliases are refused by the loader (alias bombs); the scan still sees the actions.
    alias = "x: &a [1]\ny: *a\njobs:\n  j:\n    steps:\n      - uses: a/b@v1\n"
    assert [c.name for c in safe(actions_workflow, alias).components] == ["a/b"]


def test_actions_patterns() -> None:
    matcher = Matcher((actions_workflow,))
    assert matcher.match(".github/workflows/ci.yml") and matcher.match("x/.github/workflows/a.yaml")
    assert matcher.match("deep/dir/action.yml") and matcher.match("action.yaml")
    assert not matcher.match("workflows/ci.yml") and not matcher.match(".github/ci.yml")


# --- .gitmodules ----------------------------------------------------------------------------

GITMODULES = """# top comment
[submodule "lib/a"]
\tpath = lib/a
\turl = https://github.com/Org/A.git ; trailing comment
\tbranch = stable
[submodule "b"]
\tpath = "third party/b"
\turl = git@github.com:org/b
[submodule "c"]
\tpath = c
\turl = ../c.git
[submodule "d"]
\tpath = d
\turl = https://gitlab.example/grp/d.git
[core]
\tbare = false
[submodule "nourl"]
\tpath = e
[submodule "cont"]
\tpath = f
\turl = https://github.com/o/\\
long
"""


def test_gitmodules() -> None:
    result = gitmodules.parse(GITMODULES, ".gitmodules")
    comps = by_name(result)
    a = comps["lib/a"]
    assert a.purl == "pkg:github/org/a" and a.version is None
    assert a.requirement == "stable" and a.source_url == "https://github.com/Org/A.git"
    assert a.source_kind == "vcs" and a.locations[0].line == 2
    assert comps["b"].purl == "pkg:github/org/b"
    assert comps["c"].purl == "pkg:generic/c?vcs_url=../c.git"
    assert comps["d"].purl == "pkg:generic/d?vcs_url=https://gitlab.example/grp/d.git"
    assert comps["cont"].purl == "pkg:github/o/long"
    (issue,) = result.issues
    assert issue.line == 17 and "nourl" in issue.message


@pytest.mark.parametrize(
    ("text", "line"), [('[submodule "x"\n', 1), ('[submodule "a"]\n\tpath = a\n\t= b\n', 3)]
)
def test_gitmodules_bad_lines(text: str, line: int) -> None:
    with pytest.raises(ParseError) as err:
        gitmodules.parse(text, ".gitmodules")
    assert err.value.line == line


def test_gitmodules_empty() -> None:
    assert gitmodules.parse("", ".gitmodules") == ParseResult()
