"""Safe decoders for the data formats lockfiles use; errors carry a line number."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sbom.errors import ParseError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# tomli (a dependency on every Python) rather than the stdlib tomllib: its compiled
# wheels parse 3-4x faster, which matters for multi-megabyte uv.lock and Cargo.lock files.
import tomli as tomllib

# Nesting deeper than this is hostile or broken for every format we read.
MAX_DEPTH = 200


def load_json(text: str) -> Any:
    """Parse JSON; bad or hostile input becomes a ParseError with a line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise ParseError("JSON nested deeper than the parser allows") from None


def load_yaml(text: str) -> Any:
    """Parse YAML with the safe loader only; anchors/aliases are refused (alias bombs)."""
    import yaml  # imported here: most scans never read YAML, and it costs start-up time

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Aliases are the lever of "billion laughs" in YAML; lockfiles never use them.
        if "*" in text:
            for token in yaml.scan(text, Loader=loader):
                if isinstance(token, yaml.AliasToken):
                    line = token.start_mark.line + 1 if token.start_mark else None
                    raise ParseError("YAML aliases are not accepted in lockfiles", line)
        return yaml.load(text, Loader=loader)  # a safe loader only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ParseError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ParseError("YAML nested too deeply") from None


def load_toml(text: str) -> dict[str, Any]:
    """Parse TOML; the error message carries '(at line N, column M)'."""
    try:
        doc: dict[str, Any] = tomllib.loads(text)
        return doc
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = None
        if "(at line " in msg:
            try:
                line = int(msg.rsplit("(at line ", 1)[1].split(",", 1)[0])
            except ValueError:
                line = None
        raise ParseError(f"invalid TOML: {msg}", line) from None
    except RecursionError:
        raise ParseError("TOML nested too deeply") from None


def parse_xml(data: bytes | str) -> Element:
    """Parse XML through defusedxml: no entities, no external references, no DTD tricks."""
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        return root
    except DefusedXmlException as exc:
        raise ParseError(f"refused hostile XML: {type(exc).__name__}") from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ParseError(f"invalid XML: {exc}", line) from None


def depth_ok(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when nested containers stay within ``limit`` levels (iterative, no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return True
