"""Local git history: commit e-mail domains (self-declared); time zones informational, never grounds."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sbom.model import Component
from scanner.enrich import git_checkout as checkouts
from scanner.enrich.context import Context, FactBuilder, not_applicable, utc_iso
from scanner.enrich.model import SourceResult, SourceStatus, Status

if TYPE_CHECKING:
    from git import Repo
    from git.exc import GitCommandError

NAME = "git"
# Reads the scanned tree, which changes without a TTL: never kept between scans.
LOCAL = True
ECOSYSTEMS = ("*",)

MAX_COMMITS = 500
# Counted back from the newest commit, so that a checkout pinned years ago still counts.
WINDOW_DAYS = 730
MAX_DOMAINS = 100  # per role: a hostile history must not flood the report
_MAX_COMMIT = 1 << 20
# GitPython cannot kill a hung git on Windows.
_KILL = {} if sys.platform == "win32" else {"kill_after_timeout": 60.0}

# Only `git rev-parse`, `rev-list` and `cat-file` run, and only with these. The scanned tree
# controls its .git/config: fsmonitor and hooks would run programs, and a partial clone's lazy
# fetch runs `remote.*.uploadpack`; no transport at all is allowed. Mailmap is not applied:
# it is a file in the tree, and the commits' own identities are what is reported.
GIT_CONFIG = ["core.fsmonitor=false", f"core.hooksPath={os.devnull}", "protocol.allow=never"]
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_OPTIONAL_LOCKS": "0",
}
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_DOMAIN = re.compile(r"[\w.-]{1,253}")


def enrich(component: Component, ctx: Context) -> SourceResult:
    """History of the checkout a submodule or path dependency points to, inside the scanned tree."""
    if component.source_kind not in ("vcs", "path") or not component.source_url:
        return not_applicable(NAME)
    if not ctx.root:
        return _status("skipped", "no scanned tree to find the checkout in")
    root = os.path.realpath(ctx.root)
    found = checkouts.checkout(component, root)
    if found is None:
        return not_applicable(NAME)
    path, submodule = found
    top = checkouts.top(root) or root
    if not checkouts.inside(os.path.realpath(path), root):
        return _status("skipped", f"{component.source_url} is outside the scanned tree")
    if os.path.realpath(path) == top:
        return _status("not-applicable", "the scanned repository itself: see repository_facts")
    if not os.path.lexists(os.path.join(path, ".git")):
        # A submodule that was not initialised is unknown; a plain folder has no history.
        if submodule:
            return _status("skipped", f"submodule {_rel(path, root)} is not checked out")
        return not_applicable(NAME)
    return history(path, component.purl, _rel(path, root), allowed=top)


def repository_facts(root: str, ctx: Context | None = None) -> SourceResult:
    """History of the scanned repository; facts carry purl "" (the project, as in Relationship).

    When ``root`` is a folder of a larger repository, only commits touching it count.
    """
    real = os.path.realpath(root)
    top = checkouts.top(real)
    if top is None:
        return not_applicable(NAME)
    sub = os.path.relpath(real, top)
    paths = () if sub == "." else (sub.replace(os.sep, "/"),)
    return history(top, "", ".", paths=paths)


def history(
    path: str,
    purl: str,
    label: str,
    allowed: str | None = None,
    paths: tuple[str, ...] = (),
    max_commits: int = MAX_COMMITS,
    window_days: int = WINDOW_DAYS,
) -> SourceResult:
    """Facts from the last ``max_commits`` commits (within ``window_days``) of a checkout."""
    try:  # imported here: GitPython refuses to import at all where git is not installed
        from git import Repo
        from git.exc import GitCommandError, GitError
    except ImportError as exc:
        return _status("skipped", f"GitPython unavailable: {str(exc).splitlines()[0]}", label)
    try:
        git_dir = checkouts.preflight(path, allowed)
        with Repo(path) as repo:
            repo.git.update_environment(**GIT_ENV)
            repo.git.set_persistent_git_options(c=GIT_CONFIG, git_dir=git_dir)
            head = _head(repo)
            if head is None:
                return _status("ok", "no commits", label)
            listed = _listed(repo, head, paths, max_commits)
            cutoff = listed[0][0] - window_days * 86400 if listed else 0
            return _facts(repo, purl, label, head, [s for t, s in listed if t >= cutoff], cutoff)
    except checkouts.Refused as exc:
        return _status("error", str(exc), label)
    except GitCommandError as exc:
        return _status("error", f"git: {_stderr(exc)}", label)
    except (GitError, OSError, ValueError) as exc:
        return _status("error", f"unreadable repository: {type(exc).__name__}: {exc}"[:300], label)


def _facts(
    repo: Repo, purl: str, label: str, head: str, shas: list[str], cutoff: int
) -> SourceResult:
    from git.objects import Commit

    roles: dict[str, Counter[str]] = {"author": Counter(), "committer": Counter()}
    signed: Counter[str] = Counter()
    offsets: Counter[int] = Counter()
    read = unreadable = 0
    for sha in shas:
        try:
            binsha = bytes.fromhex(sha)
            info = repo.odb.info(binsha)
            if info.type not in (b"commit", "commit") or info.size > _MAX_COMMIT:
                unreadable += 1
                continue
            commit = Commit(repo, binsha)
            author, committer = _domain(commit.author.email), _domain(commit.committer.email)
            offsets[-int(commit.author_tz_offset)] += 1  # GitPython stores seconds *west* of UTC
            signature = bool(commit.gpgsig)
        except Exception:  # a hostile or corrupt object counts as unreadable, never aborts
            unreadable += 1
            continue
        read += 1
        for role, domain in (("author", author), ("committer", committer)):
            if domain:
                roles[role][domain] += 1
        if author and signature:
            signed[author] += 1
    if read == 0 and unreadable:
        return _status("error", f"none of {unreadable} commits could be read", label)
    facts = FactBuilder(purl, NAME, url=label)
    facts.retrieved = utc_iso(datetime.now(timezone.utc))
    window = {"commits": str(read), "head": head}
    window["since"] = datetime.fromtimestamp(max(cutoff, 0), timezone.utc).date().isoformat()
    if unreadable:
        window["unreadable"] = str(unreadable)
    for role, counts in roles.items():
        for domain, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_DOMAINS]:
            attrs = {"role": role, "count": str(n), "share": f"{n / read:.3f}", **window}
            if role == "author":  # a gpgsig header is present; nothing here verifies it
                attrs["gpgsig-unverified"] = str(signed[domain])
            facts.add("commit-email-domain", domain, f"{role}.email", "self-declared", **attrs)
    if offsets:
        # Informational only (DESIGN §2): never a ground for a finding, alone or combined.
        hist = {_utc(off): str(n) for off, n in sorted(offsets.items())[:48]}
        value = ", ".join(f"{k}={v}" for k, v in hist.items())
        attrs = {"role": "author", "use": "informational", **window, **hist}
        facts.add("commit-tz-offset", value, "author_tz_offset", "self-declared", **attrs)
    return facts.result()


def _head(repo: Repo) -> str | None:
    """The commit HEAD names, or None for a repository without commits yet."""
    quiet = {"with_extended_output": True, "with_exceptions": False, **_KILL}
    status, out, err = repo.git.rev_parse("--verify", "-q", "HEAD^{commit}", **quiet)
    sha = str(out).strip()
    if status == 0 and _SHA.fullmatch(sha):
        return sha
    if status == 1 and not str(err).strip():
        return None
    raise checkouts.Refused(f"git rev-parse HEAD: {str(err).strip()[:200] or f'exit {status}'}")


def _listed(
    repo: Repo, head: str, paths: tuple[str, ...], max_commits: int
) -> list[tuple[int, str]]:
    """(commit time, sha), newest first, as ``git rev-list`` walks them."""
    out = repo.git.rev_list(
        "--timestamp", f"--max-count={max_commits}", head, "--", *paths, **_KILL
    )
    listed = []
    for line in str(out).splitlines():
        stamp, _, sha = line.partition(" ")
        if stamp.isdigit() and _SHA.fullmatch(sha):
            listed.append((int(stamp), sha))
    return listed


def _domain(email: object) -> str | None:
    _, at, domain = str(email or "").rpartition("@")
    domain = domain.strip().strip("<>").rstrip(".").lower()
    return domain if at and _DOMAIN.fullmatch(domain) else None


def _utc(east: int) -> str:
    hours, minutes = divmod(abs(east) // 60, 60)
    return f"UTC{'-' if east < 0 else '+'}{hours:02d}:{minutes:02d}"


def _rel(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _stderr(exc: GitCommandError) -> str:
    lines = [ln.strip() for ln in str(exc.stderr or "").splitlines() if ln.strip()]
    text = next(
        (ln for ln in lines if ln.startswith(("fatal:", "error:"))), lines[0] if lines else ""
    )
    return text.removeprefix("stderr: ").strip("'")[:200] or f"exit {exc.status}"


def _status(status: Status, reason: str, url: str | None = None) -> SourceResult:
    return SourceResult(SourceStatus(NAME, status, reason, url))
