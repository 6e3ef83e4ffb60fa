"""Declared licenses: what lockfiles write, and how CycloneDX and SPDX carry it."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

_TOKENS = re.compile(r"\(|\)|[^\s()]+")
_OPERATORS = frozenset({"AND", "OR", "WITH"})
# npm's placeholders for "no license given" or "see a file": nothing declared.
_NOT_DECLARED = frozenset({"UNLICENSED", "NONE", "NOASSERTION", ""})


def declared(value: Any) -> tuple[str, ...]:
    """License strings from a lockfile field: one string, or a list (Composer: any of them)."""
    items = value if isinstance(value, list) else [value]
    out = [v.strip() for v in items if isinstance(v, str) and v.strip() not in _NOT_DECLARED]
    return tuple(dict.fromkeys(v for v in out if v and not v.upper().startswith("SEE LICENSE")))


@lru_cache(maxsize=1)
def _spdx_ids() -> frozenset[str] | None:
    # The SPDX license and exception list cyclonedx-python-lib ships for its own validation,
    # read directly: its public cyclonedx.spdx costs ~30 ms to import (license-expression),
    # this ~5 ms. A library version that moved the file falls back to the public API; a test
    # checks both agree.
    try:
        from cyclonedx.schema._res import SPDX_JSON

        with open(SPDX_JSON, encoding="utf-8") as fh:
            return frozenset(json.load(fh)["enum"])
    except (ImportError, OSError, ValueError, KeyError, TypeError):
        return None


def is_id(value: str) -> bool:
    """A license identifier on the SPDX list."""
    ids = _spdx_ids()
    if ids is None:
        from cyclonedx.spdx import is_supported_id

        return bool(is_supported_id(value))
    return value in ids


def is_expression(value: str) -> bool:
    """A well-formed SPDX expression over listed ids (or LicenseRef-s), operators and parentheses."""
    depth, expect_id = 0, True
    for token in _TOKENS.findall(value):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0 or expect_id:
                return False
        elif token.upper() in _OPERATORS:
            if expect_id:
                return False
            expect_id = True
        else:
            if not expect_id:
                return False
            bare = token.removesuffix("+")
            if not (is_id(bare) or bare.startswith(("LicenseRef-", "DocumentRef-"))):
                return False
            expect_id = False
    return depth == 0 and not expect_id


def as_expression(licenses: tuple[str, ...]) -> str | None:
    """One SPDX expression for all declared values (alternatives joined by OR), or None."""
    if not licenses or not all(is_expression(v) for v in licenses):
        return None
    if len(licenses) == 1:
        return licenses[0]
    return " OR ".join(f"({v})" if " " in v else v for v in licenses)


def cyclonedx(licenses: tuple[str, ...]) -> list[dict[str, Any]]:
    """CycloneDX ``licenses``: an id by id, an expression (alternatives: OR) as one, text by name."""
    if not licenses:
        return []
    if len(licenses) == 1 and is_id(licenses[0]):
        return [{"license": {"id": licenses[0]}}]
    expression = as_expression(licenses)
    if expression is not None:
        return [{"expression": expression}]
    return [{"license": {"id": v} if is_id(v) else {"name": v}} for v in licenses]
