"""A small, fast validator for the subset of JSON Schema that feeds/data/schema.json uses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from feeds.errors import Problem

SCHEMA_PATH = Path(__file__).parent / "data" / "schema.json"

# path is a mutable list of keys/indexes; errors collects (path, message) pairs.
Path_ = list[str | int]
Errors = list[tuple[tuple[str | int, ...], str]]
Check = Callable[[Any, Path_, Errors], None]

_IGNORED = frozenset({"description", "title", "$schema", "$id", "default", "$comment"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


class Schema:
    """Compiles schema definitions once into closures; ``check(feed, doc)`` validates a file."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._defs: dict[str, Any] = document["$defs"]
        self._compiled: dict[str, Check] = {}

    def feeds(self) -> tuple[str, ...]:
        """The ``feed`` values a data file may declare."""
        return tuple(
            d["properties"]["feed"]["const"]
            for d in self._defs.values()
            if isinstance(d, dict) and "feed" in d.get("properties", {})
        )

    def file_check(self, feed: str) -> Check | None:
        for name, d in self._defs.items():
            if isinstance(d, dict) and d.get("properties", {}).get("feed", {}).get("const") == feed:
                return self._ref(name)
        return None

    def _ref(self, name: str) -> Check:
        if name not in self._compiled:
            # A placeholder first, so recursive references resolve to the finished check.
            holder: list[Check] = []
            self._compiled[name] = lambda v, p, e: holder[0](v, p, e)
            holder.append(self._compile(self._defs[name]))
            self._compiled[name] = holder[0]
        return self._compiled[name]

    def _ref_check(self, name: str) -> Check:
        def check(v: Any, p: Path_, e: Errors) -> None:
            self._ref(name)(v, p, e)

        return check

    def _compile(self, node: dict[str, Any]) -> Check:
        checks: list[Check] = []
        for key in node:
            if key not in _IGNORED and key not in _KEYWORDS:
                raise ValueError(f"schema keyword {key!r} is not supported by feeds.schema")
        if "$ref" in node:
            checks.append(self._ref_check(node["$ref"].removeprefix("#/$defs/")))
        if "type" in node:
            checks.append(_type_check(node["type"]))
        if "const" in node:
            checks.append(_const_check(node["const"]))
        if "enum" in node:
            checks.append(_enum_check(node["enum"]))
        if "pattern" in node:
            checks.append(_pattern_check(node["pattern"]))
        if "minLength" in node or "maxLength" in node:
            checks.append(_length_check(node.get("minLength", 0), node.get("maxLength")))
        if "minimum" in node:
            checks.append(_minimum_check(node["minimum"]))
        if "anyOf" in node:
            checks.append(self._any_of([self._compile(n) for n in node["anyOf"]]))
        if "properties" in node or "required" in node or "additionalProperties" in node:
            checks.append(self._object_check(node))
        if "items" in node or "minItems" in node or "uniqueItems" in node:
            checks.append(self._array_check(node))
        if len(checks) == 1:
            return checks[0]

        def run_all(v: Any, p: Path_, e: Errors) -> None:
            for c in checks:
                before = len(e)
                c(v, p, e)
                if len(e) > before:  # one message per value is enough, and type errors come first
                    return

        return run_all

    def _any_of(self, options: list[Check]) -> Check:
        def check(v: Any, p: Path_, e: Errors) -> None:
            for option in options:
                scratch: Errors = []
                option(v, p, scratch)
                if not scratch:
                    return
            e.append((tuple(p), f"{_show(v)} does not match any allowed form"))

        return check

    def _object_check(self, node: dict[str, Any]) -> Check:
        props = {k: self._compile(v) for k, v in node.get("properties", {}).items()}
        required = tuple(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        extra_check = self._compile(extra) if isinstance(extra, dict) else None
        allowed = ", ".join(props)

        def check(v: Any, p: Path_, e: Errors) -> None:
            if not isinstance(v, dict):
                return
            for key in required:
                if key not in v:
                    e.append(((*p, key), "missing required key"))
            for key, value in v.items():
                sub = props.get(key)
                p.append(key)
                if sub is not None:
                    sub(value, p, e)
                elif extra_check is not None:
                    extra_check(value, p, e)
                elif extra is False:
                    e.append((tuple(p), f"unknown key (allowed: {allowed})"))
                p.pop()

        return check

    def _array_check(self, node: dict[str, Any]) -> Check:
        item = self._compile(node["items"]) if "items" in node else None
        min_items = node.get("minItems", 0)
        unique = node.get("uniqueItems", False)

        def check(v: Any, p: Path_, e: Errors) -> None:
            if not isinstance(v, list):
                return
            if len(v) < min_items:
                e.append((tuple(p), f"needs at least {min_items} item(s)"))
            if unique:
                seen = [json.dumps(x, sort_keys=True) for x in v]
                if len(set(seen)) != len(seen):
                    e.append((tuple(p), "items must be unique"))
            if item is not None:
                for i, value in enumerate(v):
                    p.append(i)
                    item(value, p, e)
                    p.pop()

        return check


_KEYWORDS = frozenset(
    {
        "$ref", "type", "const", "enum", "pattern", "minLength", "maxLength", "minimum",
        "anyOf", "properties", "required", "additionalProperties", "items",
        "minItems", "uniqueItems",
    }
)  # fmt: skip


def _show(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_check(expected: str | list[str]) -> Check:
    names = [expected] if isinstance(expected, str) else list(expected)
    tests = [_TYPES[n] for n in names]

    def check(v: Any, p: Path_, e: Errors) -> None:
        if not any(t(v) for t in tests):
            e.append((tuple(p), f"expected {' or '.join(names)}, found {_show(v)}"))

    return check


def _const_check(const: Any) -> Check:
    def check(v: Any, p: Path_, e: Errors) -> None:
        if v != const or type(v) is not type(const):
            e.append((tuple(p), f"must be {_show(const)}, found {_show(v)}"))

    return check


def _enum_check(options: list[Any]) -> Check:
    allowed = frozenset(options)
    listing = ", ".join(str(o) for o in options)

    def check(v: Any, p: Path_, e: Errors) -> None:
        if not isinstance(v, (str, int, bool)) or v not in allowed:
            e.append((tuple(p), f"unknown value {_show(v)} (allowed: {listing})"))

    return check


def _pattern_check(pattern: str) -> Check:
    regex = re.compile(pattern)

    def check(v: Any, p: Path_, e: Errors) -> None:
        if isinstance(v, str) and not regex.search(v):
            e.append((tuple(p), f"{_show(v)} is not of the expected form /{pattern}/"))

    return check


def _length_check(low: int, high: int | None) -> Check:
    def check(v: Any, p: Path_, e: Errors) -> None:
        if isinstance(v, str) and (len(v) < low or (high is not None and len(v) > high)):
            e.append((tuple(p), f"length {len(v)} is outside {low}..{high or 'any'}"))

    return check


def _minimum_check(low: float) -> Check:
    def check(v: Any, p: Path_, e: Errors) -> None:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v < low:
            e.append((tuple(p), f"must be at least {low}"))

    return check


@cache
def shipped_schema() -> Schema:
    """The schema kept beside the data (read once per process)."""
    return Schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validate(file: str, doc: Any, schema: Schema | None = None) -> list[Problem]:
    """Problems of one parsed data file, each naming file, record and field."""
    schema = schema or shipped_schema()
    if not isinstance(doc, dict):
        return [Problem(file, None, None, "a data file must hold one JSON object")]
    feed = doc.get("feed")
    check = schema.file_check(feed) if isinstance(feed, str) else None
    if check is None:
        allowed = ", ".join(schema.feeds())
        return [Problem(file, None, "feed", f"unknown feed {_show(feed)} (allowed: {allowed})")]
    errors: Errors = []
    check(doc, [], errors)
    return [_problem(file, doc, path, message) for path, message in errors]


def _problem(file: str, doc: dict[str, Any], path: tuple[str | int, ...], message: str) -> Problem:
    record: str | None = None
    rest = path
    if len(path) >= 2 and path[0] == "records" and isinstance(path[1], int):
        records = doc.get("records")
        item = records[path[1]] if isinstance(records, list) else None
        rid = item.get("id") if isinstance(item, dict) else None
        record = f"{rid!r} (#{path[1] + 1})" if isinstance(rid, str) else f"#{path[1] + 1}"
        rest = path[2:]
    return Problem(file, record, format_path(rest) or None, message)


def format_path(path: tuple[str | int, ...]) -> str:
    """``('identifiers', 3, 'kind')`` → ``identifiers[3].kind``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
