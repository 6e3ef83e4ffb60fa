"""Git for fleets: shallow bare clones (no checkout, no hooks), a repository's name and revision."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping

from scanner.diff import gitrev
from scanner.enrich.git_history import GIT_CONFIG, GIT_ENV
from scanner.net.redact import redact_text, strip_credentials

CLONE_TIMEOUT = 600.0
# Transports a clone may use. ``ext::`` and ``fd::`` run programs, so they stay forbidden.
PROTOCOLS = ("https", "http", "ssh", "git", "file")
_SCP = re.compile(r"^[\w.-]+@[\w.-]+:(?!//)")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.I)


class GitError(Exception):
    """A repository that cannot be cloned or read; the message says why."""


def is_url(text: str) -> bool:
    """A clone URL (``scheme://…`` or ``user@host:path``) rather than a local path."""
    return bool(_SCHEME.match(text) or _SCP.match(text))


def check_url(url: str) -> None:
    """GitError for URLs whose transport could run a program or that git would read as an option."""
    if url.startswith("-") or "::" in url.split("/", 1)[0]:
        raise GitError(f"{redact_text(url)}: not a clone URL")
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in PROTOCOLS:
        raise GitError(
            f"{redact_text(url)}: transport {scheme.group(1)} is not allowed ({', '.join(PROTOCOLS)})"
        )


def display(url: str) -> str:
    """A URL as a repository's name: no credentials, no trailing ``.git``."""
    return (
        strip_credentials(url).removesuffix("/").removesuffix(".git")
        if _SCHEME.match(url)
        else url.removesuffix(".git")
    )


def clone(url: str, dest: str, headers: Mapping[str, str] | None = None) -> None:
    """A bare clone of the default branch's last commit into ``dest``.

    The user's own git configuration applies (credential helpers, ``insteadOf``, SSH), since no
    repository configuration exists yet; hooks and fsmonitor are off and only PROTOCOLS are
    allowed. ``headers`` (url prefix → Authorization value) travel in the environment, never in
    the process's arguments.
    """
    check_url(url)
    config = [
        "protocol.allow=never",
        *(f"protocol.{p}.allow=always" for p in PROTOCOLS),
        *GIT_CONFIG[:2],
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    for n, (prefix, value) in enumerate((headers or {}).items()):
        env.update(
            {f"GIT_CONFIG_KEY_{n}": f"http.{prefix}.extraHeader", f"GIT_CONFIG_VALUE_{n}": value}
        )
        env["GIT_CONFIG_COUNT"] = str(n + 1)
    options = [x for item in config for x in ("-c", item)]
    command = [
        "git",
        *options,
        "clone",
        "--bare",
        "--depth",
        "1",
        "--single-branch",
        "--no-tags",
        "--quiet",
        "--",
        url,
        dest,
    ]
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=CLONE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git clone timed out after {CLONE_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            "git clone: " + redact_text(lines[-1] if lines else f"exit {proc.returncode}")[:300]
        )


def repository(path: str) -> gitrev.Repository | None:
    """The git repository at ``path`` (a work tree or a bare one), or None for a plain folder."""
    if os.path.isfile(os.path.join(path, "HEAD")) and os.path.isdir(os.path.join(path, "objects")):
        real = os.path.realpath(path)
        return gitrev.Repository(os.path.abspath(path), real, "")
    try:
        return gitrev.open_repository(path)
    except gitrev.RevisionError:
        return None


def _config(repo: gitrev.Repository, key: str) -> str | None:
    options = [x for item in GIT_CONFIG for x in ("-c", item)]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        **GIT_ENV,
        "LC_ALL": "C",
    }
    command = [
        "git",
        *options,
        "-c",
        f"safe.directory={repo.top}",
        "-C",
        repo.top,
        "config",
        "--get",
        key,
    ]
    try:
        proc = subprocess.run(
            command, capture_output=True, stdin=subprocess.DEVNULL, env=env, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = proc.stdout.decode("utf-8", "replace").strip()
    return value if proc.returncode == 0 and value else None


def identity(path: str) -> tuple[str, str | None]:
    """(name, revision) of the folder ``path``: its origin URL (plus ``#subfolder``) and HEAD.

    Without a git repository or an origin remote the name is the folder's absolute path.
    """
    repo = repository(path)
    if repo is None:
        return os.path.abspath(path), None
    try:
        revision: str | None = gitrev.resolve(repo, "HEAD", "HEAD")
    except gitrev.RevisionError:
        revision = None
    origin = _config(repo, "remote.origin.url")
    name = display(origin) if origin else repo.top
    return name + (f"#{repo.prefix.rstrip('/')}" if repo.prefix else ""), revision
