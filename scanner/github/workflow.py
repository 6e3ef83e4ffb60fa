"""GitHub workflow commands and files: escaping, step outputs, annotations on lockfile lines."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from scanner.assess.model import SEVERITY_RANK
from scanner.text import inert

# GitHub shows at most 10 annotations of each level per step and drops the rest silently
# (research/integrations.md §4.3): the top findings get one, the summary has them all.
MAX_ANNOTATIONS = 10


def escape_data(text: str) -> str:
    """A workflow-command message: % and line breaks encoded, other controls made inert."""
    return inert(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def workflow_command(name: str, message: str = "", **props: str) -> None:
    """Print one workflow command (``::name props::message``), every part escaped."""
    prop_text = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    emit(f"::{name}{' ' + prop_text if prop_text else ''}::{escape_data(message)}")


def emit(line: str) -> None:
    """Print a workflow command built by this module's escapers (``workflow_command``, annotations)."""
    print(line, flush=True)


def escape_property(text: str) -> str:
    """A workflow-command property value: also : and , encoded."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def set_output(path: str, name: str, value: str) -> None:
    """Append to $GITHUB_OUTPUT; a multi-line value goes in a heredoc with a fresh delimiter."""
    with open(path, "a", encoding="utf-8") as fh:
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            fh.write(f"{name}={value}\n")


def active(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Findings that count: a diff report's new ones, a scan's all; never waived or info."""
    found = doc["new_findings"] if "diff_version" in doc else doc.get("findings", [])
    # Informational "unknown provenance" notes are coverage, not findings worth counting.
    return [f for f in found if not f.get("waiver") and f["severity"] != "info"]


def _where(f: Mapping[str, Any], root: str, workspace: str) -> tuple[str | None, int | None]:
    for loc in f.get("locations", []):
        # Report paths are relative to the scanned folder; annotations want the repository's.
        for base in (root, workspace):
            full = os.path.join(base, loc["path"])
            if os.path.isfile(full):
                return os.path.relpath(full, workspace).replace(os.sep, "/"), loc.get("line")
    return None, None


def annotation_lines(doc: Mapping[str, Any], root: str, workspace: str) -> list[str]:
    """Commands for the most severe findings: errors at or above fail-on, warnings below."""
    fail_on = SEVERITY_RANK.get(str(doc.get("fail_on") or "high"), 3)
    ranked = sorted(active(doc), key=lambda f: (-SEVERITY_RANK[f["severity"]], f["purl"]))
    lines = []
    for f in ranked[:MAX_ANNOTATIONS]:
        level = "error" if SEVERITY_RANK[f["severity"]] >= fail_on else "warning"
        props = {"title": f"icts-scan: {f['severity']} {f['check']} indicator"}
        path, line = _where(f, root, workspace)
        if path:
            props = {"file": path, **({"line": str(line)} if line else {}), **props}
        who = f.get("entity_name") or f.get("entity")
        text = f"{unquote(f['purl'])}: {f['reason']}" + (f" Entity: {who}." if who else "")
        prop_text = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
        lines.append(f"::{level} {prop_text}::{escape_data(text)}")
    if len(ranked) > MAX_ANNOTATIONS:
        more = len(ranked) - MAX_ANNOTATIONS
        lines.append(f"::notice::icts-scan: {more} more findings; see the job summary or SARIF.")
    return lines
