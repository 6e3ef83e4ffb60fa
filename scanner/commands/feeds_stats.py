"""``icts-scan feeds stats``: counts, code-level coverage per ecosystem, and the CSL snapshot's state."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any

from sbom.safe_text import json_text
from scanner.commands.feeds import EXIT_OK, EXIT_PROBLEMS, load
from scanner.text import document, echo


def stats(args: argparse.Namespace) -> int:
    import feeds.load  # noqa: F401 - imported before timing: the figure is the load, not imports

    start = time.perf_counter()
    fs = load(args)
    if fs is None:
        return EXIT_PROBLEMS
    from feeds.coverage import summary
    from feeds.stats import stats
    from feeds.updaters.snapshot import default_url

    data = stats(fs, (time.perf_counter() - start) * 1000)
    data["code_level"] = summary(fs.entities, fs.sources)
    if data.get("csl") is not None:
        # Where `feeds update` fetches the full list from, so a sample is never mistaken for it.
        data["csl"]["full_list_from"] = default_url()
    if args.format == "json":
        document(json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
        return EXIT_OK
    for key, value in data.items():
        if key == "code_level":
            _code_level(value)
        elif key == "csl":
            _csl(value)
        elif isinstance(value, dict):
            echo(f"{key}:")
            for k, v in value.items():
                echo(f"  {k}: {v}")
        else:
            echo(f"{key}: {value}")
    return EXIT_OK


def _code_level(c: dict[str, Any]) -> None:
    echo(
        f"code-level identifiers: {c['identifiers']} in {c['ecosystems_with_identifiers']} "
        f"of {len(c['by_ecosystem'])} ecosystems ({c['unverified']} unverified)"
    )
    for title, key in (("by ecosystem", "by_ecosystem"), ("by scope", "by_scope")):
        echo(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in c[key].items()))
    echo("  resting on: " + ", ".join(f"{k} {v}" for k, v in c["by_basis"].items()))
    none = c["entities_without_identifiers"]
    echo(
        f"  entities without any identifier: {len(none)}" + (": " + ", ".join(none) if none else "")
    )
    echo(f"  entities without code-level identifiers: {len(c['entities_without_code_level'])}")
    _disputed(c["disputed"])


def _disputed(items: list[dict[str, str]]) -> None:
    """Disputed identifiers, and those held past the review period of CONTRIBUTING.md."""
    from feeds.coverage import HOLD_DAYS

    echo(f"  disputed identifiers: {len(items)}")
    today = dt.date.today()
    for d in items:
        held = (today - dt.date.fromisoformat(d["since"])).days
        late = f"  OVERDUE: held {held} days (limit {HOLD_DAYS})" if held > HOLD_DAYS else ""
        echo(f"    {d['entity']} {d['kind']}:{d['value']} disputed since {d['since']}{late}")


def _csl(csl: dict[str, Any] | None) -> None:
    if csl is None:
        echo("csl: no snapshot")
        return
    if csl["complete"]:
        echo(f"csl: full list, {csl['records']} parties, retrieved {csl['retrieved']}")
        return
    echo(
        f"csl: SAMPLE, not the full list: {csl['records']} parties from {csl['source_url']} "
        f"(retrieved {csl['retrieved']}); `icts-scan feeds update` fetches the full list "
        f"from {csl['full_list_from']}"
    )
