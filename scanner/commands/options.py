"""Options and steps the scanning commands share: policy flags, lookup flags, report targets."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Collection, Iterable

from sbom.model import ParseIssue
from scanner import config as configuration
from scanner.config import PROFILES, SEVERITIES
from scanner.net.durations import parse_duration
from scanner.text import document, echo


def add_policy(
    p: argparse.ArgumentParser, fail_help: str = "exit 1 at or above this severity"
) -> None:
    """--fail-on, --profile and --config, which override the policy file."""
    p.add_argument("--fail-on", choices=SEVERITIES, help=fail_help)
    p.add_argument("--profile", choices=PROFILES, help="jurisdiction profile (default: icts)")
    p.add_argument("--config", metavar="FILE", help="policy file (default: found in PATH)")


def add_lookups(p: argparse.ArgumentParser) -> None:
    """--offline, --no-network, --verify-attestations and the limits: how provenance is looked up."""
    p.add_argument("--offline", action="store_true", help="only the cache and local files")
    p.add_argument(
        "--no-network", action="store_true", help="skip provenance lookups (all unknown)"
    )
    p.add_argument(
        "--verify-attestations",
        action="store_true",
        help="verify Sigstore attestations (needs the 'verify' extra); verified facts are 'signed'",
    )
    add_lookup_limits(p)


def add_lookup_limits(p: argparse.ArgumentParser) -> None:
    """--max-time, --negative-ttl and --trust-tree-endpoints: how far lookups may go."""
    p.add_argument(
        "--max-time",
        type=_duration,
        metavar="DURATION",
        help="time for all lookups (90s, 10m); what is not looked up by then stays unknown "
        "with the reason 'deadline', and the scan still reports",
    )
    p.add_argument(
        "--negative-ttl",
        type=_duration,
        metavar="DURATION",
        help="how long a 'not found' answer is believed (default 1d; policy key negative-ttl)",
    )
    p.add_argument(
        "--trust-tree-endpoints",
        action="store_true",
        help="use the [endpoints] of a policy file inside the scanned tree (ignored otherwise); "
        "credentials are never sent to them",
    )


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_reports(p: argparse.ArgumentParser, formats: str) -> None:
    """--report FORMAT[=PATH], repeatable; ``formats`` names the formats in the help."""
    p.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT[=PATH]",
        help=f"{formats} (repeatable); without =PATH it goes to stdout",
    )


def load_policy(args: argparse.Namespace, root: str | None) -> configuration.Config:
    """The policy file (--config, else the one found in ``root``) with the flags applied.

    Raises ConfigError naming the file and key.
    """
    cfg = configuration.load(args.config or (configuration.find(root) if root else None))
    return lookup_policy(with_flags(cfg, args), args, root)


def with_flags(cfg: configuration.Config, args: argparse.Namespace) -> configuration.Config:
    """--profile and --fail-on, which override the policy file."""
    if args.profile:
        cfg = dataclasses.replace(cfg, profile=args.profile)
    if args.fail_on:
        cfg = dataclasses.replace(cfg, fail_on=args.fail_on)
    return cfg


def lookup_policy(
    cfg: configuration.Config, args: argparse.Namespace, root: str | None
) -> configuration.Config:
    """The tree's ``[endpoints]`` only when trusted (said on stderr); --negative-ttl applied."""
    trust = bool(getattr(args, "trust_tree_endpoints", False))
    cfg, note = configuration.tree_endpoints(cfg, root, trust)
    if note:
        echo(f"icts-scan: {note}", file=sys.stderr)
    if getattr(args, "negative_ttl", None) is not None:
        cfg = dataclasses.replace(cfg, negative_ttl=args.negative_ttl)
    return cfg


def report_targets(
    specs: list[str], known: Collection[str]
) -> tuple[list[tuple[str, str | None]], str | None]:
    """``FORMAT[=PATH]`` specs as (format, path or None for stdout), or a usage error."""
    targets = [
        (fmt, path or None) for fmt, _, path in (s.partition("=") for s in specs or ["table"])
    ]
    unknown = [fmt for fmt, _ in targets if fmt not in known]
    if unknown:
        return [], f"unknown report format(s) {', '.join(unknown)} (known: {', '.join(known)})"
    if sum(1 for _, path in targets if path is None) > 1:
        return [], "only one report can go to stdout; give the others =PATH"
    return targets, None


def error(message: str) -> int:
    """Print a usage or configuration error; exit code 2."""
    echo(f"icts-scan: error: {message}", file=sys.stderr)
    return 2


def print_issues(issues: Iterable[ParseIssue]) -> None:
    """Files that could not be read, as ``severity: path:line: message`` on stderr."""
    for issue in issues:
        where = f"{issue.path}:{issue.line}" if issue.line else issue.path
        echo(f"icts-scan: {issue.severity}: {where}: {issue.message}", file=sys.stderr)


def write_reports(targets: list[tuple[str, str | None]], text: Callable[[str], str]) -> None:
    """Each target's text (``text(format)``) to its file, or to stdout when it has no path."""
    for fmt, path in targets:
        if path is None:
            document(text(fmt))
        else:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text(fmt))
