"""``icts-scan sbom``: write an SBOM of a tree, or convert an ingested SBOM."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner import __version__

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json")


def register(sub: Any) -> None:
    """Add the ``sbom`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "sbom",
        help="inventory dependencies and write an SBOM",
        description="Inventory every lockfile and manifest under PATH (nothing is installed, "
        "built or executed) and write an SBOM; or convert an existing SBOM with --input.",
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
    p.add_argument("--strict", action="store_true", help="exit 3 when any file could not be read")
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
    from contextlib import nullcontext

    from sbom.build import inventory_from_tree
    from sbom.export import cyclonedx_json, render

    if args.input:
        from sbom.ingest import ingest_file

        inventory = ingest_file(args.input)
    else:
        if not os.path.isdir(args.path):
            print(f"icts-scan: error: {args.path}: not a folder", file=sys.stderr)
            return 2
        inventory = inventory_from_tree(
            args.path, include_vendored=args.include_vendored, use_git=not args.no_git
        )
    text = ""  # the SPDX text, for --check-minimum
    with (
        open(args.output, "w", encoding="utf-8") if args.output else nullcontext(sys.stdout)
    ) as out:
        if args.format == "cyclonedx-json":  # streamed: a huge inventory's SBOM is never whole
            cyclonedx_json.write(inventory, out, args.reproducible, __version__)
        else:
            text = render(inventory, args.format, args.reproducible, __version__)
            out.write(text)
    from scanner.commands import options

    if args.check_minimum:
        _check_minimum(text, inventory, args)
    options.print_issues(inventory.issues)
    print(
        f"icts-scan: {len(inventory.components)} components from {len(inventory.files)} files"
        + (f", {len(inventory.issues)} issues" if inventory.issues else ""),
        file=sys.stderr,
    )
    if args.strict and inventory.issues:
        return 3
    return 0


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
    print("icts-scan: SBOM minimum elements (CISA 2025 draft):", file=sys.stderr)
    for line in minimum.report(elements):
        print(f"  {line}", file=sys.stderr)
