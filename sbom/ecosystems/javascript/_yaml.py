"""A fast reader for the block YAML that pnpm and yarn berry write; the rest goes to the safe loader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sbom.loaders import load_yaml

# Plain scalars the lockfile writers emit unquoted that are not strings.
_PLAIN: dict[str, Any] = {"true": True, "false": False, "null": None, "~": None}
# A value starting with one of these is an anchor, alias, tag, block scalar or reserved.
_SPECIAL = frozenset("&*!|>%@`?")
_QUOTED_OR_SPECIAL = _SPECIAL | frozenset("'\"{[-")


class _Unsupported(Exception):
    """The text uses YAML beyond the lockfile subset: the safe loader reads it instead."""


def load(text: str, skip: frozenset[str] = frozenset(), skip_depth: int = 0) -> Any:
    """Parse lockfile YAML: a line-based fast path, else the safe loader (whose errors carry lines).

    The C loader spends ~150 ms on a 2,000-package pnpm lockfile; this subset reader is
    several times faster. Anything it does not recognize (multi-line scalars, anchors,
    tags, nested flow collections, odd indentation) sends the whole text to ``load_yaml``,
    so results never differ in meaning, only in speed. Keys in ``skip`` found at nesting
    depth ``skip_depth`` (1 = top level) are left out on the fast path, values unread:
    callers must not rely on them being absent.
    """
    try:
        return _fast(text, skip, skip_depth)
    except _Unsupported:
        return load_yaml(text)


def _lines(text: str, size: int = 1 << 20) -> Iterator[str]:
    """``text.split("\\n")`` a megabyte at a time: a 40 MB lockfile's million lines are never
    all held at once beside the document being built (~90 MB less at the peak)."""
    start, end = 0, len(text)
    while start <= end:
        stop = text.find("\n", start + size)
        if stop < 0:
            stop = end
        yield from text[start:stop].split("\n")
        start = stop + 1


def _fast(text: str, skip: frozenset[str], skip_depth: int) -> Any:
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    root: dict[str, Any] = {}
    # The current container, the indent of the key that owns it and of its entries (-1 until
    # the first line sets the root's); enclosing ones wait on the stack.
    cont: Any = root
    owner_indent, child_indent, depth = -1, -1, 1
    stack: list[tuple[int, int, Any]] = []
    pending: str | None = None  # a "key:" line whose value is the block that follows
    pending_indent = 0
    skip_indent = -1  # while >= 0: inside a skipped block opened at this indent
    for raw in _lines(text):
        s = raw.lstrip(" ")
        if not s or s[0] == "#":
            continue
        indent = len(raw) - len(s)
        if skip_indent >= 0:
            if indent > skip_indent:
                continue
            skip_indent = -1
        if pending is not None:
            if indent > pending_indent:
                child: Any = [] if s[0] == "-" and (len(s) == 1 or s[1] == " ") else {}
                cont[pending] = child
                stack.append((owner_indent, child_indent, cont))
                cont, owner_indent, child_indent = child, pending_indent, indent
                depth += 1
            else:
                cont[pending] = None
            pending = None
        while indent <= owner_indent:
            owner_indent, child_indent, cont = stack.pop()
            depth -= 1
        if indent != child_indent:
            if child_indent >= 0:
                raise _Unsupported  # continuation lines or inconsistent indentation
            child_indent = indent
        c = s[0]
        if c == "-" and (len(s) == 1 or s[1] == " "):
            item = s[2:].strip()
            if type(cont) is not list or ": " in item or item.endswith(":"):
                raise _Unsupported
            cont.append(_scalar(item))
            continue
        if type(cont) is not dict:
            raise _Unsupported
        if c == "'" or c == '"':
            key, rest = _quoted_key(s)
        else:
            if c in _SPECIAL or c in "[{\t":  # tabs never indent YAML
                raise _Unsupported
            cut = s.find(": ")
            if cut > 0:
                key, rest = s[:cut], s[cut + 2 :]
            elif s[-1] == ":":
                key, rest = s[:-1], ""
            else:
                raise _Unsupported
        if depth == skip_depth and key in skip:
            if not rest:
                skip_indent = indent
            continue
        if rest[:1] == " " or rest[-1:] == " ":
            rest = rest.strip()
        if not rest:
            pending, pending_indent = key, indent
            continue
        c = rest[0]
        if c in _QUOTED_OR_SPECIAL or " #" in rest or ": " in rest:
            cont[key] = _scalar(rest)
        else:
            cont[key] = _PLAIN.get(rest, rest) if len(rest) <= 5 else rest
    if pending is not None:
        cont[pending] = None
    return root


def _quoted_key(s: str) -> tuple[str, str]:
    """``'key': value`` / ``"key":`` → (key, value); value is empty for a block opener."""
    quote = s[0]
    end = s.find(quote, 1)
    after = s[end + 1 :] if end > 0 else ""
    if end < 0 or not after.startswith(":") or (quote == '"' and "\\" in s[:end]):
        raise _Unsupported
    rest = after[1:]
    if rest and rest[0] != " ":
        raise _Unsupported  # also '' escapes inside a single-quoted key
    return s[1:end], rest.strip()


def _scalar(v: str) -> Any:
    c = v[0]
    if c == "'":
        if len(v) < 2 or v[-1] != "'":
            raise _Unsupported
        return v[1:-1].replace("''", "'")
    if c == '"':
        if len(v) < 2 or v[-1] != '"':
            raise _Unsupported
        if "\\" not in v:
            return v[1:-1]
        try:
            return json.loads(v)
        except ValueError:
            raise _Unsupported from None
    if c == "{" or c == "[":
        return _flow(v)
    if c in _SPECIAL or " #" in v or ": " in v or v[:2] == "- ":
        raise _Unsupported  # comments, nested mappings and such are the safe loader's
    return _PLAIN.get(v, v) if len(v) <= 5 else v


def _flow(v: str) -> Any:
    """One-level flow collections: ``{integrity: sha512-…, tarball: …}``, ``[darwin, linux]``."""
    close = "}" if v[0] == "{" else "]"
    inner = v[1:-1].strip()
    if v[-1] != close or "{" in inner or "[" in inner:
        raise _Unsupported
    parts = inner.split(", ") if inner else []
    if close == "]":
        return [_scalar(p.strip()) for p in parts]
    out: dict[str, Any] = {}
    for part in parts:
        key, sep, value = part.partition(": ")
        if not sep or not key or not value.strip():
            raise _Unsupported
        k = _scalar(key.strip())
        if not isinstance(k, str):
            raise _Unsupported
        out[k] = _scalar(value.strip())
    return out
