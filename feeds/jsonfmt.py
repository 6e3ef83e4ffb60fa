"""Canonical, review-friendly JSON: one record field per line, small facts kept on one line."""

from __future__ import annotations

import json
from typing import Any

# A container whose one-line form fits in this width stays on one line (unless it is a record).
WIDTH = 160


def _flat(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) or _flat_list(v) for v in value.values())
    return _flat_list(value)


def _flat_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _fmt(value: Any, indent: int, record: bool) -> str:
    if not isinstance(value, (dict, list)):
        return _one_line(value)
    line = _one_line(value)
    if not record and (_flat(value) or not value) and len(line) + indent <= WIDTH:
        return line
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        body = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_fmt(v, indent + 2, record=False)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    # Items of a top-level "records" list are records: always one field per line.
    body = ",\n".join(inner + _fmt(v, indent + 2, record=False) for v in value)
    return "[\n" + body + "\n" + pad + "]"


def dumps(doc: Any) -> str:
    """Format a data file; records (items of the top-level ``records`` list) span lines."""
    if not isinstance(doc, dict):
        return _one_line(doc) + "\n"
    lines = []
    for k, v in doc.items():
        if k == "records" and isinstance(v, list):
            items = ",\n".join("    " + _fmt(r, 4, record=True) for r in v)
            text = "[\n" + items + "\n  ]" if v else "[]"
        else:
            text = _fmt(v, 2, record=False)
        lines.append(f"  {json.dumps(k, ensure_ascii=False)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
