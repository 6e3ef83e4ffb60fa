"""Lockfiles and manifests at a git revision, read from git objects: no checkout, no hooks."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sbom.build import default_parsers, one_record_per_use, plan
from sbom.discover import skipped
from sbom.merge import merge
from sbom.model import Inventory, ParseIssue, ParseResult, SourceFile
from sbom.parser import Matcher, Parser
from sbom.read import MAX_FILE_BYTES, parse_bytes
from scanner.enrich.git_history import GIT_CONFIG, GIT_ENV
from scanner.text import plain

# The same hardening as the git history source: the scanned repository's own config must never
# run a program (fsmonitor, hooks) nor reach a remote (a partial clone's lazy fetch).

TIMEOUT = 120.0
_LINK = "120000"  # a symbolic link's blob holds its target path, not the file
_HINT = "fetch it (actions/checkout with fetch-depth: 0, or git fetch --depth=1 origin {rev})"


class RevisionError(Exception):
    """A revision or repository that cannot be read; the message says what to do (exit 2)."""


@dataclass(frozen=True)
class Repository:
    """A scanned folder inside a git work tree."""

    path: str
    """The scanned folder (absolute); inventories are relative to it, as for a tree scan."""
    top: str
    """The work tree's top folder (the one holding ``.git``)."""
    prefix: str
    """The scanned folder inside the work tree, ``""`` or ending in ``/``."""


def open_repository(path: str) -> Repository:
    """The git work tree that holds ``path``; RevisionError when there is none."""
    real = os.path.realpath(path)
    current = real
    while not os.path.lexists(os.path.join(current, ".git")):
        parent = os.path.dirname(current)
        if parent == current:
            raise RevisionError(f"{path} is not inside a git repository")
        current = parent
    rel = os.path.relpath(real, current).replace(os.sep, "/")
    return Repository(os.path.abspath(path), current, "" if rel == "." else rel + "/")


def _command(repo: Repository, *args: str) -> list[str]:
    options = [o for item in GIT_CONFIG for o in ("-c", item)]
    # Command-line config is trusted for safe.directory: only this work tree, only this run.
    options += ["-c", f"safe.directory={repo.top}"]
    return ["git", *options, "-C", repo.top, *args]


def _env() -> dict[str, str]:
    # A caller's GIT_DIR / GIT_INDEX_FILE (a hook, pre-commit) would point git elsewhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, **GIT_ENV, "LC_ALL": "C"}


def _git(repo: Repository, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            _command(repo, *args),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=_env(),
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise RevisionError(f"cannot run git: {exc}") from None


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return (text[-1] if text else f"exit {proc.returncode}")[:300]


def resolve(repo: Repository, rev: str, role: str = "base") -> str:
    """The commit ``rev`` names; a missing one (shallow clone) fails with how to fetch it."""
    if not rev or rev.startswith("-") or any(ch in rev for ch in "\0\n\r"):
        raise RevisionError(f"{role} revision {rev!r} is not a revision name")
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
    sha = proc.stdout.decode("ascii", "replace").strip()
    if proc.returncode == 0 and len(sha) in (40, 64):
        return sha
    if proc.returncode == 1 and not proc.stderr.strip():
        shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        note = " (this is a shallow clone)" if shallow else ""
        raise RevisionError(
            f"{role} revision {rev} is not in this clone{note}; {_HINT.format(rev=rev)}"
        )
    raise RevisionError(f"{role} revision {rev}: git: {_stderr(proc)}")


@dataclass(frozen=True)
class _Entry:
    path: str  # relative to the scanned folder
    mode: str
    sha: str
    size: int


def _tree(repo: Repository, commit: str, paths: Sequence[str] = ()) -> Iterator[_Entry]:
    """The blobs of ``commit`` under the scanned folder (only ``paths`` when given).

    Fails closed: an entry git cannot size (its object is missing or damaged) or a path with
    a ``..`` segment (a crafted tree; git fsck refuses them) stops the run, rather than
    leaving a file out of the comparison.
    """
    where = [repo.prefix + p for p in paths]
    # Literal pathspecs: a file name with "*" or ":(glob)" names that file, nothing else.
    args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "-l", "--full-tree", commit]
    proc = _git(repo, *args, *(["--", *where] if paths else []))
    if proc.returncode != 0:
        hint = "; this partial clone lacks its objects: fetch the revision in full"
        hint = hint if b"promisor" in proc.stderr else ""
        raise RevisionError(f"cannot list {commit[:12]}: git: {_stderr(proc)}{hint}")
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, tab, raw = record.partition(b"\t")
        fields = meta.split()
        path = raw.decode("utf-8", "surrogateescape")
        if not tab or len(fields) != 4:
            raise RevisionError(f"git ls-tree of {commit[:12]} gave an unreadable line")
        if any(part in ("", ".", "..") for part in path.split("/")):
            raise RevisionError(f"the tree of {commit[:12]} names {plain(path)!r}: refused")
        # Submodules (type commit) have no content here; trees do not appear with -r.
        if fields[1] != b"blob" or not path.startswith(repo.prefix):
            continue
        if not fields[3].isdigit():
            raise RevisionError(
                f"{plain(path)}: object {fields[2].decode()[:12]} of {commit[:12]} is missing "
                "or damaged in this clone; fetch the revision again (git fsck says more)"
            )
        size = int(fields[3])
        yield _Entry(path[len(repo.prefix) :], fields[0].decode(), fields[2].decode(), size)


