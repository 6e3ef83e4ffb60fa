"""`icts-scan pre-commit` on real git repositories, the generated hook manifest, and pre-commit itself.

The scenario (tests/fixtures/precommit/README.md): a project that already depends on one
China-linked package commits a lockfile change adding another; the hook reports exactly the
new one. The last two tests run the hook through pre-commit for real: it builds its own
environment and pip-installs a copy of this working tree, which needs a package index. Set
ICTS_SCAN_SKIP_PRE_COMMIT=1 only where pre-commit cannot create that environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sbom.formats import LAZY_PARSERS
from sbom.formats_index import FORMATS
from sbom.parser import Matcher
from scanner.cli import main
from scanner.net.endpoints import ENDPOINTS
from scripts.precommit_hooks import HOOKS_FILE, files_regex, hooks_yaml
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackServer

SCENARIO = FIXTURES / "precommit"
NEW = "pkg:npm/%40douyinfe/semi-animation@2.103.0"
BUMPED = "pkg:npm/%40antv/util@3.3.11"
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}


def git(cwd: Path, *args: str, hooks: bool = False, check: bool = True) -> str:
    """Run git in a test repository; its hooks only when asked (the pre-commit flow)."""
    opts = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    opts += ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    if not hooks:
        opts += ["-c", f"core.hooksPath={os.devnull}"]
    done = subprocess.run(
        ["git", *opts, *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=check,
    )
    return done.stdout + done.stderr


def put(state: str, dest: Path) -> None:
    for src in (SCENARIO / state).iterdir():
        shutil.copyfile(src, dest / src.name)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    for e in ENDPOINTS:  # an accidental request fails at once instead of leaving the machine
        monkeypatch.setenv(e.env, "http://127.0.0.1:9")
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline: None) -> Path:
    """HEAD: the `before` state, committed; working tree: the `after` state."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q")
    put("before", root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before")
    put("after", root)
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    """Exit code, all output, and the finding lines."""
    code = main(["pre-commit", *args])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    return code, out, [ln for ln in out.splitlines() if re.match(r"\S+:\d+: ", ln)]


def test_reports_exactly_the_new_linked_package(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, lines = run(capsys, "package-lock.json", "package.json")
    assert code == 1
    assert lines == [
        f"package-lock.json:27: high development {NEW} → Douyin (CN): Tied to Douyin through "
        "its namespace @douyinfe (@douyinfe/semi-animation), which is in CN."
    ]
    assert "new in package-lock.json since HEAD" in out
    # Offline, nothing is known of the new and bumped packages' registry records, and that is
    # said (the namespace alone links semi-animation and util).
    assert "3 component(s) with unknown provenance (offline)" in out
    assert "`icts-scan explain development`" in out and "[[waivers]]" in out
    assert "package.json" not in out  # a manifest beside its lockfile adds nothing


def test_all_or_unchanged_files_are_checked_in_full(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, lines = run(capsys, "--all", "package-lock.json")
    assert code == 1 and [ln.split()[3] for ln in lines] == [BUMPED, NEW]
    git(project, "commit", "-qam", "after")
    # Unchanged since HEAD (`pre-commit run --all-files`, CI): the whole file was asked about.
    code, out, lines = run(capsys, "package-lock.json")
    assert code == 1 and [ln.split()[3] for ln in lines] == [BUMPED, NEW]
    assert "all of package-lock.json" in out


def test_baseline_from_pre_commit_ref_or_option(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = git(project, "rev-parse", "HEAD").strip()
    git(project, "commit", "-qam", "after")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", first)  # set by pre-commit for pre-push runs
    code, _, lines = run(capsys, "package-lock.json")
    assert code == 1 and [ln.split()[3] for ln in lines] == [NEW]
    monkeypatch.delenv("PRE_COMMIT_FROM_REF")
    code, out, lines = run(capsys, "--base", first, "package-lock.json")
    assert code == 1 and [ln.split()[3] for ln in lines] == [NEW]
    assert f"since {first[:12]}" in out
    code, out, _ = run(capsys, "--base", "no-such-rev", "package-lock.json")
    assert code == 2 and "no-such-rev is not in this clone" in out


def test_lockfile_in_a_subfolder_from_the_root_or_the_subfolder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    offline: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    web = tmp_path / "web"
    web.mkdir()
    git(tmp_path, "init", "-q")
    put("before", web)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "before")
    put("after", web)
    monkeypatch.chdir(tmp_path)
    code, _, lines = run(capsys, "web/package-lock.json", "web/package.json")
    assert code == 1 and lines == [ln for ln in lines if ln.startswith("web/package-lock.json:27:")]
    assert [ln.split()[3] for ln in lines] == [NEW]
    monkeypatch.chdir(web)
    code, _, lines = run(capsys, "package-lock.json")
    assert code == 1 and [ln.split(":")[0] for ln in lines] == ["package-lock.json"]
    assert [ln.split()[3] for ln in lines] == [NEW]


def test_removals_and_reformatting_add_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(project, "commit", "-qam", "after")
    put("before", project)  # semi-animation removed; @antv/util back to the same findings
    code, out, lines = run(capsys, "package-lock.json")
    assert (code, lines) == (0, [])
    assert "no finding at or above high (new in package-lock.json since HEAD)" in out
    lock = project / "package-lock.json"
    put("after", project)
    lock.write_text(json.dumps(json.loads(lock.read_text()), indent=1))
    code, out, lines = run(capsys, "package-lock.json")
    assert (code, lines) == (0, [])
    assert "no component added to package-lock.json since HEAD" in out


def test_outside_git_everything_is_checked(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    offline: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put("after", tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, lines = run(capsys, "package-lock.json")
    assert code == 1 and [ln.split()[3] for ln in lines] == [BUMPED, NEW]


def test_waiver_accepts_the_exact_version(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".icts-scan.toml").write_text(
        "[[waivers]]\n"
        f'id = "W1"\npurl = "{NEW}"\ncheck = "development"\nreason = "reviewed"\n'
        'approver = "sec"\ndate = 2026-01-01\nexpires = 2099-01-01\n'
    )
    code, out, lines = run(capsys, "package-lock.json")
    assert (code, lines) == (0, [])
    assert "1 covered by waivers" in out


def test_waiver_of_the_old_version_does_not_cover_the_bump(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".icts-scan.toml").write_text(
        "[[waivers]]\n"
        'id = "W-antv"\npurl = "pkg:npm/%40antv/util@3.3.10"\ncheck = "development"\n'
        'reason = "reviewed"\napprover = "sec"\ndate = 2026-01-01\nexpires = 2099-01-01\n'
    )
    code, out, lines = run(capsys, "package-lock.json")
    # The bump is not new (as in `icts-scan diff`), but the waiver no longer covers it.
    assert code == 1 and [ln.split()[3] for ln in lines] == [NEW]
    assert f"waiver W-antv covers pkg:npm/%40antv/util@3.3.10, not {BUMPED}: review" in out


def test_fail_on_threshold(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, lines = run(capsys, "--fail-on", "critical", "package-lock.json")
    assert (code, lines) == (0, [])
    assert "no finding at or above critical" in out and "1 below critical (not blocking):" in out
    # Named one per line, so the author sees what came in without being blocked.
    assert f"  package-lock.json:27: high development {NEW} → Douyin (CN)" in out


def test_nothing_to_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys) == (0, "", [])
    (project / "README.md").write_text("hello\n")
    assert run(capsys, "README.md", "package.json") == (0, "", [])


def test_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".icts-scan.toml").write_text('fail_onn = "high"\n')
    code, out, _ = run(capsys, "package-lock.json")
    assert code == 2 and "unknown key 'fail_onn'; did you mean 'fail-on'?" in out
    (project / ".icts-scan.toml").unlink()
    (project / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {')
    code, out, _ = run(capsys, "package-lock.json")  # unreadable: reported, never blocking
    assert code == 0 and "error: package-lock.json" in out


def test_only_changed_packages_are_looked_up_and_only_online(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with LoopbackServer() as server:
        for e in ENDPOINTS:
            monkeypatch.setenv(e.env, server.base_url)
        code, _, _ = run(capsys, "package-lock.json")
        assert code == 1 and server.requests == []  # offline: the cache and the feeds only
        code, out, _ = run(capsys, "--online", "package-lock.json")
        asked = {s.path for s in server.requests if s.path.count("/") == 1}
    assert code == 1 and "(no source answered)" in out
    # The new packages, and both versions of the bumped one (to compare); nothing unchanged.
    assert asked == {"/@douyinfe%2Fsemi-animation", "/bezier-easing", "/@antv%2Futil"}


# -- the hook manifest -----------------------------------------------------------------------


def test_hook_manifest_is_generated_and_valid() -> None:
    from pre_commit.clientlib import load_manifest  # type: ignore[import-untyped]

    assert HOOKS_FILE.read_text(encoding="utf-8") == hooks_yaml(), (
        "run: python scripts/precommit_hooks.py"
    )
    hooks = {h["id"]: h for h in load_manifest(str(HOOKS_FILE))}
    assert hooks["icts-scan"]["entry"] == "icts-scan pre-commit"
    assert hooks["icts-scan"]["language"] == "python" and hooks["icts-scan"]["require_serial"]
    assert "pre-commit" in hooks["icts-scan"]["stages"]
    assert hooks["icts-scan-online"]["stages"] == ["manual"]
    assert "--online" in hooks["icts-scan-online"]["entry"]


def _example(pattern: str) -> str:
    return pattern.replace("*", "x").replace("?", "x")


MATCHER = Matcher(LAZY_PARSERS)
FILES = re.compile(files_regex())
PATTERNS = sorted({p for entry in FORMATS for p in entry[2]})


@pytest.mark.parametrize("pattern", PATTERNS)
def test_files_regex_covers_every_pattern(pattern: str) -> None:
    for path in (_example(pattern), "a/b/" + _example(pattern)):
        assert FILES.search(path), path
        assert MATCHER.match(path), path
    for near in (
        _example(pattern) + ".bak",
        _example(pattern) + "/x",
        "a/" + _example(pattern).upper(),
    ):
        assert bool(FILES.search(near)) == bool(MATCHER.match(near)), near


_PIECES = sorted(
    {piece for p in PATTERNS for piece in _example(p).split("/")}
    | {"x", "vendor", "src", ".github", "workflows", "requirements", "a.b", "lock", "txt"}
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4),
    st.sampled_from(["", ".txt", ".toml", ".bak", "x", ".lock"]),
)
def test_files_regex_agrees_with_the_scanner(parts: list[str], suffix: str) -> None:
    path = "/".join(parts) + suffix
    assert bool(FILES.search(path)) == bool(MATCHER.match(path)), path


# -- pre-commit itself -----------------------------------------------------------------------

needs_pre_commit_env = pytest.mark.skipif(
    os.environ.get("ICTS_SCAN_SKIP_PRE_COMMIT") == "1",
    reason="ICTS_SCAN_SKIP_PRE_COMMIT=1: pre-commit cannot create its environment here",
)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree, uncommitted changes included, committed in a scratch repository."""
    dest = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(
        ["git", "-c", f"core.hooksPath={os.devnull}", "ls-files", "-z", "--cached", "--others",
         "--exclude-standard"],
        cwd=REPO, env={**os.environ, **GIT_ENV}, capture_output=True, check=False,
    )  # fmt: skip
    names = [n for n in listed.stdout.decode().split("\0") if n] if listed.returncode == 0 else []
    if not names:  # not a git checkout: everything but build leftovers
        names = [
            str(p.relative_to(REPO))
            for p in REPO.rglob("*")
            if p.is_file() and not {".git", ".venv", "__pycache__"} & set(p.parts)
        ]
    for name in names:
        if name.startswith(("tests/", "benchmarks/")) or not (REPO / name).is_file():
            continue  # the hook's environment installs the package: tests are not needed
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "hook under test")
    return dest


@pytest.fixture
def hook_env(offline: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.getbasetemp() / "pre-commit-home"  # one store for the session
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@needs_pre_commit_env
def test_try_repo_reports_the_new_linked_package(
    project: Path, hook_repo: Path, hook_env: dict[str, str]
) -> None:
    git(project, "add", "-A")
    done = _pre_commit(
        "try-repo", str(hook_repo), "icts-scan", "--files", "package-lock.json", "package.json",
        cwd=project, env=hook_env,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "icts-scan (foreign-adversary provenance, offline)" in out and "Failed" in out
    assert f"package-lock.json:27: high development {NEW} → Douyin (CN)" in out
    assert "@antv/util" not in out


@needs_pre_commit_env
def test_installed_hook_blocks_the_commit_until_waived(
    tmp_path: Path, hook_repo: Path, hook_env: dict[str, str]
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    git(root, "init", "-q")
    put("before", root)
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: icts-scan\n"
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before")
    assert _pre_commit("install", cwd=root, env=hook_env).returncode == 0
    put("after", root)
    git(root, "add", "-A")
    env_git = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    commit = subprocess.run(
        ["git", *env_git, "commit", "-m", "add semi-animation"],
        cwd=root, env=hook_env, capture_output=True, text=True,
    )  # fmt: skip
    out = commit.stdout + commit.stderr
    assert commit.returncode != 0, out
    assert f"package-lock.json:27: high development {NEW}" in out and "@antv/util" not in out
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    (root / ".icts-scan.toml").write_text(
        "[[waivers]]\n"
        f'id = "W1"\npurl = "{NEW}"\ncheck = "development"\nreason = "reviewed"\n'
        'approver = "sec"\ndate = 2026-01-01\nexpires = 2099-01-01\n'
    )
    git(root, "add", "-A")
    commit = subprocess.run(
        ["git", *env_git, "commit", "-m", "add semi-animation (waived)"],
        cwd=root, env=hook_env, capture_output=True, text=True,
    )  # fmt: skip
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "Passed" in commit.stdout + commit.stderr
