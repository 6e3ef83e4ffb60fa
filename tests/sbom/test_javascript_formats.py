"""JavaScript lockfile parsers: aliases, scopes, direct, hashes, registries, graph, lines, bad input."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from sbom.build import plan
from sbom.ecosystems.javascript import (
    _common,
    _yaml,
    bun_lock,
    package_json,
    package_lock,
    pnpm_lock,
    yarn_berry_lock,
    yarn_lock,
)
from sbom.errors import ParseError
from sbom.loaders import load_yaml
from sbom.model import Component, ParseResult
from sbom.parser import Matcher, Parser
from sbom.read import parse_bytes
from tests.conftest import FIXTURES

# The JavaScript formats, in registry order.
PARSERS: tuple[Parser, ...] = (
    package_lock,
    yarn_lock,
    yarn_berry_lock,
    pnpm_lock,
    bun_lock,
    package_json,
)

FORMATS = FIXTURES / "formats"
# Every generated sample (README.md of each fixture folder): (parser, path, file name).
SAMPLES = [
    (package_lock, "npm__package-lock/generated-lock-v3/package-lock.json"),
    (package_lock, "npm__package-lock/generated-lock-v2/package-lock.json"),
    (package_lock, "npm__package-lock/generated-lock-v1/package-lock.json"),
    (yarn_lock, "npm__yarn-lock/generated-yarn1/yarn.lock"),
    (yarn_berry_lock, "npm__yarn-berry-lock/generated-yarn4/yarn.lock"),
    (pnpm_lock, "npm__pnpm-lock/generated-pnpm9-v9/pnpm-lock.yaml"),
    (pnpm_lock, "npm__pnpm-lock/generated-pnpm8-v6/pnpm-lock.yaml"),
    (pnpm_lock, "npm__pnpm-lock/generated-pnpm7-v5/pnpm-lock.yaml"),
    (bun_lock, "npm__bun-lock/generated-bun1/bun.lock"),
]
IDS = [s[1].split("/")[1] for s in SAMPLES]
# Formats that record what the project declares (the v1 lockfile and yarn.lock do not).
KNOWS_DIRECT = [s for s in SAMPLES if "lock-v1" not in s[1] and s[0] is not yarn_lock]
# Formats that record (or let one derive) dev and optional scopes.
KNOWS_SCOPE = [s for s in KNOWS_DIRECT if s[0] is not yarn_berry_lock] + [SAMPLES[2]]


def run(parser: object, rel: str) -> ParseResult:
    path = FORMATS / rel
    return parse_bytes(path.read_bytes(), path.name, parser)  # type: ignore[arg-type]


def by_purl(result: ParseResult) -> dict[str, Component]:
    return {c.purl: c for c in result.components}


def edges(result: ParseResult) -> set[tuple[str, str]]:
    return {(r.source, r.target) for r in result.relationships}


def sri_hex(sri: str) -> str:
    return base64.b64decode(sri.split("-", 1)[1]).hex()


# --- identities -------------------------------------------------------------------------


@pytest.mark.parametrize(("parser", "rel"), SAMPLES, ids=IDS)
def test_npm_alias_is_the_real_package(parser: object, rel: str) -> None:
    comps = by_purl(run(parser, rel))
    assert "pkg:npm/ms@2.0.0" in comps and "pkg:npm/ms@2.1.3" in comps
    assert not [c for c in comps.values() if c.name == "my-ms"]


@pytest.mark.parametrize(("parser", "rel"), SAMPLES, ids=IDS)
def test_npm_scoped_purl_and_workspace_member_not_a_component(parser: object, rel: str) -> None:
    result = run(parser, rel)
    comps = by_purl(result)
    assert "pkg:npm/%40isaacs/string-locale-compare@1.1.0" in comps
    assert (
        comps["pkg:npm/%40isaacs/string-locale-compare@1.1.0"].name
        == "@isaacs/string-locale-compare"
    )
    # lib-a is a workspace member (the project itself) everywhere but in the v1 lockfile,
    # where npm 6 had no workspaces and it is a file: dependency.
    lib_a = [c for c in comps.values() if c.name == "lib-a"]
    if "lock-v1" in rel:
        assert [(c.version, c.source_kind, c.source_url) for c in lib_a] == [
            (None, "path", "packages/lib-a")
        ]
    else:
        assert not lib_a
    assert not [c for c in comps.values() if c.name == "fixture-app"]
    assert not result.issues


@pytest.mark.parametrize(("parser", "rel"), SAMPLES, ids=IDS)
def test_npm_folder_dependency_is_a_path_component(parser: object, rel: str) -> None:
    ext = [c for c in run(parser, rel).components if c.name == "ext-lib"]
    assert len(ext) == 1
    assert ext[0].source_kind == "path" and ext[0].source_url == "../ext-lib"
    assert not ext[0].hashes and not ext[0].registries


def test_npm_berry_protocols() -> None:
    comps = by_purl(run(yarn_berry_lock, "npm__yarn-berry-lock/generated-yarn4/yarn.lock"))
    # The builtin compat patch of resolve is the package it patches (one component).
    assert [c.purl for c in comps.values() if c.name == "resolve"] == ["pkg:npm/resolve@1.22.14"]
    assert comps["pkg:npm/ext-link"].source_kind == "path"  # link:, placeholder version dropped
    assert comps["pkg:npm/ext-portal"].source_url == "../ext-lib"
    left_pad = comps["pkg:npm/left-pad@1.3.0"]
    assert left_pad.source_kind == "url" and left_pad.resolved == (
        "https://registry.npm.invalid/left-pad/-/left-pad-1.3.0.tgz",
    )
    # checksum digests Yarn's cache zip, not the registry tarball: never a component hash.
    assert not any(c.hashes for c in comps.values())


def test_npm_pnpm_link_outside_the_workspace_and_peer_suffixes() -> None:
    for rel in IDS_PNPM:
        result = run(pnpm_lock, f"npm__pnpm-lock/{rel}/pnpm-lock.yaml")
        comps = by_purl(result)
        assert comps["pkg:npm/ext-link"].source_kind == "path"
        assert comps["pkg:npm/ext-link"].source_url == "../ext-lib"
        # "use-sync-external-store@1.7.0(react@19.3.1)" / "/…/1.7.0_react@19.3.1" → one identity.
        assert [c.version for c in comps.values() if c.name == "use-sync-external-store"] == [
            "1.7.0"
        ]
        assert ("pkg:npm/use-sync-external-store@1.7.0", "pkg:npm/react@19.3.1") in edges(result)


IDS_PNPM = ["generated-pnpm9-v9", "generated-pnpm8-v6", "generated-pnpm7-v5"]


def test_npm_v1_non_registry_versions() -> None:
    comps = by_purl(run(package_lock, "npm__package-lock/generated-lock-v1/package-lock.json"))
    left_pad = comps["pkg:npm/left-pad@1.3.0"]  # version written as the tarball URL
    assert left_pad.source_kind == "url"
    assert left_pad.resolved == ("https://registry.npm.invalid/left-pad/-/left-pad-1.3.0.tgz",)
    assert comps["pkg:npm/ext-lib"].version is None


# --- scope, direct ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "rel"), KNOWS_SCOPE, ids=[s[1].split("/")[1] for s in KNOWS_SCOPE]
)
def test_npm_scopes(parser: object, rel: str) -> None:
    comps = by_purl(run(parser, rel))
    assert comps["pkg:npm/is-number@7.0.0"].scope == "dev"
    assert comps["pkg:npm/is-odd@3.0.1"].scope == "optional"
    assert comps["pkg:npm/is-number@6.0.0"].scope == "optional"  # only reached through is-odd
    assert comps["pkg:npm/debug@4.4.3"].scope == "required"
    assert comps["pkg:npm/ms@2.1.3"].scope == "required"


@pytest.mark.parametrize(
    ("parser", "rel"), KNOWS_DIRECT, ids=[s[1].split("/")[1] for s in KNOWS_DIRECT]
)
def test_npm_direct(parser: object, rel: str) -> None:
    comps = by_purl(run(parser, rel))
    direct = {c.name for c in comps.values() if c.direct}
    # isarray and ms are declared by the workspace member lib-a: direct too.
    expected = {
        "@isaacs/string-locale-compare",
        "debug",
        "ms",
        "ext-lib",
        "use-sync-external-store",
    }
    expected |= {"is-number", "is-odd", "isarray", "left-pad"}
    assert expected <= direct
    assert comps["pkg:npm/is-number@6.0.0"].direct is False
    if "pkg:npm/react@19.3.1" in comps:
        assert comps["pkg:npm/react@19.3.1"].direct is False


@pytest.mark.parametrize(
    "rel",
    [
        "npm__package-lock/generated-lock-v1/package-lock.json",
        "npm__yarn-lock/generated-yarn1/yarn.lock",
    ],
)
def test_npm_direct_unknown_where_the_format_does_not_say(rel: str) -> None:
    parser = package_lock if rel.endswith(".json") else yarn_lock
    assert {c.direct for c in run(parser, rel).components} == {None}


# --- hashes, resolved URLs, registries --------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "rel"),
    [s for s in SAMPLES if s[0] is not yarn_berry_lock],
    ids=[i for i in IDS if i != "generated-yarn4"],
)
def test_npm_integrity_becomes_sha512(parser: object, rel: str) -> None:
    debug = by_purl(run(parser, rel))["pkg:npm/debug@4.4.3"]
    sri = "sha512-RGwwWnwQvkVfavKVt22FGLw+xYSdzARwm0ru6DhTVA3umU5hZc28V3kO4stgYryrTlLpuvgI9GiijltAjNbcqA=="
    assert [(h.alg, h.value) for h in debug.hashes] == [("SHA-512", sri_hex(sri))]


def test_npm_yarn_sha1_from_the_url_fragment_when_no_integrity() -> None:
    left_pad = by_purl(run(yarn_lock, "npm__yarn-lock/generated-yarn1/yarn.lock"))[
        "pkg:npm/left-pad@1.3.0"
    ]
    assert [(h.alg, h.value) for h in left_pad.hashes] == [
        ("SHA-1", "5b8a3a7765dfe001261dde915589e782f8c94d1e")
    ]


def test_npm_resolved_and_registries() -> None:
    npm = by_purl(run(package_lock, "npm__package-lock/generated-lock-v3/package-lock.json"))
    scoped = npm["pkg:npm/%40isaacs/string-locale-compare@1.1.0"]
    assert scoped.resolved == (
        "https://registry.npm.invalid/@isaacs/string-locale-compare/-/string-locale-compare-1.1.0.tgz",
    )
    assert scoped.registries == ("https://registry.npm.invalid",)
    yarn = by_purl(run(yarn_lock, "npm__yarn-lock/generated-yarn1/yarn.lock"))
    assert yarn["pkg:npm/debug@4.4.3"].registries == ("https://registry.yarn.invalid",)
    assert (
        yarn["pkg:npm/debug@4.4.3"]
        .resolved[0]
        .endswith("debug-4.4.3.tgz#c6ae432d9bd9662582fce08709b038c58e9e3d6a")
    )
    # pnpm and bun record no URL for the default registry.
    pnpm = by_purl(run(pnpm_lock, "npm__pnpm-lock/generated-pnpm9-v9/pnpm-lock.yaml"))
    assert not pnpm["pkg:npm/debug@4.4.3"].registries and not pnpm["pkg:npm/debug@4.4.3"].resolved


@pytest.mark.parametrize(
    ("url", "name", "base"),
    [
        (
            "https://registry.npm.invalid/debug/-/debug-4.4.3.tgz",
            "debug",
            "https://registry.npm.invalid",
        ),
        (
            "https://mirror.invalid/api/npm/npm-remote/@s/p/-/p-1.0.0.tgz",
            "@s/p",
            "https://mirror.invalid/api/npm/npm-remote",
        ),
        ("https://mirror.invalid/npm/@s%2fp/-/p-1.0.0.tgz", "@s/p", "https://mirror.invalid/npm"),
        ("https://npm.pkg.invalid/download/@s/p/1.0.0/abc", "@s/p", "https://npm.pkg.invalid"),
    ],
)
def test_npm_registry_base(url: str, name: str, base: str) -> None:
    assert _common.registry_base(url, name) == base


def test_npm_bun_registry_column() -> None:
    lock = {
        "lockfileVersion": 1,
        "workspaces": {"": {"name": "app", "dependencies": {"a": "^1", "b": "^1"}}},
        "packages": {
            "a": ["a@1.0.0", "https://mirror.invalid/npm/a/-/a-1.0.0.tgz", {}, "sha512-AA=="],
            "b": ["b@1.0.0", "https://mirror.invalid/npm/", {}, "sha512-AA=="],
        },
    }
    comps = by_purl(bun_lock.parse(json.dumps(lock, indent=2), "bun.lock"))
    assert comps["pkg:npm/a@1.0.0"].resolved == ("https://mirror.invalid/npm/a/-/a-1.0.0.tgz",)
    assert comps["pkg:npm/a@1.0.0"].registries == ("https://mirror.invalid/npm",)
    assert comps["pkg:npm/b@1.0.0"].registries == ("https://mirror.invalid/npm/",)


# --- the dependency graph ---------------------------------------------------------------


@pytest.mark.parametrize(("parser", "rel"), SAMPLES, ids=IDS)
def test_npm_graph(parser: object, rel: str) -> None:
    result = run(parser, rel)
    got = edges(result)
    assert ("pkg:npm/debug@4.4.3", "pkg:npm/ms@2.1.3") in got  # not the alias ms@2.0.0
    assert ("pkg:npm/is-odd@3.0.1", "pkg:npm/is-number@6.0.0") in got  # the nested copy
    # The folder dependency (versioned where the lockfile records its version) has its own edges.
    ext = next(c.purl for c in result.components if c.name == "ext-lib")
    assert (ext, "pkg:npm/isarray@2.0.5") in got
    if parser is not yarn_lock and "lock-v1" not in rel:
        assert ("", "pkg:npm/debug@4.4.3") in got and ("", "pkg:npm/ms@2.0.0") in got


def test_npm_node_module_resolution_walks_up() -> None:
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"dependencies": {"a": "1"}},
            "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "1", "c": "1"}},
            "node_modules/a/node_modules/b": {
                "version": "1.0.0",
                "dependencies": {"c": "2", "d": "1"},
            },
            "node_modules/a/node_modules/b/node_modules/c": {"version": "2.0.0"},
            "node_modules/a/node_modules/d": {"version": "1.0.0", "dependencies": {"c": "1"}},
            "node_modules/c": {"version": "1.0.0"},
            "node_modules/d": {"version": "9.0.0"},
        },
    }
    got = edges(package_lock.parse(json.dumps(lock, indent=2), "package-lock.json"))
    assert got == {
        ("", "pkg:npm/a@1.0.0"),
        ("pkg:npm/a@1.0.0", "pkg:npm/b@1.0.0"),
        ("pkg:npm/a@1.0.0", "pkg:npm/c@1.0.0"),
        ("pkg:npm/b@1.0.0", "pkg:npm/c@2.0.0"),  # its own nested copy
        ("pkg:npm/b@1.0.0", "pkg:npm/d@1.0.0"),  # the parent's copy, not the hoisted d@9
        ("pkg:npm/d@1.0.0", "pkg:npm/c@1.0.0"),
    }


def test_npm_bun_nested_keys_resolve_to_the_nearest() -> None:
    got = edges(run(bun_lock, "npm__bun-lock/generated-bun1/bun.lock"))
    assert ("pkg:npm/is-odd@3.0.1", "pkg:npm/is-number@6.0.0") in got
    assert bun_lock._parent("a/@s/b/c") == "a/@s/b"
    assert bun_lock._parent("a/@s/b") == "a"
    assert bun_lock._parent("@s/b") == ""


# --- locations --------------------------------------------------------------------------


@pytest.mark.parametrize(("parser", "rel"), SAMPLES, ids=IDS)
def test_npm_every_line_names_its_package(parser: object, rel: str) -> None:
    lines = (FORMATS / rel).read_text().splitlines()
    for comp in run(parser, rel).components:
        loc = comp.locations[0]
        assert loc.path == Path(rel).name and loc.line is not None, comp
        if comp.source_kind != "path":
            assert comp.name.rpartition("/")[2] in lines[loc.line - 1], (
                comp.purl,
                lines[loc.line - 1],
            )


def test_npm_exact_lines() -> None:
    def line_of(rel: str, needle: str) -> int:
        return (FORMATS / rel).read_text().splitlines().index(needle) + 1

    rel = "npm__package-lock/generated-lock-v1/package-lock.json"
    nested = by_purl(run(package_lock, rel))["pkg:npm/is-number@6.0.0"]
    assert nested.locations[0].line == line_of(rel, '        "is-number": {')
    rel = "npm__pnpm-lock/generated-pnpm9-v9/pnpm-lock.yaml"
    assert by_purl(run(pnpm_lock, rel))["pkg:npm/debug@4.4.3"].locations[0].line == line_of(
        rel, "  debug@4.4.3:"
    )
    rel = "npm__yarn-berry-lock/generated-yarn4/yarn.lock"
    line = line_of(rel, '"debug@npm:^4.3.4":')
    assert by_purl(run(yarn_berry_lock, rel))["pkg:npm/debug@4.4.3"].locations[0].line == line


# --- yarn flavours and discovery --------------------------------------------------------


def test_npm_each_yarn_parser_leaves_the_other_flavour_alone() -> None:
    assert run(yarn_lock, "npm__yarn-berry-lock/generated-yarn4/yarn.lock") == ParseResult()
    assert run(yarn_berry_lock, "npm__yarn-lock/generated-yarn1/yarn.lock") == ParseResult()


def test_npm_discovery_patterns_and_manifest_superseded() -> None:
    matcher = Matcher(PARSERS)
    assert {p.NAME for p in matcher.match("web/yarn.lock")} == {
        "npm/yarn-lock",
        "npm/yarn-berry-lock",
    }
    assert [p.NAME for p in matcher.match("a/npm-shrinkwrap.json")] == ["npm/package-lock"]
    paths = [
        "web/package.json",
        "web/pnpm-lock.yaml",
        "web/packages/x/package.json",
        "tools/package.json",
    ]
    assert [(p, parser.NAME) for p, parser in plan(paths, PARSERS)] == [
        ("tools/package.json", "npm/package-json"),  # no lockfile in its folder or above
        ("web/pnpm-lock.yaml", "npm/pnpm-lock"),
    ]


# --- package.json -----------------------------------------------------------------------


def test_npm_package_json() -> None:
    text = """{
  "name": "app",
  "dependencies": {
    "exact": "1.2.3",
    "range": "^1.0.0",
    "alias": "npm:@s/real@2.0.0",
    "mine": "workspace:*",
    "local": "file:../local",
    "gh": "owner/repo#v1",
    "tarball": "https://mirror.invalid/t/-/t-1.0.0.tgz"
  },
  "devDependencies": {"range": "^1.0.0"},
  "peerDependencies": {"peer": "^3", "maybe": "^4"},
  "peerDependenciesMeta": {"maybe": {"optional": true}}
}
"""
    comps = {(c.name, c.scope): c for c in package_json.parse(text, "package.json").components}
    assert comps["exact", "required"].version == "1.2.3"
    assert (
        comps["range", "required"].version is None
        and comps["range", "required"].requirement == "^1.0.0"
    )
    assert comps["range", "dev"].locations[0].line == 12
    assert comps["@s/real", "required"].purl == "pkg:npm/%40s/real@2.0.0"
    assert ("mine", "required") not in comps
    assert comps["local", "required"].source_kind == "path"
    assert comps["gh", "required"].source_kind == "vcs"
    assert comps["tarball", "required"].source_kind == "url"
    assert comps["peer", "required"].direct is True and comps["maybe", "optional"]
    assert comps["exact", "required"].locations[0].line == 4


# --- bad input --------------------------------------------------------------------------


def test_npm_bad_entries_become_issues_with_lines() -> None:
    lock = '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {},\n    "node_modules/a": 5,\n    "node_modules/b": {"version": "1.0.0"}\n  }\n}\n'
    result = package_lock.parse(lock, "package-lock.json")
    assert [c.purl for c in result.components] == ["pkg:npm/b@1.0.0"]
    assert [(i.line, "node_modules/a" in i.message) for i in result.issues] == [(5, True)]

    yarn = '# yarn lockfile v1\n\na@^1:\n  version "1.0.0"\n\nb@^1:\n  version "1.0.0"\n      nonsense\n\nc@^1:\n  version "1.0.0"\n'
    result = yarn_lock.parse(yarn, "yarn.lock")
    assert sorted(c.name for c in result.components) == ["a", "c"]
    assert [i.line for i in result.issues] == [8]

    pnpm = "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0: 5\n\n  b@1.0.0:\n    resolution: {integrity: sha512-AA==}\n"
    result = pnpm_lock.parse(pnpm, "pnpm-lock.yaml")
    assert [c.purl for c in result.components] == ["pkg:npm/b@1.0.0"]
    assert [i.line for i in result.issues] == [5]

    berry = '__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: 1.0.0\n\n"b@npm:^1":\n  version: 1.0.0\n  resolution: "b@npm:1.0.0"\n'
    result = yarn_berry_lock.parse(berry, "yarn.lock")
    assert [c.purl for c in result.components] == ["pkg:npm/b@1.0.0"]
    assert [i.line for i in result.issues] == [4]

    manifest = (
        '{\n  "dependencies": ["a"],\n  "devDependencies": {\n    "a": 1,\n    "b": "^1"\n  }\n}\n'
    )
    result = package_json.parse(manifest, "package.json")
    assert [c.purl for c in result.components] == ["pkg:npm/b"]
    assert [i.line for i in result.issues] == [2, 4]

    bun = '{\n  "lockfileVersion": 1,\n  "packages": {\n    "a": "oops",\n    "b": ["b@1.0.0", "", {}, "sha512-AA=="],\n  },\n}\n'
    result = bun_lock.parse(bun, "bun.lock")
    assert [c.purl for c in result.components] == ["pkg:npm/b@1.0.0"]
    assert [i.line for i in result.issues] == [None]  # "a" is not an array: its key has no '['


@pytest.mark.parametrize(
    ("parser", "text", "line"),
    [
        (package_lock, '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {}\n', 5),
        (package_lock, "[1, 2]", 1),
        (yarn_lock, "# yarn lockfile v1\n" + "garbage\n" * 20, 2),
        (
            yarn_berry_lock,
            '__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: 1\n version: 2\n',
            6,
        ),
        (
            pnpm_lock,
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {}\n   - b\n",
            5,
        ),
        (
            bun_lock,
            '{\n  "packages": {\n    "a": ["a@1.0.0", "", {}, "sha512-AA=="],\n  }\n  "x": 1\n}\n',
            5,
        ),
        (package_json, '{\n  "dependencies": {\n    "a": "1"\n  },\n}\n', 5),
    ],
)
def test_npm_unreadable_files_raise_parse_error_with_line(
    parser: object, text: str, line: int
) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse(text, "f")  # type: ignore[attr-defined]
    assert err.value.line == line


@pytest.mark.parametrize("parser", PARSERS, ids=[p.NAME for p in PARSERS])
def test_npm_no_other_exception_on_any_input(parser: object) -> None:
    """Every fixture, truncated anywhere and fed to every parser, parses or raises ParseError."""
    texts = ["", "null", "[]", "{}", "0", '"x"', "---\n- a\n", "\x00\x01", "{\n}\n,"]
    for _, rel in SAMPLES:
        full = (FORMATS / rel).read_text()
        texts += [full] + [full[: len(full) * k // 7] for k in range(1, 7)]
    for text in texts:
        try:
            result = parser.parse(text, "f")  # type: ignore[attr-defined]
        except ParseError:
            continue
        assert isinstance(result, ParseResult)


def _plain(value: object) -> object:
    """Numbers as text: the fast path keeps plain scalars as strings (callers use as_str)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def test_npm_fast_yaml_matches_the_safe_loader() -> None:
    for _, rel in SAMPLES:
        if rel.endswith((".yaml", "yarn.lock")) and "yarn1" not in rel:
            text = (FORMATS / rel).read_text()
            assert _plain(_yaml._fast(text, frozenset(), 0)) == _plain(load_yaml(text))
    # Anything outside the subset goes to the safe loader, which refuses aliases.
    with pytest.raises(ParseError):
        _yaml.load("a: &x 1\nb: *x\n")
    assert _yaml.load("a: |\n  text\n") == {"a": "text\n"}


def test_fast_yaml_reads_lines_a_chunk_at_a_time_exactly_as_split() -> None:
    texts = ["", "\n", "a", "a\n", "\n\n", "ab\ncd\n\nef", "x\ny\n" * 7]
    for text in texts:
        for size in (1, 2, 3, 5, 1 << 20):
            assert list(_yaml._lines(text, size)) == text.split("\n"), (text, size)
    sample = (FORMATS / "npm__pnpm-lock/generated-pnpm9-v9/pnpm-lock.yaml").read_text()
    assert list(_yaml._lines(sample, 97)) == sample.split("\n")


def test_npm_pnpm_env_document_first() -> None:
    text = "---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\n---\nlockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-AA==}\n"
    result = pnpm_lock.parse(text, "pnpm-lock.yaml")
    assert [(c.purl, c.locations[0].line) for c in result.components] == [("pkg:npm/a@1.0.0", 11)]