def _blobs(repo: Repository, shas: list[str]) -> Iterator[tuple[str, bytes]]:
    """Each blob's bytes through one ``git cat-file --batch``, one at a time (bounded memory)."""
    try:
        proc = subprocess.Popen(
            _command(repo, "cat-file", "--batch"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
    except OSError as exc:
        raise RevisionError(f"cannot run git: {exc}") from None
    assert proc.stdin is not None and proc.stdout is not None
    # A watchdog, since a pipe read has no timeout of its own.
    watchdog = threading.Timer(TIMEOUT * 5, proc.kill)
    watchdog.start()
    try:
        for sha in shas:
            proc.stdin.write(sha.encode("ascii") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) != 3 or not header[2].isdigit():
                raise RevisionError(
                    f"object {sha[:12]} is missing from this clone (a partial clone made with "
                    "--filter?); fetch the revision in full"
                )
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after each object
            if len(data) != size:
                raise RevisionError(f"git cat-file stopped while reading {sha[:12]}")
            yield sha, data
    except (BrokenPipeError, ValueError) as exc:
        raise RevisionError(f"git cat-file failed: {exc}") from None
    finally:
        watchdog.cancel()
        with contextlib.suppress(OSError):
            proc.stdin.close()  # end of input: git exits by itself
        proc.kill()
        proc.wait()
        proc.stdout.close()


def files_at(
    repo: Repository, commit: str, rels: Sequence[str], max_bytes: int = MAX_FILE_BYTES
) -> dict[str, bytes | None]:
    """Each file's bytes at ``commit``; None where it was not there, a link, or over the limit."""
    wanted = set(rels)
    by_sha: dict[str, list[str]] = {}
    for entry in _tree(repo, commit, rels):
        if entry.path in wanted and entry.mode != _LINK and entry.size <= max_bytes:
            by_sha.setdefault(entry.sha, []).append(entry.path)
    out: dict[str, bytes | None] = dict.fromkeys(rels)
    for sha, data in _blobs(repo, list(by_sha)):
        out.update(dict.fromkeys(by_sha[sha], data))
    return out


def inventory_at(
    repo: Repository,
    commit: str,
    parsers: tuple[Parser, ...] | None = None,
    include_vendored: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
) -> Inventory:
    """Every lockfile and manifest of the scanned folder at ``commit``, as a tree scan finds them."""
    parsers = parsers if parsers is not None else default_parsers()
    matcher = Matcher(parsers)
    entries: dict[str, _Entry] = {}
    issues: list[ParseIssue] = []
    for entry in _tree(repo, commit):
        if skipped(entry.path, include_vendored) or not matcher.match(entry.path):
            continue
        if entry.mode == _LINK:
            message = "symbolic link in the git tree; not followed"
            issues.append(ParseIssue(entry.path, None, message, "warning"))
            continue
        entries[entry.path] = entry
    results: list[ParseResult] = []
    files: dict[str, list[SourceFile]] = {}
    wanted: dict[str, list[tuple[str, Parser]]] = {}
    for rel, parser in plan(entries, parsers):
        entry = entries[rel]
        if entry.size > max_bytes:
            message = f"{parser.NAME}: file is {entry.size} bytes, over the {max_bytes}-byte limit; skipped"
            results.append(ParseResult(issues=(ParseIssue(rel, None, message),)))
            continue
        wanted.setdefault(entry.sha, []).append((rel, parser))
    for sha, data in _blobs(repo, list(wanted)):
        digest = hashlib.sha256(data).hexdigest()
        for rel, parser in wanted[sha]:
            result = parse_bytes(data, rel, parser)
            results.append(result)
            record = SourceFile(rel, parser.NAME, digest, len(data), len(result.components))
            files.setdefault(rel, []).append(record)
    return merge(
        repo.path,
        results,
        one_record_per_use(files),
        issues,
        metadata={"revision": commit},
    )
