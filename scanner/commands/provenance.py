"""``icts-scan provenance``: the full provenance of components as JSON, each fact with source and strength."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from scanner.commands import options
from scanner.text import document, echo


def register(sub: Any) -> None:
    """Add the ``provenance`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "provenance",
        help="show what every source says about who stands behind components (JSON)",
        description="Inventory PATH (or read --sbom), enrich the components with provenance "
        "from registries, code hosts, git history and local metadata, and print it as JSON: "
        "every fact with its field, value, source URL, fetch time and strength, and every "
        "source that could not answer with its reason.",
    )
    p.add_argument("path", nargs="?", default=".", help="folder to inventory (default: .)")
    p.add_argument("--sbom", metavar="FILE", help="read this CycloneDX/SPDX document instead")
    p.add_argument("--purl", action="append", default=[], help="only this component (repeatable)")
    p.add_argument("--offline", action="store_true", help="use only the cache and local files")
    p.add_argument("--config", metavar="FILE", help="policy file (default: found in PATH)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument(
        "--verify-attestations", action="store_true", help="verify Sigstore attestations"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    options.add_lookup_limits(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Inventory, select, enrich, print."""
    from sbom.build import inventory_from_tree
    from sbom.model import Inventory
    from sbom.safe_text import json_text
    from scanner import config as configuration
    from scanner.enrich.context import open_context
    from scanner.enrich.run import enrich
    from scanner.enrich.sources import ENRICHERS, LATER
    from scanner.net.endpoints import EndpointError

    try:
        cfg = configuration.load(args.config or configuration.find(args.path))
        cfg = options.lookup_policy(cfg, args, args.path)
    except configuration.ConfigError as exc:
        echo(f"icts-scan: error: {exc}", file=sys.stderr)
        return 2
    if args.sbom:
        from sbom.ingest import ingest_file

        inventory = ingest_file(args.sbom)
    else:
        inventory = inventory_from_tree(args.path)
    if args.purl:
        wanted = set(args.purl)
        comps = tuple(c for c in inventory.components if c.purl in wanted)
        missing = wanted - {c.purl for c in comps}
        if missing:
            echo(
                f"icts-scan: error: not in the inventory: {', '.join(sorted(missing))}",
                file=sys.stderr,
            )
            return 2
        inventory = Inventory(root=inventory.root, components=comps)
    ctx = open_context(
        endpoints=cfg.endpoints,
        tree_endpoints=cfg.tree_endpoints,
        offline=args.offline or cfg.offline,
        root=None if args.sbom else args.path,
        use_cache=not args.no_cache,
        verify=args.verify_attestations,
        max_time=args.max_time,
        negative_ttl=cfg.negative_ttl,
    )
    try:
        result = enrich(inventory, ctx, ENRICHERS, LATER)
    except EndpointError as exc:
        echo(f"icts-scan: error: {exc}", file=sys.stderr)
        return 2
    finally:
        ctx.client.close()
    doc = {
        "coverage": asdict(result.coverage),
        "components": [asdict(p) for p in result.provenance.values()],
    }
    # Registry text may hold a lone surrogate: escaped, as in every JSON report.
    text = json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        document(text)
    cov = result.coverage
    echo(
        f"icts-scan: provenance known for {cov.known} of {cov.components} components",
        file=sys.stderr,
    )
    return 0
