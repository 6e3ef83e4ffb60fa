"""``icts-scan explain``: a check's record, the severity table, or why one finding has its severity."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from scanner.commands import exits
from scanner.text import document, echo, plain

_WRAP = textwrap.TextWrapper(width=88, initial_indent="  ", subsequent_indent="  ")


def register(sub: Any) -> None:
    """Add the ``explain`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "explain",
        help="print a check's record, the severity table, or why a finding has its severity",
        description="icts-scan explain CHECK prints what a check asks and never uses; "
        "icts-scan explain severity prints the severity table; "
        "icts-scan explain --finding ID --report FILE.json shows the row a finding used.",
    )
    p.add_argument("check", nargs="?", help="check id, or 'severity' (omit to list the checks)")
    p.add_argument("--finding", metavar="ID", help="a finding or group id from a JSON report")
    p.add_argument(
        "--report",
        metavar="FILE",
        default="icts-scan.json",
        help="the JSON report the finding is in (default: icts-scan.json)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print one record, the table, one finding's reasoning, or the list of checks."""
    from scanner.assess.checks import CHECKS
    from scanner.assess.severity import table_markdown

    records = {record.id: record for record, _ in CHECKS}
    if args.finding:
        return _finding(args.finding, args.report)
    if args.check == "severity":
        document(table_markdown())
        return exits.OK
    if not args.check:
        for record in records.values():
            echo(f"{record.id:14} {record.title}")
        echo(f"{'severity':14} The severity table: evidence kind x identifier scope")
        return exits.OK
    if args.check not in records:
        return exits.fail(f"unknown check {args.check!r} (known: {', '.join(records)}, severity)")
    record = records[args.check]
    echo(f"{record.id}: {record.title}")
    for label, text in (
        ("Question", record.question),
        ("Outcome", f"{record.outcome} (evidence tiers: {', '.join(record.tiers)})"),
        ("Provision", record.provision),
        ("Grounds", record.grounds),
        ("Never", record.never),
        ("Remediation", record.remediation),
    ):
        echo("", f"{label}:", *_WRAP.wrap(text))
    return exits.OK


def _finding(fid: str, report: str) -> int:
    """The severity-table row and evidence behind one finding (or every finding of a group)."""
    from scanner.assess.severity import BY_BASIS, lower

    try:
        with open(report, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        return exits.fail(f"{report}: cannot read a JSON report: {exc}")
    findings = {f.get("id"): f for f in doc.get("findings", []) if isinstance(f, dict)}
    groups = {g.get("id"): g for g in doc.get("groups", []) if isinstance(g, dict)}
    chosen = [findings[fid]] if fid in findings else []
    if not chosen and fid in groups:
        chosen = [findings[i] for i in groups[fid].get("findings", []) if i in findings][:1]
    if not chosen:
        return exits.fail(f"no finding or group {fid!r} in {report}")
    f = chosen[0]
    row = BY_BASIS.get(str(f.get("basis", "")))
    echo(
        f"{f.get('id')}: {f.get('severity', '').upper()} {f.get('check')} · {f.get('purl') or f.get('group')}"
    )
    echo("", "Reason:", *_WRAP.wrap(plain(f.get("reason", ""))))
    if row is not None:
        echo("", "Severity table row (icts-scan explain severity):")
        echo(
            *_WRAP.wrap(
                f"{row.evidence} — identifier scope {row.scope} — allows {row.severity}: {row.why}."
            )
        )
        unverified = any(
            "unverified" in str(e.get("note", ""))
            for e in f.get("evidence", [])
            if isinstance(e, dict)
        )
        if unverified:
            echo(
                *_WRAP.wrap(
                    f"The identifier is unverified in the knowledge base: one step lower ({lower(row.tier)})."
                )
            )
        if f.get("check") == "collaboration":
            echo(
                *_WRAP.wrap(
                    "A collaboration link is one step weaker than the same evidence of control."
                )
            )
    elif f.get("check") == "supply-path":
        echo(
            "",
            "Severity: a mirror run by a linked entity is medium; one only located in an adversary jurisdiction is low.",
        )
    for note in f.get("notes", []):
        echo("", "Note:", *_WRAP.wrap(plain(note)))
    echo("", "Evidence:")
    for e in f.get("evidence", []):
        if isinstance(e, dict):
            echo(
                plain(
                    f"  {e.get('kind')}: {e.get('field')} = {e.get('value')} ({e.get('source')}, {e.get('strength')})",
                    300,
                )
            )
    return exits.OK
