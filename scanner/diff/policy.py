"""The policy that judges a pull request: the base revision's, never the one the change brings."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sbom.discover import inside
from scanner import config as configuration
from scanner.config import Config
from scanner.diff import gitrev
from scanner.text import echo

_CANDIDATES = (".icts-scan.toml", "pyproject.toml")
# Settings whose change would alter what judges the change itself.
_SETTINGS = ("profile", "fail_on", "include", "exclude", "offline", "endpoints",
             "fail_on_unknown_above", "negative_ttl")  # fmt: skip


def policies(
    repo: gitrev.Repository, base: str, head: str | None, config: str | None, scanned: str
) -> tuple[Config, Config, str]:
    """(the policy that judges, the head's policy, where the judging one came from).

    An operator's policy file outside the repository is used as it is. Otherwise the policy is
    read from the base revision, so a pull request cannot waive, exclude, lower the threshold
    or redirect lookups for itself; the head's policy is read only to report what it changes.
    """
    if config and not inside(os.path.realpath(repo.path), config):
        cfg = configuration.load(config)
        return cfg, cfg, f"{config} (outside the repository)"
    names = (os.path.relpath(config, scanned),) if config else _CANDIDATES
    judging = _at(repo, base, names) or (Config(), "defaults (no policy file at the base)")
    proposed = _at(repo, head, names) if head else _on_disk(scanned, config)
    return judging[0], (proposed or (Config(), ""))[0], judging[1]


def tree_lookups(cfg: Config, trust: bool) -> Config:
    """A policy read from the repository never redirects lookups unless the operator trusts it."""
    if not cfg.endpoints:
        return cfg
    if trust:
        return replace(cfg, tree_endpoints=True)
    which = ", ".join(sorted(cfg.endpoints))
    echo(
        f"icts-scan: ignoring [endpoints] ({which}) of the repository's policy: it may not "
        "redirect lookups (--trust-tree-endpoints to use them)",
        file=sys.stderr,
    )
    return replace(cfg, endpoints={})


def _at(repo: gitrev.Repository, commit: str, names: tuple[str, ...]) -> tuple[Config, str] | None:
    found = gitrev.files_at(repo, commit, names, configuration.MAX_POLICY_BYTES)
    for name in names:
        data = found.get(name)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        if name.endswith("pyproject.toml") and "[tool.icts-scan" not in text:
            continue
        return configuration.parse(text, f"{name}@{commit[:12]}"), f"{name} at {commit[:12]}"
    return None


def _on_disk(scanned: str, config: str | None) -> tuple[Config, str] | None:
    path = config or configuration.find(scanned)
    if path is None:
        return None
    try:
        return configuration.load(path), path
    except configuration.ConfigError as exc:
        # A broken policy in the change is itself a change to review, never a reason to skip.
        return Config(path=f"unreadable: {exc}"), path


def changes(base: Config, head: Config) -> tuple[str, ...]:
    """What the pull request changes in the policy: settings, waivers, acceptances."""
    out = []
    if head.path and head.path.startswith("unreadable: "):
        out.append(
            f"policy file cannot be read at the head: {head.path.removeprefix('unreadable: ')}"
        )
    for name in _SETTINGS:
        old, new = getattr(base, name), getattr(head, name)
        if old != new:
            out.append(f"{name.replace('_', '-')}: {old!r} → {new!r}")
    for label, before, after in (
        ("waiver", base.waivers, head.waivers),
        ("acceptance", base.acceptances, head.acceptances),
    ):
        was = {str(w.get("id")): _plain(w) for w in before}
        now = {str(w.get("id")): _plain(w) for w in after}
        out += [f"{label} {i} added: {now[i]}" for i in sorted(now.keys() - was.keys())]
        out += [f"{label} {i} removed" for i in sorted(was.keys() - now.keys())]
        out += [
            f"{label} {i} changed: {now[i]}"
            for i in sorted(now.keys() & was.keys())
            if now[i] != was[i]
        ]
    return tuple(out)


def _plain(table: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(table.items(), key=lambda kv: str(kv[0])))
