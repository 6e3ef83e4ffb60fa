"""Monorepo scans: project grouping, per-project SBOMs, shards, progress; the dagger sample end to end."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from sbom.build import inventory_from_tree
from sbom.model import Inventory
from scanner.cli import main
from scanner.monorepo import projects, workspaces
from scanner.progress import Progress, choose


def _lock(deps: dict[str, str], nested: dict[str, dict[str, str]] | None = None) -> str:
    """A package-lock.json v3: ``deps`` are direct; ``nested`` name → its own dependencies."""
    packages: dict[str, Any] = {"": {"name": "app", "dependencies": dict.fromkeys(deps, "*")}}
    for name, version in deps.items():
        packages[f"node_modules/{name}"] = {"version": version}
    for name, sub in (nested or {}).items():
        packages[f"node_modules/{name}"]["dependencies"] = dict.fromkeys(sub, "*")
        for child, version in sub.items():
            packages[f"node_modules/{child}"] = {"version": version}
    return json.dumps({"name": "app", "lockfileVersion": 3, "packages": packages})


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


GO_MOD = "module example.invalid/{0}\n\ngo 1.22\n\nrequire example.invalid/dep v1.0.0\n"


# --- what a project is -------------------------------------------------------------------


def test_nearest_folder_with_a_lockfile_and_anchored_layouts() -> None:
    got = projects.group(
        [
            "go.mod",
            "go.sum",
            ".github/workflows/ci.yml",
            ".github/actions/setup/action.yml",
            "svc/api/package-lock.json",
            "svc/api/requirements/dev.txt",
            "tools/vendor/modules.txt",
            "java/gradle/dependency-locks/compile.lockfile",
        ]
    )
    assert got == {
        "go.mod": "",
        "go.sum": "",
        ".github/workflows/ci.yml": "",
        ".github/actions/setup/action.yml": "",
        "svc/api/package-lock.json": "svc/api",
        "svc/api/requirements/dev.txt": "svc/api",
        "tools/vendor/modules.txt": "tools",
        "java/gradle/dependency-locks/compile.lockfile": "java",
    }


@pytest.mark.parametrize(
    ("decl", "text", "expected"),
    [
        ("package.json", '{"workspaces": ["packages/*", "!packages/old"]}', ("packages/*", "!packages/old")),
        ("package.json", '{"workspaces": {"packages": ["libs/**"]}}', ("libs/**",)),
        ("package.json", '{"name": "x", "workspaces": 3}', ()),
        ("package.json", "{not json", ()),
        ("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n  - '!apps/legacy'\n", ("apps/*", "!apps/legacy")),
        ("Cargo.toml", '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/skip"]\n', ("crates/*", "!crates/skip")),
        ("pyproject.toml", '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n', ("pkgs/*",)),
        ("pyproject.toml", '[project]\nname = "workspace-tools"\n', ()),
        ("go.work", "go 1.22\n\nuse (\n\t./api // the server\n\t./cli\n)\nuse ./lib\n", ("./api", "./cli", "./lib")),
        ("pom.xml", "<project><modules><module>core</module><!-- <module>old</module> -->"
         "<module>app/pom.xml</module></modules></project>", ("core", "app")),
    ],
)  # fmt: skip
def test_workspace_declarations(decl: str, text: str, expected: tuple[str, ...]) -> None:
    assert workspaces.members(decl, text.encode()) == expected


def test_workspace_roots_group_their_members() -> None:
    paths = [
        "js/packages/a/package.json",
        "js/packages/b/package.json",
        "js/packages/old/package.json",
        "rust/Cargo.lock",
        "rust/crates/x/Cargo.lock",  # a stale member lockfile: still the workspace's
        "go/api/go.mod",
        "go/cli/go.mod",
        "go/other/go.mod",
        "standalone/uv.lock",
    ]
    declarations = {
        "js/package.json": b'{"workspaces": ["packages/*", "!packages/old"]}',
        "rust/Cargo.toml": b'[workspace]\nmembers = ["crates/*"]\n',
        "go/go.work": b"use (\n  ./api\n  ./cli\n)\n",
        "standalone/pyproject.toml": b'[project]\nname = "s"\n',
    }
    got = projects.group(paths, declarations)
    assert got == {
        "js/packages/a/package.json": "js",
        "js/packages/b/package.json": "js",
        "js/packages/old/package.json": "js/packages/old",
        "rust/Cargo.lock": "rust",
        "rust/crates/x/Cargo.lock": "rust",
        "go/api/go.mod": "go",
        "go/cli/go.mod": "go",
        "go/other/go.mod": "go/other",
        "standalone/uv.lock": "standalone",
    }


def test_nested_workspaces_belong_to_the_outermost() -> None:
    declarations = {
        "package.json": b'{"workspaces": ["apps/*"]}',
        "apps/web/package.json": b'{"workspaces": ["plugins/*"]}',
    }
    got = projects.group(["apps/web/plugins/p/package.json", "apps/web/package.json"], declarations)
    assert set(got.values()) == {""}


def test_build_reads_workspaces_from_the_tree_and_supersedes_member_manifests(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "package.json": '{"name": "root", "workspaces": ["packages/*"]}',
            "package-lock.json": _lock({"left-pad": "1.0.0"}),
            # Superseded by the root lockfile: part of the root project, never read.
            "packages/a/package.json": '{"name": "a", "dependencies": {"left-pad": "^1"}}',
            "services/api/package-lock.json": _lock({"is-odd": "3.0.1"}),
            "go.work": "go 1.22\nuse ./mods/x\nuse ./mods/y\n",
            "mods/x/go.mod": GO_MOD.format("x"),
            "mods/y/go.mod": GO_MOD.format("y"),
        },
    )
    tree = projects.build(str(tmp_path))
    assert tree.inventory == inventory_from_tree(str(tmp_path))
    assert tree.projects == {
        "package-lock.json": "",
        "services/api/package-lock.json": "services/api",
        "mods/x/go.mod": "",
        "mods/y/go.mod": "",
    }


# --- splitting ---------------------------------------------------------------------------


@pytest.fixture
def two_apps(tmp_path: Path) -> projects.Tree:
    _write(
        tmp_path,
        {
            "a/package-lock.json": _lock({"left-pad": "1.0.0", "is-odd": "3.0.1"}),
            "b/package-lock.json": _lock({"wrapper": "2.0.0"}, {"wrapper": {"left-pad": "1.0.0"}}),
        },
    )
    return projects.build(str(tmp_path))


def test_split_keeps_shared_components_in_each_project_with_its_own_graph(
    two_apps: projects.Tree,
) -> None:
    per = projects.split(two_apps.inventory, two_apps.projects, two_apps.parts)
    assert sorted(per) == ["a", "b"]
    a, b = (per[k].by_purl() for k in ("a", "b"))
    pad = "pkg:npm/left-pad@1.0.0"
    assert pad in a and pad in b
    assert [loc.path for loc in b[pad].locations] == ["b/package-lock.json"]
    # Direct in a, transitive in b: each SBOM tells its own project's truth.
    assert a[pad].direct is True and b[pad].direct is False
    assert {(r.source, r.target) for r in per["b"].relationships} >= {
        ("pkg:npm/wrapper@2.0.0", pad)
    }
    assert ("", pad) not in {(r.source, r.target) for r in per["b"].relationships}
    # Split by locations alone: the same components per project.
    by_location = projects.split(two_apps.inventory, two_apps.projects)
    for name in per:
        assert [c.purl for c in by_location[name].components] == [
            c.purl for c in per[name].components
        ]
    union = {c.purl for inv in per.values() for c in inv.components}
    assert union == {c.purl for c in two_apps.inventory.components}
    assert projects.select(two_apps, ["a", "b"]) == two_apps.inventory
    assert {c.purl for c in projects.select(two_apps, ["b"]).components} == set(b)


# --- shards and file names ---------------------------------------------------------------


def test_shards_are_disjoint_and_cover_every_project() -> None:
    names = [f"p{i:02}" for i in range(10)] + [""]
    shards = [projects.shard(names, i, 3) for i in (1, 2, 3)]
    assert sorted(n for s in shards for n in s) == sorted(names)
    assert [len(s) for s in shards] == [4, 4, 3]
    assert projects.shard(list(reversed(names)), 2, 3) == shards[1]  # input order is irrelevant
    assert projects.shard(["only"], 2, 2) == []
    assert projects.parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""):
        with pytest.raises(ValueError):
            projects.parse_shard(bad)


def test_sbom_file_names_are_unique_and_safe() -> None:
    names = projects.file_names(["", "a/b", "a__b", "App", "app", "x y/z:w", ".hidden", "d" * 300])
    assert names[""] == "_root"
    assert names["a/b"] == "a__b" and names["a__b"].startswith("a__b-")
    assert names["App"] == "App" and names["app"].startswith("app-")
    assert names["x y/z:w"] == "x-y__z-w"
    assert names[".hidden"] == "hidden"
    assert len(names["d" * 300]) < 170
    assert len({n.lower() for n in names.values()}) == len(names)


# --- progress ----------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_mode_follows_the_terminal_and_ci() -> None:
    tty, pipe = _Tty(), io.StringIO()
    assert choose(None, tty, {}) == "live"
    assert choose(None, tty, {"CI": "true"}) == "lines"
    assert choose(None, tty, {"TERM": "dumb"}) == "lines"
    assert choose(None, pipe, {}) == "off"
    assert choose(None, pipe, {"GITHUB_ACTIONS": "true"}) == "off"
    assert choose(True, pipe, {}) == "lines"
    assert choose(False, tty, {}) == "off"


def test_progress_lines_are_few_and_plain() -> None:
    now = [0.0]
    out = io.StringIO()
    progress = Progress("lines", out, clock=lambda: now[0])
    progress.stage("enrichment", "lookups")
    for done in range(1, 1001):
        now[0] += 0.1  # 100 s in all: a heartbeat every 30 s, not a line per step
        progress.advance(done, 1000)
    progress.done("ok")
    lines = out.getvalue().splitlines()
    assert lines[0] == "icts-scan: enrichment …"
    assert lines[-1] == "icts-scan: enrichment: ok (100.0s)"
    assert 3 <= len(lines) <= 6
    assert "\033" not in out.getvalue() and "\r" not in out.getvalue()


def test_progress_live_redraws_one_line_and_respects_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    out = _Tty()
    progress = Progress("live", out, clock=lambda: now[0])
    progress.stage("inventory", "files")
    for done in range(1, 11):
        now[0] += 0.05
        progress.advance(done, 10)
    progress.done("10 files")
    text = out.getvalue()
    assert text.count("\n") == 1 and "\r\033[K" in text
    assert 3 <= text.count("\r") <= 8  # throttled to one redraw per 0.1 s
    assert "\033[1m" in text
    progress.stage("scan")
    progress.clear()
    assert out.getvalue().endswith("\r\033[K")
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Tty()
    Progress("live", plain).stage("inventory")
    assert "\033[1m" not in plain.getvalue()
    silent = io.StringIO()
    quiet = Progress("off", silent)
    quiet.stage("x")
    quiet.advance(1, 2)
    quiet.done()
    quiet.finish()
    assert silent.getvalue() == ""


# --- the command -------------------------------------------------------------------------


def test_scan_options_are_checked(two_apps: projects.Tree, tmp_path: Path) -> None:
    root = two_apps.inventory.root
    assert main(["scan", root, "--no-network", "--shard", "4/3"]) == 2
    sbom = tmp_path / "x.cdx.json"
    sbom.write_text("{}")
    assert main(["scan", "--sbom", str(sbom), "--sbom-dir", str(tmp_path / "out")]) == 2


def test_reproducible_project_sboms(
    two_apps: projects.Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = two_apps.inventory.root
    runs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        assert main(["scan", root, "--no-network", "--sbom-dir", str(out), "--reproducible", "--report", f"json={tmp_path}/r.json"]) == 0  # fmt: skip
        runs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert runs[0] == runs[1]
    assert sorted(runs[0]) == ["a.cdx.json", "b.cdx.json", "projects.json"]
    doc = json.loads(runs[0]["b.cdx.json"])
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(doc)) is None
    assert doc["metadata"]["timestamp"].startswith("2023-11-14T22:13:20")
    assert doc["metadata"]["component"]["name"].endswith("/b")
    assert {"name": "icts-scan:project", "value": "b"} in doc["metadata"]["properties"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["scan", root, "--no-network", "--sbom-dir", str(tmp_path / "x"), "--reproducible"]) == 2  # fmt: skip


def test_a_project_known_only_by_an_issue_still_gets_its_sbom(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "package-lock.json").write_text(_lock({"left-pad": "1.0.0"}))
    root = _write(tmp_path / "repo", {"app/package-lock.json": _lock({"is-odd": "3.0.1"})})
    (root / "linked").mkdir()
    (root / "linked" / "package-lock.json").symlink_to(outside / "package-lock.json")
    out = tmp_path / "sboms"
    assert main(["scan", str(root), "--no-network", "--sbom-dir", str(out), "--report", f"json={tmp_path}/r.json"]) == 0  # fmt: skip
    index = {p["project"]: p for p in _index(out)["projects"]}
    assert sorted(index) == ["app", "linked"]
    assert index["linked"]["components"] == 0  # the link leaves the root: never followed


def test_one_enrichment_per_distinct_package_shared_by_the_project_sboms(
    two_apps: projects.Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.enrich import run as enrich_run
    from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus

    calls: list[list[str]] = []

    def fake(inventory: Inventory, *args: object, **kwargs: object) -> tuple[Enriched, None]:
        calls.append([c.purl for c in inventory.components])
        prov = {
            c.purl: Provenance(
                c.purl,
                (Fact(c.purl, "publisher-account", "someone", "_npmUser.name", "npm", None, "2026-01-01T00:00:00Z", "registry-asserted"),),
                (SourceStatus("npm", "ok"),),
            )
            for c in inventory.components
        }  # fmt: skip
        return Enriched(prov, enrich_run.coverage(prov)), None

    monkeypatch.setattr(enrich_run, "enrich_settled", fake)
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "sboms"
    root = two_apps.inventory.root
    main(["scan", root, "--offline", "--sbom-dir", str(out), "--report", f"json={tmp_path}/r.json"])
    # One call over the merged inventory: left-pad, in both projects, is looked up once.
    assert calls == [sorted(c.purl for c in two_apps.inventory.components)]
    for name in ("a", "b"):
        doc = json.loads((out / f"{name}.cdx.json").read_text())
        (pad,) = [c for c in doc["components"] if c["name"] == "left-pad"]
        assert pad["publisher"] == "someone"


# --- the dagger sample (1,101 manifests), scanned in place without network ----------------


@pytest.fixture(scope="module")
def dagger(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = corpus / "monorepo" / "dagger__dagger"
    out = tmp_path_factory.mktemp("dagger")
    t0 = time.perf_counter()
    code = main(
        ["scan", str(root), "--no-network", "--sbom-dir", str(out / "all"),
         "--report", f"json={out}/all.json"]
    )  # fmt: skip
    print(f"\ndagger sample: full monorepo scan in {time.perf_counter() - t0:.1f}s")
    assert code in (0, 1)
    return {"root": root, "out": out, "report": json.loads((out / "all.json").read_text())}


def _index(folder: Path) -> dict[str, Any]:
    (index,) = folder.glob("projects*.json")
    data: dict[str, Any] = json.loads(index.read_text())
    return data


def test_dagger_every_project_gets_an_sbom_and_the_aggregate_is_their_union(
    dagger: dict[str, Any],
) -> None:
    tree = projects.build(str(dagger["root"]))
    expected = projects.file_names(tree.projects.values())
    index = _index(dagger["out"] / "all")
    assert len(expected) > 400
    assert {p["project"] for p in index["projects"]} == {n or "." for n in expected}
    union: set[str] = set()
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    for n, entry in enumerate(index["projects"]):
        text = (dagger["out"] / "all" / entry["sbom"]).read_text()
        # The schema validator is superlinear (a minute for 1,500 components): a sample.
        if n % 50 == 0 and entry["components"] < 300:
            assert validator.validate_str(text) is None
        comps = json.loads(text)["components"]
        assert len(comps) == entry["components"]
        union |= {c["purl"] for c in comps}
    assert union == {c["purl"] for c in dagger["report"]["components"]}


def test_dagger_shards_are_disjoint_and_add_up_to_the_whole(dagger: dict[str, Any]) -> None:
    out = dagger["out"]
    seen: list[set[str]] = []
    components: set[str] = set()
    t0 = time.perf_counter()
    for i in (1, 2, 3):
        target = out / f"shard{i}"
        code = main(
            ["scan", str(dagger["root"]), "--no-network", "--shard", f"{i}/3",
             "--sbom-dir", str(target), "--report", f"json={out}/shard{i}.json"]
        )  # fmt: skip
        assert code in (0, 1)
        index = _index(target)
        assert index["shard"] == [i, 3]
        seen.append({p["project"] for p in index["projects"]})
        report = json.loads((out / f"shard{i}.json").read_text())
        components |= {c["purl"] for c in report["components"]}
    print(f"\ndagger sample: three shards in {time.perf_counter() - t0:.1f}s")
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])
    assert seen[0] | seen[1] | seen[2] == {p["project"] for p in _index(out / "all")["projects"]}
    assert components == {c["purl"] for c in dagger["report"]["components"]}


def test_json_report_counts_findings_per_project(two_apps: projects.Tree, tmp_path: Path) -> None:
    import jsonschema

    from tests.conftest import REPO

    report = tmp_path / "r.json"
    root = two_apps.inventory.root
    main(
        [
            "scan",
            root,
            "--no-network",
            "--sbom-dir",
            str(tmp_path / "s"),
            "--report",
            f"json={report}",
        ]
    )
    doc = json.loads(report.read_text())
    if "projects" not in doc:
        pytest.skip("the JSON report has no projects section yet")
    schema = json.loads((REPO / "scanner" / "report" / "schema" / "report-2.json").read_text())
    jsonschema.validate(doc, schema)
    got = {
        p["path"]: (p["files"], p["components"], p["summary"]["findings"]) for p in doc["projects"]
    }
    # Nothing linked, and unknown provenance is coverage rather than findings.
    assert got == {"a": (["a/package-lock.json"], 2, 0), "b": (["b/package-lock.json"], 2, 0)}
    main(["scan", root, "--no-network", "--report", f"json={report}"])
    assert json.loads(report.read_text())["projects"] == []


def test_enrichment_reports_progress_from_its_workers(two_apps: projects.Tree) -> None:
    import inspect
    import types

    from scanner.enrich import run as enrich_run
    from scanner.enrich.context import open_context
    from scanner.enrich.model import SourceResult, SourceStatus

    if "progress" not in inspect.signature(enrich_run.enrich).parameters:
        pytest.skip("enrich() takes no progress callback yet")
    fake = types.SimpleNamespace(
        NAME="fake",
        ECOSYSTEMS=("npm",),
        enrich=lambda c, ctx: SourceResult(SourceStatus("fake", "ok")),
    )
    seen: list[tuple[int, int]] = []
    ctx = open_context(offline=True, use_cache=False)
    try:
        enrich_run.enrich(
            two_apps.inventory, ctx, [fake], progress=lambda d, t: seen.append((d, t))
        )
    finally:
        ctx.client.close()
    n = len(two_apps.inventory.components)
    assert sorted(seen) == [(i, n) for i in range(1, n + 1)]
