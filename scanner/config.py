"""The policy file: ``[tool.icts-scan]`` in pyproject.toml or ``.icts-scan.toml``; unknown keys are errors."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sbom.discover import inside
from sbom.errors import ParseError
from sbom.loaders import load_toml
from sbom.read import decode, read_limited
from scanner.net.durations import parse_duration
from scanner.net.endpoints import ENDPOINTS

PROFILES = ("icts", "connected-vehicles", "bulk-data")
SEVERITIES = ("info", "low", "medium", "high", "critical")
# A policy is a few hundred lines even with many waivers; far more is a mistake or an attack.
MAX_POLICY_BYTES = 4 * 1024 * 1024


class ConfigError(ValueError):
    """A policy file that cannot be used: names the file and the key (exit code 2)."""


@dataclass(frozen=True)
class Config:
    """Settings from the policy file, with defaults."""

    path: str | None = None
    profile: str = "icts"
    fail_on: str = "high"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    offline: bool = False
    endpoints: Mapping[str, str] = field(default_factory=dict)
    waivers: tuple[Mapping[str, Any], ...] = ()
    acceptances: tuple[Mapping[str, Any], ...] = ()
    fail_on_unknown_above: float | None = None
    """Fail the run (exit 1) when more than this fraction of components stays unknown."""
    negative_ttl: float | None = None
    """Seconds a "not found" answer is believed (None: the client's default, a day)."""
    tree_endpoints: bool = False
    """``endpoints`` came from the scanned tree and the operator trusts them for lookups
    (never for credentials); see ``tree_endpoints()``."""


# key → (type check, description) for error messages. Waivers are validated by the policy
# module that applies them; here they only need to be a list of tables.
_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "profile": (str, "one of " + ", ".join(PROFILES)),
    "fail-on": (str, "one of " + ", ".join(SEVERITIES)),
    "include": (list, "a list of path globs"),
    "exclude": (list, "a list of path globs"),
    "offline": (bool, "true or false"),
    "endpoints": (dict, "a table of source = base URL"),
    "waivers": (list, "an array of tables"),
    "acceptances": (list, "an array of tables"),
    "fail-on-unknown-above": ((int, float), "a fraction between 0 and 1"),
    "negative-ttl": ((int, float, str), "seconds, or a duration such as 12h or 1d"),
}


def find(root: str) -> str | None:
    """``.icts-scan.toml`` in root, else a pyproject.toml with a [tool.icts-scan] table.

    Found in the scanned tree, it is read like a lockfile: a symbolic link out of the tree is
    a ConfigError (never followed), as is a file over the size limit.
    """
    real_root = os.path.realpath(root)
    for name in (".icts-scan.toml", "pyproject.toml"):
        path = os.path.join(root, name)
        if not os.path.lexists(path):
            continue
        if not inside(real_root, path):
            raise ConfigError(f"{path}: symbolic link out of the scanned tree; not followed")
        if not os.path.isfile(path):
            continue
        if name == ".icts-scan.toml" or "[tool.icts-scan" in _text(path):
            return path
    return None


