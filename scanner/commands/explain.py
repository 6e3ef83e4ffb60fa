"""``icts-scan explain CHECK``: what a check asks, on what grounds, what it never uses, what to do."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any


def register(sub: Any) -> None:
    """Add the ``explain`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "explain", help="print a check's documentation record", description=__doc__
    )
    p.add_argument("check", nargs="?", help="check id (omit to list them)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print one record, or the list of checks."""
    from scanner.assess.checks import CHECKS

    records = {record.id: record for record, _ in CHECKS}
    if not args.check:
        for record in records.values():
            print(f"{record.id:14} {record.title}")
        return 0
    found = records.get(args.check)
    if found is None:
        print(
            f"icts-scan: error: unknown check {args.check!r} (known: {', '.join(records)})",
            file=sys.stderr,
        )
        return 2
    record = found
    wrap = textwrap.TextWrapper(width=88, initial_indent="  ", subsequent_indent="  ")
    print(f"{record.id}: {record.title}")
    for label, text in (
        ("Question", record.question),
        ("Outcome", f"{record.outcome} (evidence tiers: {', '.join(record.tiers)})"),
        ("Provision", record.provision),
        ("Grounds", record.grounds),
        ("Never", record.never),
        ("Remediation", record.remediation),
    ):
        print(f"\n{label}:\n" + wrap.fill(text))
    return 0
