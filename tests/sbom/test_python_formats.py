"""Python parsers: scope, direct, hashes, registries, sources, lines and bad input.

Inputs are the fixtures the real tools wrote (pip-compile, uv, Poetry 1.1/1.8/2.5, pdm, pipenv;
see the truth files) and the shared corpus. Where a feature does not occur in them (an https
VCS line, ``--annotation-style=line``, a broken entry) a short snippet stands in and says so.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sbom.build import plan
from sbom.ecosystems.python import (
    pdm_lock,
    pipfile_lock,
    poetry_lock,
    pylock,
    pyproject,
    requirements,
    uv_lock,
)
from sbom.errors import ParseError
from sbom.model import Component, Hash, ParseResult, Relationship
from sbom.parser import Matcher, Parser
from sbom.read import parse_bytes
from sbom.registry import PARSERS
from tests.conftest import FIXTURES

FORMATS = FIXTURES / "formats"
PYTHON = (uv_lock, poetry_lock, pdm_lock, pipfile_lock, pylock, requirements, pyproject)


def run(parser: Parser, text: str, path: str = "x") -> ParseResult:
    return parse_bytes(text.encode(), path, parser)


def fixture(parser: Parser, rel: str) -> ParseResult:
    path = FORMATS / parser.NAME.replace("/", "__") / rel
    result = parse_bytes(path.read_bytes(), rel, parser)
    assert not result.issues, result.issues
    return result


def by_name(result: ParseResult) -> dict[str, Component]:
    return {c.name: c for c in result.components}


def corpus_file(corpus: Path, parser: Parser, rel: str) -> ParseResult:
    result = parse_bytes((corpus / rel).read_bytes(), rel, parser)
    assert not result.issues, result.issues
    return result


# --- registry and patterns -------------------------------------------------------------------


def test_registered_and_matched() -> None:
    assert all(p in PARSERS for p in PYTHON)
    matcher = Matcher(PYTHON)
    expect = {
        "requirements.txt": requirements,
        "a/requirements-dev.txt": requirements,
        "dev-requirements.txt": requirements,
        "requirements/main.txt": requirements,
        "constraints.txt": requirements,
        "poetry.lock": poetry_lock,
        "sub/uv.lock": uv_lock,
        "pdm.lock": pdm_lock,
        "Pipfile.lock": pipfile_lock,
        "pylock.toml": pylock,
        "pylock.dev.toml": pylock,
        "pyproject.toml": pyproject,
    }
    for path, parser in expect.items():
        assert matcher.match(path) == [parser], path
    assert matcher.match("docs/notes.txt") == []


def test_pyproject_is_superseded_by_a_lock() -> None:
    paths = ["pyproject.toml", "uv.lock", "lib/pyproject.toml", "tools/pyproject.toml"]
    paths.append("tools/poetry.lock")
    planned = [(p, parser.NAME) for p, parser in plan(paths, PYTHON)]
    assert ("pyproject.toml", "pypi/pyproject") not in planned
    assert ("lib/pyproject.toml", "pypi/pyproject") not in planned  # the root uv.lock covers it
    assert ("uv.lock", "pypi/uv-lock") in planned
    alone = [(p, parser.NAME) for p, parser in plan(["pyproject.toml"], PYTHON)]
    assert alone == [("pyproject.toml", "pypi/pyproject")]


# --- requirements ----------------------------------------------------------------------------


def test_requirements_pip_compile_hashes_lines_and_via() -> None:
    result = fixture(requirements, "pip-compile/requirements.txt")
    comps = by_name(result)
    attrs = comps["attrs"]
    assert attrs.version == "26.1.0" and attrs.purl == "pkg:pypi/attrs@26.1.0"
    assert attrs.hashes == (
        Hash("SHA-256", "c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309"),
        Hash("SHA-256", "d03ceb89cb322a8fd706d4fb91940737b6642aa36998fe130a9bc96c985eff32"),
    )
    # The requirement starts on line 11; its --hash continuation lines follow.
    assert attrs.locations[0].line == 11
    assert comps["six"].version == "1.17.0"  # "six==1.17.0 ; python_version >= '3.8'"
    # "# via -r requirements.in" → declared; "# via localpkg" → transitive, with the edge.
    assert attrs.direct is True and comps["idna"].direct is False
    local = comps["localpkg"]
    assert (local.source_kind, local.source_url, local.version) == (
        "path",
        "file:///tmp/src/localpkg",
        None,
    )
    assert Relationship(local.purl, comps["idna"].purl) in result.relationships
    assert Relationship("", attrs.purl) in result.relationships
    wc = comps["wcwidth"]
    assert wc.source_kind == "url" and wc.version == "0.2.13"
    assert wc.resolved == (wc.source_url,) and str(wc.source_url).startswith(
        "https://files.pypi.invalid/"
    )
    assert len(wc.hashes) == 1
    assert all(c.registries == () for c in result.components)  # the file names no index


def test_requirements_index_options_apply_to_registry_entries() -> None:
    comps = by_name(fixture(requirements, "pip-compile/requirements-dev.txt"))
    assert comps["pytest"].registries == ("https://pypi.invalid/simple/",)
    assert comps["pytest"].direct is True and comps["pluggy"].direct is False
    pipenv = by_name(fixture(requirements, "pipenv-requirements/requirements.txt"))
    assert pipenv["attrs"].registries == ("https://pypi.invalid/simple",)  # "-i URL"
    git = pipenv["gitpkg"]  # "-e git+file:///…@<commit>#egg=gitpkg"
    assert git.source_kind == "vcs" and git.registries == ()
    assert git.source_url == "git+file:///tmp/src/gitpkg@a9140a0372323694bb6e26b038effb921cfa15a0"
    assert pipenv["localpkg"].source_kind == "path"
    assert all(c.direct is None for c in pipenv.values())  # no pip-compile notes: unknown


def test_requirements_uv_export_skips_the_project() -> None:
    result = fixture(requirements, "uv-export/requirements.txt")
    names = {c.name for c in result.components}
    assert "." not in names and "demo-uv" not in names  # "-e ." is the project itself
    comps = by_name(result)
    assert comps["member"].source_url == "./packages/member"
    # "# via demo-uv": demo-uv is not in the file, so it is the project: declared, root edge.
    assert comps["click"].direct is True and comps["colorama"].direct is False
    assert Relationship("", comps["click"].purl) in result.relationships
    assert comps["iniconfig"].direct is None  # no note at all (a dev group)


def test_requirements_line_forms() -> None:
    # Hand-written: a VCS host, options and annotation styles the fixtures do not show.
    text = "\n".join(
        [
            "# a comment line",
            "--extra-index-url=https://mirror.invalid/simple  # trailing comment",
            "-f https://links.invalid/wheels/",
            "-r base.txt",
            "--constraint constraints.txt",
            "git+https://example.invalid/org/repo.git@v1.2#egg=Thing  # pinned tag",
            "-e git+https://example.invalid/org/other.git@abc123",
            "https://example.invalid/dl/foo-1.0.tar.gz#sha256=" + "a" * 64,
            "Bar[extra] >=1,<2 ; python_version < '3.11' \\",
            "    --hash=sha256:" + "b" * 64,
            "baz===2.0",
            "qux==1.*",
            "zed==3.0  # via -r requirements.in, bar",
            "-e .[dev]",
        ]
    )
    result = run(requirements, text)
    assert not result.issues
    comps = by_name(result)
    assert set(comps) == {"Thing", "other", "foo", "Bar", "baz", "qux", "zed"}
    thing = comps["Thing"]
    assert (thing.source_kind, thing.source_url, thing.version) == (
        "vcs",
        "git+https://example.invalid/org/repo.git@v1.2",
        None,
    )
    assert thing.purl == "pkg:pypi/thing" and thing.locations[0].line == 6
    assert comps["other"].source_url == "git+https://example.invalid/org/other.git@abc123"
    foo = comps["foo"]
    assert (foo.source_kind, foo.version, foo.resolved) == (
        "url",
        "1.0",
        ("https://example.invalid/dl/foo-1.0.tar.gz",),
    )
    bar = comps["Bar"]
    assert bar.version is None and bar.requirement == "<2,>=1" and bar.purl == "pkg:pypi/bar"
    assert bar.hashes == (Hash("SHA-256", "b" * 64),) and bar.locations[0].line == 9
    assert bar.registries == ("https://mirror.invalid/simple", "https://links.invalid/wheels/")
    assert thing.registries == () and foo.registries == ()
    assert comps["baz"].version == "2.0"
    assert comps["qux"].version is None and comps["qux"].requirement == "==1.*"
    assert comps["zed"].direct is True  # --annotation-style=line
    assert Relationship(bar.purl, comps["zed"].purl) in result.relationships


def test_requirements_bad_lines_become_issues_with_lines() -> None:
    result = run(requirements, "good==1.0\nbad ==\nalso-good==2.0\n%%%\n", "req.txt")
    assert {c.name for c in result.components} == {"good", "also-good"}
    assert [(i.line, i.path) for i in result.issues] == [(2, "req.txt"), (4, "req.txt")]
    assert all(i.message.startswith("pypi/requirements: ") for i in result.issues)
    many = run(requirements, "\n".join(f"bad{n} ==" for n in range(50)))
    assert len(many.issues) == requirements.MAX_ISSUES + 1
    assert "30 more" in many.issues[-1].message


# --- poetry.lock -----------------------------------------------------------------------------


def test_poetry_2_groups_sources_hashes_graph() -> None:
    result = fixture(poetry_lock, "poetry-2.5/poetry.lock")
    comps = by_name(result)
    assert comps["attrs"].scope == "required" and comps["iniconfig"].scope == "dev"
    assert comps["markupsafe"].scope == "dev"  # the optional "docs" group
    assert comps["six"].scope == "optional"  # an extra of the main group
    assert comps["attrs"].registries == ("https://pypi.invalid/simple",)  # legacy source
    assert len(comps["attrs"].hashes) == 2 and len(comps["markupsafe"].hashes) == 151
    git = comps["gitpkg"]
    assert git.source_kind == "vcs"
    assert str(git.source_url).endswith("@a9140a0372323694bb6e26b038effb921cfa15a0")
    assert comps["localpkg"].source_kind == "path"
    assert comps["localpkg"].source_url == "../../src/localpkg"
    wc = comps["wcwidth"]
    assert wc.source_kind == "url" and wc.resolved == (wc.source_url,)
    assert Relationship(comps["click"].purl, comps["colorama"].purl) in result.relationships
    assert Relationship(comps["localpkg"].purl, comps["idna"].purl) in result.relationships
    # Nothing needs attrs, so the project does; colorama is click's.
    assert comps["attrs"].direct is True and comps["colorama"].direct is None
    assert Relationship("", comps["attrs"].purl) in result.relationships
    assert comps["attrs"].locations[0].line == 3


def test_poetry_1x_formats() -> None:
    v18 = by_name(fixture(poetry_lock, "poetry-1.8/poetry.lock"))
    # Poetry 1.5-1.8 record neither groups nor categories: only extras are known.
    assert v18["attrs"].scope is None and v18["six"].scope == "optional"
    v11 = by_name(fixture(poetry_lock, "poetry-1.1/poetry.lock"))
    assert v11["attrs"].scope == "required" and v11["pluggy"].scope == "dev"
    assert v11["six"].scope == "optional"
    # Lock 1.1 keeps hashes in [metadata.files].
    assert Hash("SHA-256", "c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309") in (
        v11["attrs"].hashes
    )


def test_poetry_corpus_categories(corpus: Path) -> None:
    result = corpus_file(corpus, poetry_lock, "python-poetry/Tinkoff__invest-python/poetry.lock")
    scopes = {c.scope for c in result.components}
    assert scopes == {"required", "dev", "optional"}


def test_poetry_bad_input() -> None:
    text = (FORMATS / "pypi__poetry-lock/poetry-2.5/poetry.lock").read_text()
    broken = text.replace('name = "click"\n', "", 1)
    result = run(poetry_lock, broken)
    assert "click" not in by_name(result) and len(result.components) == 10
    assert len(result.issues) == 1 and result.issues[0].line == 20
    with pytest.raises(ParseError) as err:
        poetry_lock.parse('package = "x"\n', "poetry.lock")
    assert "array" in err.value.message
    bad = run(poetry_lock, '[[package]]\nname = "a"\nversion = \n')
    assert bad.issues[0].line == 3 and not bad.components


# --- Pipfile.lock ----------------------------------------------------------------------------


def test_pipfile_lock_sections_sources_entries() -> None:
    comps = by_name(fixture(pipfile_lock, "pipenv-2026.10/Pipfile.lock"))
    assert comps["attrs"].scope == "required" and comps["pytest"].scope == "dev"
    assert comps["attrs"].registries == ("https://pypi.invalid/simple",)
    assert comps["attrs"].locations[0].line == 19 and len(comps["attrs"].hashes) == 2
    git = comps["gitpkg"]
    assert (git.source_kind, git.version) == ("vcs", None)
    assert git.source_url == "git+file:///tmp/src/gitpkg@a9140a0372323694bb6e26b038effb921cfa15a0"
    assert comps["localpkg"].source_kind == "path" and comps["localpkg"].registries == ()


def test_pipfile_lock_same_name_in_both_sections(corpus: Path) -> None:
    result = corpus_file(corpus, pipfile_lock, "python-pipfile/pypa__pipenv/Pipfile.lock")
    iniconfig = by_name(result)["iniconfig"]
    assert iniconfig.scope == "required"  # default and develop: required wins
    assert [loc.line for loc in iniconfig.locations] == [25, 763]


def test_pipfile_lock_bad_input() -> None:
    result = run(pipfile_lock, '{"default": {"ok": {"version": "==1.0"}, "bad": 5, " ": {}}}')
    assert [c.name for c in result.components] == ["ok"] and len(result.issues) == 2
    broken = run(pipfile_lock, '{\n  "default": {\n    "x": \n}')
    assert broken.issues[0].line == 4 and "invalid JSON" in broken.issues[0].message
    assert run(pipfile_lock, "[1, 2]").issues[0].message.endswith("not a JSON object")


# --- uv.lock ---------------------------------------------------------------------------------


def test_uv_lock_project_workspace_scopes() -> None:
    result = fixture(uv_lock, "uv-0.13/uv.lock")
    comps = by_name(result)
    assert "demo-uv" not in comps  # the project itself (editable ".")
    member = comps["member"]
    assert member.source_kind == "workspace" and member.direct is True
    assert comps["attrs"].direct is True and comps["idna"].direct is False
    assert comps["iniconfig"].scope == "dev" and comps["pluggy"].scope == "dev"
    assert comps["colorama"].scope == "required"  # via click, on Windows only
    assert Relationship("", comps["attrs"].purl) in result.relationships
    assert Relationship(member.purl, comps["six"].purl) in result.relationships
    attrs = comps["attrs"]
    assert attrs.registries == ("https://pypi.invalid/simple",)
    assert len(attrs.resolved) == 2 and all(
        u.startswith("https://files.pypi.invalid/") for u in attrs.resolved
    )
    assert len(attrs.hashes) == 2 and attrs.locations[0].line == 11
    git = comps["gitpkg"]
    assert git.source_url == "git+file:///tmp/src/gitpkg@a9140a0372323694bb6e26b038effb921cfa15a0"
    assert comps["localpkg"].source_kind == "path"
    assert comps["wcwidth"].source_kind == "url" and comps["wcwidth"].version == "0.2.13"


def test_uv_lock_extra_only_is_optional() -> None:
    # The fixture with the member's dependency on six removed: six is then only in "compat".
    text = (FORMATS / "pypi__uv-lock/uv-0.13/uv.lock").read_text()
    text = text.replace(
        'source = { editable = "packages/member" }\ndependencies = [\n    { name = "six" },\n]',
        'source = { editable = "packages/member" }',
    )
    comps = by_name(run(uv_lock, text))
    assert comps["six"].scope == "optional" and comps["six"].direct is True


def test_uv_lock_corpus_mirror_and_git(corpus: Path) -> None:
    result = corpus_file(corpus, uv_lock, "python-uv/infiniflow__ragflow/uv.lock")
    comps = by_name(result)
    assert "ragflow" not in comps  # virtual "." root
    # RAGFlow locks through a mirror: its index, and every artifact URL on the mirror's host.
    (index,) = comps["debugpy"].registries
    mirror = urlsplit(index).netloc
    assert index.endswith("/pypi/simple") and mirror != "pypi.invalid"
    assert comps["debugpy"].resolved
    assert all(urlsplit(u).netloc == mirror for u in comps["debugpy"].resolved)
    graspologic = comps["graspologic"]
    assert graspologic.source_kind == "vcs" and graspologic.locations[0].line == 2511
    assert graspologic.source_url == (
        "git+https://gitee.com/infiniflow/graspologic.git@38e680cab72bc9fb68a7992c3bcc2d53b24e42fd"
    )
    assert {c.scope for c in result.components} <= {"required", "optional", "dev"}
    targets = {c.purl for c in result.components}
    assert all(r.target in targets for r in result.relationships)


def test_uv_lock_bad_input() -> None:
    result = run(uv_lock, '[[package]]\nversion = "1"\n\n[[package]]\nname = "ok"\nversion = "2"\n')
    assert [c.name for c in result.components] == ["ok"]
    assert result.issues[0].line == 1
    assert run(uv_lock, "package = 5\n").issues[0].message.endswith("array of tables")
    # A name that cannot be a PyPI project (nor a purl) is refused, not passed on.
    odd = run(uv_lock, '[[package]]\nname = " "\n\n[[package]]\nname = "a/b"\n')
    assert not odd.components and [i.line for i in odd.issues] == [1, 4]
    assert run(uv_lock, "version = 1\n[[package]\n").issues[0].line == 2


# --- pdm.lock --------------------------------------------------------------------------------


def test_pdm_lock_groups_sources_graph() -> None:
    result = fixture(pdm_lock, "pdm-2.29/pdm.lock")
    comps = by_name(result)
    assert comps["attrs"].scope == "required"
    # pdm.lock cannot tell an extra ("compat") from a dev group ("dev"): both are optional.
    assert comps["six"].scope == "optional" and comps["iniconfig"].scope == "optional"
    git = comps["gitpkg"]
    assert git.source_url == (
        "git+file://localhost/tmp/src/gitpkg@a9140a0372323694bb6e26b038effb921cfa15a0"
    )
    assert comps["localpkg"].source_kind == "path"
    wc = comps["wcwidth"]
    assert wc.source_kind == "url" and wc.resolved == (wc.source_url,)
    assert comps["attrs"].resolved == () and comps["attrs"].registries == ()
    assert Relationship(comps["click"].purl, comps["colorama"].purl) in result.relationships
    assert comps["attrs"].direct is True and comps["idna"].direct is None


def test_pdm_lock_static_urls() -> None:
    attrs = by_name(fixture(pdm_lock, "pdm-2.29-static-urls/pdm.lock"))["attrs"]
    assert len(attrs.resolved) == 2 and len(attrs.hashes) == 2
    assert all(u.startswith("https://files.pypi.invalid/") for u in attrs.resolved)


def test_pdm_lock_extras_entries_merge(corpus: Path) -> None:
    result = corpus_file(corpus, pdm_lock, "python-pdm/pdm-project__pdm/pdm.lock")
    coverage = [c for c in result.components if c.name == "coverage"]
    assert len(coverage) == 1 and [loc.line for loc in coverage[0].locations] == [230, 345]
    assert all(r.source != r.target for r in result.relationships)


# --- pylock.toml -----------------------------------------------------------------------------


def test_pylock_uv_export_sources() -> None:
    comps = by_name(fixture(pylock, "uv-export/pylock.toml"))
    assert "demo-uv" not in comps  # directory "." is the project
    assert comps["attrs"].registries == ("https://pypi.invalid/simple",)
    assert len(comps["attrs"].resolved) == 2 and len(comps["attrs"].hashes) == 2
    assert comps["gitpkg"].source_url == (
        "git+file:///tmp/src/gitpkg@a9140a0372323694bb6e26b038effb921cfa15a0"
    )
    assert comps["member"].source_kind == "path" and comps["member"].version is None
    wc = comps["wcwidth"]  # an archive
    assert wc.source_kind == "url" and wc.resolved == (wc.source_url,) and len(wc.hashes) == 1


def test_pylock_markers_give_scope(corpus: Path) -> None:
    rel = "python-pylock/pdm-project__pdm/tests/fixtures/projects/demo/pylock.toml"
    comps = by_name(corpus_file(corpus, pylock, rel))
    assert comps["chardet"].scope == "required"  # "default" in dependency_groups (a default group)
    assert comps["idna"].scope == "required"  # default group or an extra
    assert comps["certifi"].scope == "optional"  # "security" in extras
    assert comps["requests"].direct is True and comps["certifi"].direct is None
    pipenv = by_name(corpus_file(corpus, pylock, "python-pylock/pypa__pipenv/pylock.toml"))
    assert pipenv["alabaster"].scope == "dev" and pipenv["pytz"].scope == "required"


# --- pyproject.toml --------------------------------------------------------------------------


def test_pyproject_pep621_groups_and_uv_sources() -> None:
    result = fixture(pyproject, "uv-project/pyproject.toml")
    comps = by_name(result)
    assert all(c.direct is True for c in comps.values())
    assert {r.source for r in result.relationships} == {""}
    assert comps["attrs"].requirement == ">=23" and comps["attrs"].version is None
    assert comps["click"].version == "8.1.8" and comps["click"].locations[0].line == 7
    assert comps["six"].scope == "optional" and comps["pluggy"].scope == "dev"
    assert comps["member"].source_kind == "workspace"
    assert comps["gitpkg"].source_url == "git+file:///tmp/src/gitpkg"
    assert comps["localpkg"].source_url == "../../src/localpkg"


def test_pyproject_poetry_tables() -> None:
    comps = by_name(fixture(pyproject, "poetry-project/pyproject.toml"))
    assert "python" not in comps
    assert comps["click"].version == "8.1.8"  # a bare Poetry version is exact
    assert comps["six"].requirement == "^1.16" and comps["six"].scope == "optional"
    assert comps["markupsafe"].scope == "dev" and comps["iniconfig"].requirement is None
    assert comps["attrs"].registries == ("https://pypi.invalid/simple/",)
    assert comps["gitpkg"].registries == () and comps["gitpkg"].source_kind == "vcs"
    assert comps["attrs"].locations[0].line == 9


def test_pyproject_skips_self_and_reports_bad_strings() -> None:
    # Hand-written: a self-referencing extra and a broken requirement.
    text = (
        '[project]\nname = "Demo_Pkg"\ndependencies = [\n  "ok>=1",\n  "broken ==",\n]\n'
        '[project.optional-dependencies]\nall = ["demo-pkg[x]", "extra-dep==2.0"]\n'
        '[dependency-groups]\ntest = [{include-group = "all"}, "pytest"]\n'
        '[[tool.uv.index]]\nname = "corp"\nurl = "https://corp.invalid/simple"\n'
    )
    result = run(pyproject, text)
    comps = by_name(result)
    assert set(comps) == {"ok", "extra-dep", "pytest"}
    assert comps["extra-dep"].version == "2.0" and comps["extra-dep"].scope == "optional"
    assert comps["ok"].registries == ("https://corp.invalid/simple",)
    assert [i.line for i in result.issues] == [5]


def test_pyproject_corpus_git_tag(corpus: Path) -> None:
    rel = "monorepo/dagger__dagger/core/integration/testdata/modules/python/git-dep/pyproject.toml"
    comps = by_name(corpus_file(corpus, pyproject, rel))
    assert comps["asyncer"].source_url == "git+https://github.com/tiangolo/asyncer@0.0.5"
    assert comps["dagger-io"].source_kind == "path"


# --- robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize("parser", PYTHON, ids=[p.NAME for p in PYTHON])
def test_wrong_types_never_raise(parser: Parser) -> None:
    samples = [
        "package = [1, 'x', {name = 5}, {name = 'a', version = 1, source = 'x', files = 5}]",
        "packages = [{name = 'a', vcs = 5, wheels = [{hashes = 5}], dependencies = 'x'}]",
        "[project]\ndependencies = 5\noptional-dependencies = [1]\n[tool.poetry]\ndependencies = 5",
        '{"_meta": 5, "default": {"a": {"hashes": 5, "version": 1, "git": 5}}, "develop": []}',
        "-e\n--hash\n--index-url\n\\\n#egg=\n",
        "",
    ]
    for text in samples:
        with contextlib.suppress(ParseError):
            parser.parse(text, "x")
