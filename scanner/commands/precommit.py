"""``icts-scan pre-commit FILE...``: a fast, offline check of the lockfiles a commit changes."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from scanner.commands import options
from scanner.text import echo, plain

if TYPE_CHECKING:
    from scanner.assess.model import Finding
    from scanner.commands._baseline import Scope
    from scanner.config import Config
    from scanner.pipeline import ScanResult


# Skips that need no mention: pre-commit hands over every matching file, vendored copies and
# manifests beside their lockfile included, and the full scan leaves those out as well.
_EXPECTED = frozenset(
    {
        "not a lockfile or manifest icts-scan reads",
        "in a vendored or generated folder",
        "manifest covered by its lockfile",
    }
)


MAX_LOWER = 10  # below-threshold findings named one per line


def register(sub: Any) -> None:
    """Add the ``pre-commit`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "pre-commit",
        help="check the given lockfiles for newly added linked dependencies (for git hooks)",
        description="Check only the given lockfiles and manifests, offline (the cache and the "
        "shipped feeds). A file that changed since the baseline (the commit's parent, or "
        "$PRE_COMMIT_FROM_REF) is checked for what the change adds; a new or unchanged file "
        "is checked in full. Exit 1 when a finding at or above fail-on is found.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="lockfiles and manifests")
    options.add_policy(p)
    p.add_argument(
        "--base",
        metavar="REV",
        help="compare with this revision (default: $PRE_COMMIT_FROM_REF, else HEAD)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        dest="everything",
        help="check every component of the files, not only what changed",
    )
    p.add_argument(
        "--online", action="store_true", help="also ask the network (default: cache only)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """0 nothing new at or above fail-on, 1 something is, 2 usage or policy error."""
    from sbom.build import default_parsers
    from scanner import config as configuration
    from scanner.commands._baseline import scope, select
    from scanner.diff.gitrev import RevisionError

    root = os.getcwd()
    parsers = default_parsers()
    selection = select(root, args.files, parsers)
    for path, why in selection.ignored:
        if why not in _EXPECTED:
            echo(f"icts-scan: {path}: skipped: {why}", file=sys.stderr)
    if not selection.files:
        return 0  # nothing icts-scan reads: not even a broken policy file blocks this commit
    try:
        cfg = options.load_policy(args, root)
    except configuration.ConfigError as exc:
        return options.error(str(exc))
    rev = None if args.everything else args.base or os.environ.get("PRE_COMMIT_FROM_REF") or "HEAD"
    try:
        found = scope(root, selection.files, parsers, rev, strict=bool(args.base))
    except RevisionError as exc:  # only for a revision named with --base
        echo(f"icts-scan: error: {exc}", file=sys.stderr)
        return 2
    if rev and len(rev) >= 40 and all(ch in "0123456789abcdef" for ch in rev):
        rev = rev[:12]  # pre-commit passes full commit ids
    options.print_issues(found.current.issues)
    if not found.targets:
        if found.compared:
            echo(f"icts-scan: no component added to {_files(found.compared)} since {rev}")
        return 0
    offline = cfg.offline or not args.online
    try:
        result = _scan(found, cfg, offline)
    except configuration.ConfigError as exc:  # a malformed waiver
        echo(f"icts-scan: error: {exc}", file=sys.stderr)
        return 2
    return _report(found, result, cfg, rev, offline)


def _scan(found: Scope, cfg: Config, offline: bool) -> ScanResult:
    import feeds
    from scanner.pipeline import ScanRequest, scan

    request = ScanRequest(path=".", config=cfg, offline=offline, inventory=found.inventory)
    return scan(request, feeds.load(lazy=True))


def _report(found: Scope, result: ScanResult, cfg: Config, rev: str | None, offline: bool) -> int:
    from scanner.assess.model import SEVERITY_RANK

    known = {f.identity: f for f in result.findings if f.purl in found.prior}
    limit = SEVERITY_RANK[cfg.fail_on]
    blocking: list[Finding] = []
    lower: list[Finding] = []
    stale: list[str] = []
    waived = 0
    for f in result.findings:
        if not ({f.purl, *f.components} & set(found.targets)):
            continue
        before = known.get(f.identity)
        if before is not None:
            # Same check, package and entity as before the change: not new (as in `icts-scan
            # diff`). A waiver of the old version does not cover the new one, though: a new
            # version is a new transaction, so say so.
            if before.waiver and not f.waiver:
                stale.append(
                    f"icts-scan: waiver {before.waiver} covers {before.purl}, not {f.purl}: "
                    "review the new version and update the waiver (a full scan reports it)"
                )
            continue
        if f.excused:
            waived += 1
        elif SEVERITY_RANK[f.severity] >= limit:
            blocking.append(f)
        else:
            lower.append(f)
    unknown = sum(1 for purl, _, _ in result.coverage.unknown if purl in found.targets)
    scope_text = _scope_text(found, rev)
    if not blocking:
        echo(f"icts-scan: no finding at or above {cfg.fail_on} ({scope_text})")
    else:
        echo(f"icts-scan: {len(blocking)} finding(s) at or above {cfg.fail_on} ({scope_text}):")
    echo(*map(_line, blocking))
    if lower:
        # Named, one line each, without failing the commit: a reviewer sees what came in.
        echo(f"icts-scan: {len(lower)} below {cfg.fail_on} (not blocking):")
        echo(*("  " + _line(f) for f in lower[:MAX_LOWER]))
        if len(lower) > MAX_LOWER:
            echo(f"icts-scan: … {len(lower) - MAX_LOWER} more; `icts-scan scan` lists them")
    if waived:
        echo(f"icts-scan: {waived} covered by waivers or accepted risks")
    echo(*dict.fromkeys(stale))
    if unknown:
        how = "offline" if offline else "no source answered"
        echo(
            f"icts-scan: {unknown} component(s) with unknown provenance ({how}); "
            "run `icts-scan scan` online to check them"
        )
    if blocking:
        echo(_footer(cfg, blocking[0].check))
    return 1 if blocking else 0


def _scope_text(found: Scope, rev: str | None) -> str:
    parts = []
    if found.compared:
        parts.append(f"new in {_files(found.compared)} since {rev}")
    if found.full:
        parts.append(f"all of {_files(found.full)}")
    return "; ".join(parts)


def _files(paths: tuple[str, ...]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _line(f: Finding) -> str:
    path, line = f.locations[0] if f.locations else ("?", None)
    where = f"{path}:{line}" if line else path
    who = f.entity_name or f.entity or "?"
    if f.jurisdiction:
        who += f" ({f.jurisdiction})"
    what = f.purl or f"{len(f.components)} components"
    # Reasons quote registry text, which may hold terminal escapes: never echo them.
    return plain(f"{where}: {f.severity} {f.check} {what} → {who}: {f.reason}", 400)


def _footer(cfg: Config, check: str) -> str:
    where, table = ".icts-scan.toml", "[[waivers]]"
    if cfg.path and os.path.basename(cfg.path) == "pyproject.toml":
        where, table = "pyproject.toml", "[[tool.icts-scan.waivers]]"
    return (
        f"icts-scan: why: `icts-scan explain {check}`; after review, accept one exact version "
        f"with a {table} entry in {where} (id, purl, check, reason, approver, date, expires)"
    )
