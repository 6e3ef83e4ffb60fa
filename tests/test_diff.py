"""``icts-scan diff`` against real temporary git repositories: only what a change introduces."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbom.build import inventory_from_tree
from sbom.model import Component, Inventory
from scanner import cli
from scanner.diff import gitrev
from scanner.diff.changes import provenance_changes
from scanner.enrich.model import Enriched, Fact, Provenance, SourceStatus
from scanner.net.endpoints import ENDPOINTS
from scanner.report.markdown import MARKER
from tests.loopback import LoopbackServer, Reply

MIRROR = "https://npm.example.invalid"
G2 = "pkg:npm/%40antv/g2"
L7 = "pkg:npm/%40antv/l7"
# Git for building the fixtures: no user or system config, no signing, a fixed identity.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


@pytest.fixture(autouse=True)
def _diff_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    out = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env={**env, **GIT_ENV},
        capture_output=True,
        check=True,
    )
    return out.stdout.decode().strip()


def lockfile(deps: dict[str, str], mirror: str = MIRROR) -> str:
    """An npm package-lock.json v3 with these packages, resolved from ``mirror``."""
    packages: dict[str, object] = {
        "": {
            "name": "app",
            "version": "1.0.0",
            "dependencies": {name: "^" + v for name, v in deps.items()},
        }
    }
    for name, version in sorted(deps.items()):
        digest = base64.b64encode(hashlib.sha512(f"{name}@{version}".encode()).digest()).decode()
        packages[f"node_modules/{name}"] = {
            "version": version,
            "resolved": f"{mirror}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz",
            "integrity": "sha512-" + digest,
        }
    doc = {"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True}
    return json.dumps({**doc, "packages": packages}, indent=2) + "\n"


def commit(repo: Path, files: dict[str, str | None], message: str) -> str:
    """Write (or delete, for None) files and commit them; the new commit's sha."""
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose base commit already depends on one China-linked package."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    commit(
        path, {"package-lock.json": lockfile({"@antv/g2": "5.1.0", "left-pad": "1.3.0"})}, "base"
    )
    return path


def diff(repo: Path, tmp_path: Path, *args: str) -> tuple[int, dict[str, object]]:
    out = tmp_path / "diff.json"
    code = cli.main(["diff", str(repo), "--no-network", "--report", f"json={out}", *args])
    return code, json.loads(out.read_text()) if out.exists() else {}


def flagged(doc: dict[str, object]) -> set[tuple[str, str, str]]:
    findings = doc["new_findings"]
    assert isinstance(findings, list)
    return {(f["purl"], f["check"], f["severity"]) for f in findings if f["severity"] != "info"}


