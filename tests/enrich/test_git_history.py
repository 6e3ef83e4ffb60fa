"""git source: commit e-mail domains of local checkouts, without running anything they configure."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sbom.ecosystems.github import gitmodules
from sbom.model import Component, Inventory, Location
from scanner.enrich import git_history
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich

NAMES = ("Jane Roe", "Sam Poe", "Release Bot")  # must never reach a fact


def git(cwd: Path, *args: str, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, **env)
    done = subprocess.run(["git", *args], cwd=cwd, env=base, capture_output=True, check=True)
    return done.stdout.decode().strip()


def commit(repo: Path, email: str, tz: str = "+0000", when: str = "2025-03-01T12:00:00",
           name: str = "Jane Roe", committer: str = "ci@build.example") -> None:  # fmt: skip
    git(
        repo, "commit", "-q", "--allow-empty", "-m", f"change by {email}",
        GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=f"{when} {tz}",
        GIT_COMMITTER_NAME="Release Bot", GIT_COMMITTER_EMAIL=committer,
        GIT_COMMITTER_DATE=f"{when} {tz}",
    )  # fmt: skip


def init(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def two_domains(path: Path) -> Path:
    repo = init(path)
    for _ in range(3):
        commit(repo, "jane@alpha.example", "+0200")
    commit(repo, "wei@Beta.Example", "-0500", name="Sam Poe")
    return repo


def ctx_at(make_ctx: Callable[..., Context], root: Path) -> Context:
    ctx = make_ctx()
    ctx.root = str(root)
    return ctx


def path_dep(source_url: str, lockfile: str = "app/package-lock.json") -> Component:
    return Component(
        "pkg:npm/vendored@1.0.0", "npm", "vendored", "1.0.0",
        source_kind="path", source_url=source_url, locations=(Location(lockfile, 3),),
    )  # fmt: skip


def by_value(
    result: SourceResult, kind: str = "commit-email-domain", role: str = "author"
) -> dict[str, dict[str, str]]:
    facts = (f for f in result.facts if f.kind == kind and dict(f.attrs)["role"] == role)
    return {f.value: dict(f.attrs) for f in facts}


def assert_no_names(result: SourceResult) -> None:
    text = repr(result.facts)
    assert not any(name in text for name in NAMES)


def test_path_dependency_checkout_domains_counts_and_offsets(
    tmp_path: Path, make_ctx: Callable[..., Context]
) -> None:
    two_domains(tmp_path / "vendor" / "lib")
    (tmp_path / "app").mkdir()
    result = git_history.enrich(path_dep("file:../vendor/lib"), ctx_at(make_ctx, tmp_path))
    assert result.status.status == "ok"
    authors = by_value(result)
    assert authors["alpha.example"]["count"] == "3" and authors["alpha.example"]["share"] == "0.750"
    assert authors["beta.example"]["commits"] == "4" and "build.example" not in authors
    committers = by_value(result, role="committer")
    assert (committers["build.example"]["count"], committers["build.example"]["share"]) == (
        "4", "1.000"
    )  # fmt: skip
    assert all(f.strength == "self-declared" for f in result.facts)
    assert {f.url for f in result.facts} == {"vendor/lib"}
    assert all(
        f.retrieved.endswith("Z") and f.purl == "pkg:npm/vendored@1.0.0" for f in result.facts
    )
    (tz,) = result.facts[-1:]
    assert (tz.kind, tz.value) == ("commit-tz-offset", "UTC-05:00=1, UTC+02:00=3")
    assert dict(tz.attrs)["use"] == "informational" and dict(tz.attrs)["UTC+02:00"] == "3"
    assert_no_names(result)


def test_signed_commits_are_counted_not_verified(tmp_path: Path) -> None:
    repo = init(tmp_path / "r")
    commit(repo, "jane@alpha.example")
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    parent = git(repo, "rev-parse", "HEAD")
    signature = "-----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----"
    raw = (
        f"tree {tree}\nparent {parent}\n"
        "author Jane Roe <jane@alpha.example> 1740830400 +0000\n"
        "committer Jane Roe <jane@alpha.example> 1740830400 +0000\n"
        f"gpgsig {signature}\n\nsigned (not really)\n"
    )
    sha = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo, input=raw.encode(), capture_output=True, check=True,
    ).stdout.decode().strip()  # fmt: skip
    git(repo, "update-ref", "refs/heads/main", sha)
    result = git_history.history(str(repo), "pkg:generic/r", "r")
    assert by_value(result)["alpha.example"]["gpgsig-unverified"] == "1"


def test_submodule_checkout_and_uninitialised_submodule(
    tmp_path: Path, make_ctx: Callable[..., Context]
) -> None:
    two_domains(tmp_path / "upstream")
    top = init(tmp_path / "project")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q",
        str(tmp_path / "upstream"), "libs/up")  # fmt: skip
    commit(top, "owner@project.example")
    parsed = gitmodules.parse((top / ".gitmodules").read_text(), ".gitmodules")
    (sub,) = parsed.components
    result = git_history.enrich(sub, ctx_at(make_ctx, top))
    assert result.status.status == "ok", result.status
    assert set(by_value(result)) == {"alpha.example", "beta.example"}
    assert result.facts[0].url == "libs/up"
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(top), str(clone))  # no --recurse-submodules
    missing = git_history.enrich(sub, ctx_at(make_ctx, clone))
    assert missing.status.status == "skipped" and "not checked out" in missing.status.reason


def test_scanned_repository_and_a_folder_of_it(tmp_path: Path) -> None:
    repo = two_domains(tmp_path / "mono")
    (repo / "svc").mkdir()
    (repo / "svc" / "x.txt").write_text("x")
    git(repo, "add", "svc")
    commit(repo, "dev@svc.example")
    whole = git_history.repository_facts(str(repo))
    assert whole.status.status == "ok" and {f.purl for f in whole.facts} == {""}
    assert "svc.example" in by_value(whole)
    folder = git_history.repository_facts(str(repo / "svc"))
    assert set(by_value(folder)) == {"svc.example"}
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git_history.repository_facts(str(plain)).status.status in ("not-applicable", "ok")


def test_window_is_bounded_by_count_and_age(tmp_path: Path) -> None:
    repo = init(tmp_path / "r")
    commit(repo, "old@old.example", when="2019-01-01T00:00:00")
    for _ in range(3):
        commit(repo, "new@new.example", when="2025-01-01T00:00:00")
    recent = git_history.history(str(repo), "p", "r", window_days=730)
    assert set(by_value(recent)) == {"new.example"}
    assert by_value(recent)["new.example"]["since"] == "2023-01-02"
    last_two = git_history.history(str(repo), "p", "r", max_commits=2, window_days=10_000)
    assert by_value(last_two)["new.example"]["commits"] == "2"


ARMED = """#!/bin/sh
echo "$0 $*" >> "{marker}"
exit 1
"""
HOOKS = ("pre-commit", "post-commit", "post-checkout", "post-index-change",
         "reference-transaction", "fsmonitor-watchman", "pre-auto-gc", "post-rewrite")  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="shell hooks")
def test_hostile_repository_config_never_runs(
    tmp_path: Path, make_ctx: Callable[..., Context]
) -> None:
    marker = tmp_path / "MARKER"
    evil = tmp_path / "evil.sh"
    evil.write_text(ARMED.format(marker=marker))
    evil.chmod(0o755)
    root = tmp_path / "project"
    repo = two_domains(root / "vendor" / "lib")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in HOOKS:
        for folder in (hooks, repo / ".git" / "hooks"):
            (folder / name).write_text(ARMED.format(marker=marker))
            (folder / name).chmod(0o755)
    for key, value in (("core.fsmonitor", str(evil)), ("core.hooksPath", str(hooks)),
                       ("log.showSignature", "true"), ("gpg.program", str(evil)),
                       ("core.pager", str(evil)), ("diff.external", str(evil))):  # fmt: skip
        git(repo, "config", key, value)
    # The fixture is armed: ordinary porcelain in this checkout does run the program.
    git(repo, "status")
    assert marker.exists()
    marker.unlink()
    (root / "app").mkdir()
    result = git_history.enrich(path_dep("../vendor/lib"), ctx_at(make_ctx, root))
    assert result.status.status == "ok"
    assert git_history.history(str(repo), "", ".").status.status == "ok"
    assert not marker.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="shell hooks")
def test_partial_clone_lazy_fetch_is_blocked(tmp_path: Path) -> None:
    """A missing object in a promisor repository makes git fetch it, running uploadpack."""
    marker = tmp_path / "MARKER"
    evil = tmp_path / "evil.sh"
    evil.write_text(ARMED.format(marker=marker))
    evil.chmod(0o755)
    repo = init(tmp_path / "r")
    commit(repo, "a@alpha.example", when="2025-01-01T00:00:00")
    parent = git(repo, "rev-parse", "HEAD")
    commit(repo, "a@alpha.example", when="2025-01-02T00:00:00")
    (repo / ".git" / "objects" / parent[:2] / parent[2:]).unlink()
    for key, value in (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                       ("remote.origin.url", str(repo)), ("remote.origin.promisor", "true"),
                       ("remote.origin.uploadpack", str(evil))):  # fmt: skip
        git(repo, "config", key, value)
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "rev-list", "HEAD")
    assert marker.exists()  # armed: plain git would have run it
    marker.unlink()
    result = git_history.history(str(repo), "p", "r")
    assert result.status.status == "error"
    assert result.status.reason.startswith(("git: error:", "git: fatal:")), result.status.reason
    assert not marker.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/zero")
def test_config_includes_are_refused_before_anything_reads_them(tmp_path: Path) -> None:
    repo = two_domains(tmp_path / "r")
    git(repo, "config", "include.path", "/dev/zero")  # GitPython would read it forever
    result = git_history.history(str(repo), "p", "r")
    assert result.status.status == "error" and "include" in result.status.reason


def test_not_applicable_skipped_and_broken(
    tmp_path: Path, make_ctx: Callable[..., Context]
) -> None:
    root = init(tmp_path / "project")
    (root / "libs" / "plain").mkdir(parents=True)
    (root / "libs" / "broken" / ".git").mkdir(parents=True)
    (root / "libs" / "linked").mkdir()
    (root / "libs" / "linked" / ".git").symlink_to(root / ".git")
    empty = init(root / "libs" / "empty")
    ctx = ctx_at(make_ctx, root)
    registry = Component("pkg:npm/x@1.0.0", "npm", "x", "1.0.0")
    assert git_history.enrich(registry, ctx).status.status == "not-applicable"
    assert git_history.enrich(path_dep("libs/plain", "package-lock.json"), ctx).status.status == (
        "not-applicable"
    )
    outside = git_history.enrich(path_dep("../../elsewhere"), ctx)
    assert outside.status.status == "skipped" and "outside" in outside.status.reason
    broken = git_history.enrich(path_dep("libs/broken", "package-lock.json"), ctx)
    assert broken.status.status == "error"
    assert broken.status.reason.startswith("unreadable repository: InvalidGitRepositoryError")
    linked = git_history.enrich(path_dep("libs/linked", "package-lock.json"), ctx)
    assert linked.status.status == "error" and "symbolic link" in linked.status.reason
    fresh = git_history.history(str(empty), "p", "libs/empty")
    assert (fresh.status.status, fresh.status.reason, fresh.facts) == ("ok", "no commits", ())
    no_root = make_ctx()
    assert git_history.enrich(path_dep("libs/plain"), no_root).status.status == "skipped"


def test_runner_reports_git_facts_per_component(
    tmp_path: Path, make_ctx: Callable[..., Context]
) -> None:
    two_domains(tmp_path / "vendor" / "lib")
    comp = path_dep("vendor/lib", "package-lock.json")
    out = enrich(Inventory(root=str(tmp_path), components=(comp,)), ctx_at(make_ctx, tmp_path),
                 [git_history])  # fmt: skip
    prov = out.provenance[comp.purl]
    assert prov.known and {f.source for f in prov.facts} == {"git"}


def test_without_gitpython_the_source_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = two_domains(tmp_path / "r")
    monkeypatch.setitem(sys.modules, "git", None)  # as where no git executable is installed
    result = git_history.history(str(repo), "p", "r")
    assert result.status.status == "skipped" and "GitPython" in result.status.reason
