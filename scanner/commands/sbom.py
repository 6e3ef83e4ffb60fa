"""``icts-scan sbom``: write an SBOM of a tree, or convert an ingested SBOM."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from scanner import __version__
from scanner.commands import exits
from scanner.text import echo

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json")


def register(sub: Any) -> None:
    """Add the ``sbom`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "sbom",
        help="inventory dependencies and write an SBOM",
        description="Inventory every lockfile and manifest under PATH (nothing is installed, "
        "built or executed) and write an SBOM; or convert an existing SBOM with --input.",
        epilog=exits.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", nargs="?", default=".", help="folder to inventory (default: .)")
    p.add_argument(
        "--input", metavar="SBOM", help="read this CycloneDX/SPDX document instead of a tree"
    )
    p.add_argument("--format", choices=FORMATS, default="cyclonedx-json", help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument(
        "--reproducible",
        action="store_true",
        help="omit timestamp and serial number so identical inputs give identical output",
    )
    p.add_argument(
        "--include-vendored", action="store_true", help="also read vendored/third-party folders"
    )
    p.add_argument(
        "--no-git", action="store_true", help="walk the folder even inside a git work tree"
    )
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="a file that could not be read is a warning, not exit 3",
    )
    p.add_argument("--strict", action="store_true", help=argparse.SUPPRESS)  # the default now
    p.add_argument(
        "--check-minimum",
        action="store_true",
        help="say on stderr which SBOM minimum elements (CISA 2025 draft) the output carries, "
        "per component count",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the inventory, write it, report issues on stderr."""
    import os

    from sbom.build import inventory_from_tree
    from sbom.export import cyclonedx_json, render

    if args.input:
        from sbom.ingest import ingest_file

        unreadable = exits.unreadable_input(args.input)
        if unreadable:
            return exits.fail(unreadable)
    elif not os.path.isdir(args.path):
        return exits.fail(f"{args.path}: not a folder")
    blocked = exits.unwritable([args.output])
    if blocked:
        return exits.fail(blocked)
    if args.input:
        inventory = ingest_file(args.input)
    else:
        inventory = inventory_from_tree(
            args.path, include_vendored=args.include_vendored, use_git=not args.no_git
        )
    code, line = exits.inventory_status(inventory, explicit_input=args.input)
    if code == exits.USAGE:
        return exits.fail(line or "input could not be read")
    text = ""  # the SPDX text, for --check-minimum
    if args.format == "cyclonedx-json":  # streamed: a huge inventory's SBOM is never whole

        def write(out: TextIO) -> None:
            cyclonedx_json.write(inventory, out, args.reproducible, __version__)

    else:
        text = render(
            inventory, args.format, reproducible=args.reproducible, tool_version=__version__
        )

        def write(out: TextIO) -> None:
            out.write(text)

    if args.output:
        failed = exits.write_with(args.output, write)
        if failed:
            return exits.fail(failed)
    else:
        write(sys.stdout)
    from scanner.commands import options

    if args.check_minimum:
        _check_minimum(text, inventory, args)
    options.print_issues(inventory.issues)
    echo(
        f"icts-scan: {len(inventory.components)} components from {len(inventory.files)} files"
        + (f", {len(inventory.issues)} issues" if inventory.issues else ""),
        file=sys.stderr,
    )
    if code == exits.NOTHING:
        return exits.fail(line or "nothing to scan", exits.NOTHING)
    return exits.combine(False, exits.incomplete(inventory), args.allow_incomplete)


def _check_minimum(text: str, inventory: Any, args: argparse.Namespace) -> None:
    """Print the minimum-elements check of the document just written."""
    import json

    from sbom import minimum
    from sbom.export import cyclonedx_json

    if args.format == "spdx-json":
        elements = minimum.check_spdx(json.loads(text))
    else:  # the XML document says what the JSON one says
        doc = cyclonedx_json.document(inventory, args.reproducible, __version__)
        elements = minimum.check_cyclonedx(doc)
    echo("icts-scan: SBOM minimum elements (CISA 2025 draft):", file=sys.stderr)
    for line in minimum.report(elements):
        echo(f"  {line}", file=sys.stderr)