def _text(path: str) -> str:
    """The policy file's text, within the size limit; ConfigError naming the file otherwise."""
    try:
        return decode(read_limited(path, MAX_POLICY_BYTES), path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ParseError as exc:
        raise ConfigError(f"{path}: {exc.message.removesuffix('; skipped')}") from None


def load(path: str | None) -> Config:
    """Read and validate a policy file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    return parse(_text(path), path)


def parse(text: str, path: str) -> Config:
    """Validate a policy file's text; ``path`` names it in errors and decides its kind."""
    try:
        doc = load_toml(text)
    except ParseError as exc:
        where = f"{path}:{exc.line}" if exc.line else path
        raise ConfigError(f"{where}: {exc.message}") from None
    table: Any = doc
    prefix = ""
    if os.path.basename(path.split("@", 1)[0]) == "pyproject.toml":
        table = doc.get("tool", {}).get("icts-scan", {})
        prefix = "tool.icts-scan."
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {prefix or 'the file'} must be a table")
    return _validate(path, prefix, table)


def _validate(path: str, prefix: str, raw: dict[str, Any]) -> Config:
    table: dict[str, Any] = {}
    for key, value in raw.items():
        # fail_on_unknown_above and fail-on-unknown-above are the same key.
        norm = key.replace("_", "-")
        if norm not in _KEYS:
            near = difflib.get_close_matches(norm, _KEYS, n=1)
            hint = f"; did you mean '{prefix}{near[0]}'?" if near else ""
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: unknown key '{prefix}{key}'{hint} (known: {known})")
        table[norm] = value
    for key, value in table.items():
        kind, want = _KEYS[key]
        if not isinstance(value, kind):
            raise ConfigError(f"{path}: {prefix}{key} must be {want}")
    profile = table.get("profile", "icts")
    fail_on = table.get("fail-on", "high")
    if profile not in PROFILES:
        raise ConfigError(f"{path}: {prefix}profile must be one of {', '.join(PROFILES)}")
    if fail_on not in SEVERITIES:
        raise ConfigError(f"{path}: {prefix}fail-on must be one of {', '.join(SEVERITIES)}")
    endpoints = table.get("endpoints", {})
    sources = {e.source for e in ENDPOINTS}
    for source, url in endpoints.items():
        if source not in sources:
            raise ConfigError(
                f"{path}: unknown endpoint {prefix}endpoints.{source} (known: {', '.join(sorted(sources))})"
            )
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ConfigError(f"{path}: {prefix}endpoints.{source} must be an http(s) URL")
    for name in ("include", "exclude"):
        if not all(isinstance(p, str) for p in table.get(name, [])):
            raise ConfigError(f"{path}: {prefix}{name} must be a list of strings")
    negative_ttl = None
    if "negative-ttl" in table:
        try:
            negative_ttl = parse_duration(table["negative-ttl"])
        except ValueError as exc:
            raise ConfigError(f"{path}: {prefix}negative-ttl: {exc}") from None
    waivers = table.get("waivers", [])
    if not all(isinstance(w, dict) for w in waivers):
        raise ConfigError(f"{path}: {prefix}waivers must be an array of tables ([[...waivers]])")
    acceptances = table.get("acceptances", [])
    if not all(isinstance(a, dict) for a in acceptances):
        raise ConfigError(f"{path}: {prefix}acceptances must be an array of tables")
    unknown_limit = table.get("fail-on-unknown-above")
    if unknown_limit is not None and (
        isinstance(unknown_limit, bool) or not 0 <= unknown_limit <= 1
    ):
        raise ConfigError(f"{path}: {prefix}fail-on-unknown-above must be between 0 and 1")
    return Config(
        path=path,
        profile=profile,
        fail_on=fail_on,
        include=tuple(table.get("include", [])),
        exclude=tuple(table.get("exclude", [])),
        offline=bool(table.get("offline", False)),
        endpoints=dict(endpoints),
        waivers=tuple(waivers),
        acceptances=tuple(acceptances),
        fail_on_unknown_above=None if unknown_limit is None else float(unknown_limit),
        negative_ttl=negative_ttl,
    )


def tree_endpoints(cfg: Config, root: str | None, trust: bool) -> tuple[Config, str | None]:
    """The policy with an ``[endpoints]`` table from the scanned tree dropped, unless trusted.

    A policy file inside the scanned tree (or the git work tree around it) was written by
    whoever wrote the tree: it may not choose the hosts that lookups go to unless the operator
    says so (``trust``), and even then its endpoints never receive credentials. Returns the
    policy and a line for stderr saying what was done (None when there was nothing to do).
    """
    if not cfg.endpoints or cfg.path is None or root is None or not _in_tree(cfg.path, root):
        return cfg, None
    which = ", ".join(sorted(cfg.endpoints))
    if trust:
        note = f"using [endpoints] ({which}) of {cfg.path}, a policy in the scanned tree "
        note += "(--trust-tree-endpoints); no credentials are sent to them"
        return replace(cfg, tree_endpoints=True), note
    note = f"ignoring [endpoints] ({which}) of {cfg.path}: a policy in the scanned tree may "
    note += "not redirect lookups (--trust-tree-endpoints to use them)"
    return replace(cfg, endpoints={}), note


def _in_tree(path: str, root: str) -> bool:
    top = probe = os.path.realpath(root)
    while os.path.dirname(probe) != probe:  # the work tree around root, when there is one
        if os.path.exists(os.path.join(probe, ".git")):
            top = probe
            break
        probe = os.path.dirname(probe)
    return os.path.commonpath([top, os.path.realpath(path)]) == top