@pytest.mark.parametrize("committed", [True, False], ids=["head-commit", "working-tree"])
def test_pr_adding_a_linked_dependency_reports_exactly_the_new_one(
    repo: Path, tmp_path: Path, committed: bool
) -> None:
    base = git(repo, "rev-parse", "HEAD")
    deps = {"@antv/g2": "5.1.0", "left-pad": "1.3.0", "@antv/l7": "2.20.0", "is-number": "7.0.0"}
    if committed:
        commit(repo, {"package-lock.json": lockfile(deps)}, "add l7")
    else:
        (repo / "package-lock.json").write_text(lockfile(deps))
    head = ["--head", "HEAD"] if committed else []
    code, doc = diff(
        repo, tmp_path, "--base", base, *head, "--report", f"markdown={tmp_path / 'c.md'}"
    )
    assert code == 1
    assert flagged(doc) == {(f"{L7}@2.20.0", "development", "high")}
    assert {c["purl"] for c in doc["new_components"]} == {f"{L7}@2.20.0", "pkg:npm/is-number@7.0.0"}
    assert doc["changed_versions"] == doc["removed_components"] == doc["provenance_changes"] == []
    assert doc["summary"]["head_findings"] == 2  # g2 (known) and l7 (new)
    assert doc["base"] == {"rev": base, "commit": base}
    assert doc["head"]["commit"] == (git(repo, "rev-parse", "HEAD") if committed else None)
    [source] = doc["inputs"]["base"]
    blob = subprocess.run(
        ["git", "cat-file", "blob", f"{base}:package-lock.json"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    assert source["sha256"] == hashlib.sha256(blob).hexdigest()
    comment = (tmp_path / "c.md").read_text()
    assert comment.startswith(MARKER)
    section = comment.split("### New findings", 1)[1].split("<details><summary>New comp", 1)[0]
    assert "%40antv/l7" in section and "g2" not in section
    # SARIF: the new findings only.
    sarif = tmp_path / "new.sarif"
    cli.main(
        [
            "diff",
            str(repo),
            "--no-network",
            "--base",
            base,
            *head,
            "--report",
            f"sarif={sarif}",
            "--report",
            f"table={tmp_path / 't.txt'}",
        ]
    )
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert {(r["ruleId"], *r["properties"]["purls"]) for r in results if r["level"] != "note"} == {
        ("development", f"{L7}@2.20.0")
    }
    assert "%40antv/l7" in (tmp_path / "t.txt").read_text()


def test_registry_and_branch_text_is_inert_in_the_comment(repo: Path, tmp_path: Path) -> None:
    git(repo, "branch", "x<img_src=y>@team")
    out = tmp_path / "c.md"
    assert (
        cli.main(
            [
                "diff",
                str(repo),
                "--no-network",
                "--base",
                "x<img_src=y>@team",
                "--report",
                f"markdown={out}",
            ]
        )
        == 0
    )
    text = out.read_text()
    assert "<img" not in text and "@team" not in text and "&lt;img\\_src" in text


def test_patch_bump_of_a_linked_package_is_not_new(repo: Path, tmp_path: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo, {"package-lock.json": lockfile({"@antv/g2": "5.1.1", "left-pad": "1.3.0"})}, "bump"
    )
    code, doc = diff(repo, tmp_path, "--base", base, "--head", "HEAD")
    assert code == 0
    assert doc["new_findings"] == [] and doc["new_components"] == []
    assert doc["changed_versions"] == [
        {
            "package": G2,
            "name": "@antv/g2",
            "ecosystem": "npm",
            "base": ["5.1.0"],
            "head": ["5.1.1"],
        }
    ]


def test_moved_lockfile_changes_nothing(repo: Path, tmp_path: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    text = (repo / "package-lock.json").read_text()
    commit(repo, {"package-lock.json": None, "web/app/package-lock.json": text}, "move")
    code, doc = diff(repo, tmp_path, "--base", base, "--head", "HEAD")
    assert code == 0
    assert doc["summary"]["new_findings"] == 0
    assert doc["new_components"] == doc["changed_versions"] == doc["removed_components"] == []
    assert [f["path"] for f in doc["inputs"]["head"]] == ["web/app/package-lock.json"]
    # Nothing new, but no provenance was looked up: incomplete under --strict.
    assert diff(repo, tmp_path, "--base", base, "--head", "HEAD", "--strict")[0] == 3


WAIVER = """
[[waivers]]
id = "{id}"
purl = "{purl}"
check = "development"
reason = "reviewed"
approver = "security@example.invalid"
date = 2026-01-01
expires = 2099-01-01
"""


def test_a_waiver_bound_to_the_base_version_becomes_stale(repo: Path, tmp_path: Path) -> None:
    policy = WAIVER.format(id="G2", purl=f"{G2}@5.1.0") + WAIVER.format(
        id="L7", purl=f"{L7}@2.20.0"
    )
    base = commit(repo, {".icts-scan.toml": policy}, "policy with waivers")
    deps = {"@antv/g2": "5.1.1", "@antv/l7": "2.20.0", "left-pad": "1.3.0"}
    (repo / "package-lock.json").write_text(lockfile(deps))
    code, doc = diff(repo, tmp_path, "--base", base)
    # g2 is known (not new) although its waiver no longer covers it; l7 is new but waived.
    assert code == 0
    assert [(w["id"], w["state"]) for w in doc["stale_waivers"]] == [("G2", "stale")]
    assert "5.1.1" in doc["stale_waivers"][0]["note"]
    [new] = [f for f in doc["new_findings"] if f["severity"] != "info"]
    assert (new["purl"], new["waiver"]) == (f"{L7}@2.20.0", "L7")
    assert doc["summary"]["new_findings_waived"] == 1
    assert doc["policy"]["changes"] == []


def test_a_pull_request_cannot_waive_or_relax_its_own_gate(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = git(repo, "rev-parse", "HEAD")
    # The change adds a linked package AND a policy that would hide it four ways.
    relaxed = (
        'fail-on = "critical"\nexclude = ["**"]\nprofile = "bulk-data"\n'
        '[endpoints]\nnpm = "http://127.0.0.1:9/"\n' + WAIVER.format(id="SELF", purl=f"{L7}@2.20.0")
    )
    (repo / ".icts-scan.toml").write_text(relaxed)
    deps = {"@antv/g2": "5.1.0", "@antv/l7": "2.20.0", "left-pad": "1.3.0"}
    (repo / "package-lock.json").write_text(lockfile(deps))
    code, doc = diff(repo, tmp_path, "--base", base)
    err = capsys.readouterr().err
    assert code == 1  # judged by the base policy: the new link counts, unwaived
    [new] = [f for f in doc["new_findings"] if f["severity"] != "info"]
    assert (new["purl"], new["waiver"]) == (f"{L7}@2.20.0", None)
    assert doc["policy"]["source"].startswith("defaults")
    changes = "\n".join(doc["policy"]["changes"])
    for word in ("fail-on", "exclude", "profile", "endpoints", "waiver SELF added"):
        assert word in changes, word
    assert "edits the policy" in err
    # The comment shows the policy change to the reviewer.
    md = tmp_path / "c.md"
    cli.main(["diff", str(repo), "--no-network", "--base", base, "--report", f"markdown={md}"])
    assert "This change edits the policy" in md.read_text() and "SELF" in md.read_text()


def test_a_mirror_change_of_a_kept_package_is_a_provenance_change(
    repo: Path, tmp_path: Path
) -> None:
    base = git(repo, "rev-parse", "HEAD")
    text = lockfile(
        {"@antv/g2": "5.1.0", "left-pad": "1.3.0"}, mirror="https://mirror.example.invalid/npm"
    )
    (repo / "package-lock.json").write_text(text)
    code, doc = diff(repo, tmp_path, "--base", base)
    assert code == 0
    changes = {(p["package"], p["what"], p["value"]) for p in doc["provenance_changes"]}
    assert ("pkg:npm/left-pad", "download host", "https://mirror.example.invalid") in changes
    assert all(
        p["source"] == "lockfile" and p["before"] == [MIRROR]
        for p in doc["provenance_changes"]
        if p["what"] == "download host"
    )


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        for e in ENDPOINTS:
            monkeypatch.setenv(e.env, server.base_url)
        monkeypatch.setenv("ICTS_SCAN_GOGET_URL", server.base_url)
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        yield server


def _version(version: str, *people: str) -> dict[str, object]:
    who = [{"name": p, "email": f"{p}@{p}-mail.example.invalid"} for p in people]
    return {"name": "left-pad", "version": version, "_npmUser": who[-1], "maintainers": who}


def test_a_new_publishing_account_of_a_kept_package(
    repo: Path, tmp_path: Path, registry: LoopbackServer
) -> None:
    # One packument, as the registry serves it: 1.3.1 was published by a new account.
    packument = {
        "name": "left-pad",
        "versions": {
            "1.3.0": _version("1.3.0", "alice"),
            "1.3.1": _version("1.3.1", "alice", "mallory"),
        },
    }
    registry.route("/left-pad", Reply.json(packument))
    base = git(repo, "rev-parse", "HEAD")
    (repo / "package-lock.json").write_text(lockfile({"@antv/g2": "5.1.0", "left-pad": "1.3.1"}))
    out = tmp_path / "diff.json"
    code = cli.main(["diff", str(repo), "--base", base, "--report", f"json={out}"])
    doc = json.loads(out.read_text())
    assert code == 0 and flagged(doc) == set()
    changes = {
        (p["what"], p["value"], p["source"], p["strength"]) for p in doc["provenance_changes"]
    }
    assert changes == {
        ("publishing account", "mallory", "npm", "registry-asserted"),
        ("publisher e-mail domain", "mallory-mail.example.invalid", "npm", "registry-asserted"),
        ("maintainer account", "mallory", "npm", "registry-asserted"),
        ("maintainer e-mail domain", "mallory-mail.example.invalid", "npm", "registry-asserted"),
    }
    publisher = next(p for p in doc["provenance_changes"] if p["what"] == "publishing account")
    assert publisher["before"] == ["alice"] and publisher["purl"] == "pkg:npm/left-pad@1.3.1"


def _fact(purl: str, kind: str, value: str, source: str = "npm") -> Fact:
    return Fact(purl, kind, value, kind, source, None, "2026-01-01T00:00:00Z", "self-declared")


def _side(purl: str, facts: list[tuple[str, str]], ok: bool = True) -> tuple[Inventory, Enriched]:
    comp = Component(purl, "npm", "x", purl.rsplit("@", 1)[1])
    status = SourceStatus("npm", "ok" if ok else "error")
    prov = Provenance(purl, tuple(_fact(purl, k, v) for k, v in facts), (status,))
    return Inventory(root=".", components=(comp,)), Enriched({purl: prov})


def test_provenance_diff_of_two_enriched_inventories() -> None:
    base = _side(
        "pkg:npm/x@1.0.0",
        [
            ("repository", "git+https://github.com/alice/x.git"),
            ("maintainer-email", "a@corp.example.invalid"),
        ],
    )
    head = _side(
        "pkg:npm/x@1.0.1",
        [
            ("repository", "https://github.com/NewOwner/x"),
            ("maintainer-email", "b@corp.example.invalid"),  # a known domain: no change
            ("host-owner", "github:newowner"),
        ],
    )
    changes = provenance_changes(base[0], base[1], head[0], head[1])
    assert {(c.what, c.value, c.before) for c in changes} == {
        ("repository owner", "github.com/newowner", ("github.com/alice",)),
        ("repository owner account", "github:newowner", ()),
    }
    # A base whose lookups failed says nothing about what is new.
    unknown = _side("pkg:npm/x@1.0.0", [], ok=False)
    assert provenance_changes(unknown[0], unknown[1], head[0], head[1]) == []


def test_shallow_clone_without_the_base_fails_with_a_hint(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, {"package-lock.json": lockfile({"@antv/g2": "5.1.1"})}, "next")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    code = cli.main(["diff", str(clone), "--no-network", "--base", base])
    err = capsys.readouterr().err
    assert code == 2
    assert f"base revision {base} is not in this clone (this is a shallow clone); fetch it" in err
    assert "fetch-depth: 0" in err and f"git fetch --depth=1 origin {base}" in err


def test_partial_clone_never_fetches_missing_objects(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, {"package-lock.json": lockfile({"@antv/g2": "5.1.1"})}, "next")
    git(repo, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--filter=blob:none", f"file://{repo}", str(clone))
    assert cli.main(["diff", str(clone), "--no-network", "--base", base]) == 2
    assert "partial clone" in capsys.readouterr().err


@pytest.mark.parametrize("rev", ["no-such-branch", "--output=/tmp/x", "HEAD\nx"])
def test_bad_revisions_are_usage_errors(
    repo: Path, tmp_path: Path, rev: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["diff", str(repo), "--no-network", f"--base={rev}"]) == 2
    assert "base revision" in capsys.readouterr().err


def test_unknown_report_format_is_a_usage_error(repo: Path) -> None:
    assert cli.main(["diff", str(repo), "--base", "HEAD", "--report", "html"]) == 2


def test_outside_a_repository_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["diff", str(tmp_path), "--base", "HEAD"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


HOOKS = (
    "pre-commit",
    "post-checkout",
    "post-index-change",
    "reference-transaction",
    "pre-auto-gc",
    "post-merge",
)


def test_hostile_repository_config_never_fires(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "fired"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{marker}'\n")
    script.chmod(0o755)
    base = git(repo, "rev-parse", "HEAD")
    deps = {"@antv/g2": "5.1.0", "@antv/l7": "2.20.0"}
    commit(repo, {"package-lock.json": lockfile(deps)}, "head")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in HOOKS:
        for folder in (hooks, repo / ".git" / "hooks"):
            shutil.copy(script, folder / name)
    git(repo, "config", "core.fsmonitor", str(script))
    git(repo, "config", "core.hooksPath", str(hooks))
    (repo / "package-lock.json").write_text(lockfile({"@antv/l7": "2.20.0"}))
    # The bait works: plain git status runs the fsmonitor program.
    git(repo, "status", "--short")
    assert marker.exists()
    marker.unlink()
    assert diff(repo, tmp_path, "--base", base, "--head", "HEAD")[0] == 1
    assert diff(repo, tmp_path, "--base", "HEAD")[0] == 0
    assert not marker.exists()


def test_inventory_at_a_revision_reads_what_a_tree_scan_reads(repo: Path, tmp_path: Path) -> None:
    lock = lockfile({"left-pad": "1.3.0"})
    manifest = json.dumps({"name": "svc", "dependencies": {"left-pad": "^1.3.0"}})
    commit(
        repo,
        {
            "package.json": manifest,  # superseded by the lockfile beside it
            "svc/requirements.txt": "requests==2.31.0\n",
            "node_modules/x/package-lock.json": lock,  # installed copies are not declarations
            "third_party/y/requirements.txt": "flask==3.0.0\n",
            "big/package-lock.json": lockfile({f"p{n}": "1.0.0" for n in range(50)}),
        },
        "tree",
    )
    (repo / "svc" / "link").mkdir()
    os.symlink("../requirements.txt", repo / "svc" / "link" / "requirements.txt")
    sha = commit(repo, {}, "link")
    at = gitrev.inventory_at(gitrev.open_repository(str(repo)), sha)
    tree = inventory_from_tree(str(repo))
    assert at.root == tree.root and at.metadata == {"revision": sha}
    # The worktree scan follows a link that stays inside the root; git objects never do.
    linked = "svc/link/requirements.txt"
    assert [f for f in tree.files if f.path != linked] == list(at.files)
    assert [f.path for f in at.files] == [
        "big/package-lock.json",
        "package-lock.json",
        "svc/requirements.txt",
    ]
    assert {c.purl for c in at.components} == {c.purl for c in tree.components}
    assert [(i.path, i.severity) for i in at.issues] == [(linked, "warning")]
    # Size limit (from git's object size, before reading) and a project folder of the repository.
    small = gitrev.inventory_at(gitrev.open_repository(str(repo / "big")), sha, max_bytes=1000)
    assert small.files == () and small.components == ()
    assert [(i.path, "over the 1000-byte limit" in i.message) for i in small.issues] == [
        ("package-lock.json", True)
    ]
