"""Elixir mix.lock: hex and git dependencies, checksums and the graph, read without running Elixir."""

from __future__ import annotations

import re
from typing import Any

from sbom import hashes, purl, vcs
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship

NAME = "hex/mix-lock"
TITLE = "mix.lock (Elixir/Hex)"
PATTERNS = ("mix.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# mix.lock is an Elixir term (a map literal). Evaluating it would execute code, so this is a
# tokenizer for the small literal subset mix writes: maps, tuples, lists, strings, atoms,
# keyword pairs and bare words (true/false/nil/numbers). Commas only separate.
_TOKEN = re.compile(
    r"""(?P<skip>[\s,]+|\#[^\n]*)
    |(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<kw>[A-Za-z_][A-Za-z0-9_?!@]*:(?=[\s\]}]))
    |(?P<atom>:(?:[A-Za-z_][A-Za-z0-9_?!@]*|"(?:[^"\\]|\\.)*"))
    |(?P<open>%\{|[{\[])
    |(?P<close>[}\]])
    |(?P<arrow>=>|:)
    |(?P<word>[A-Za-z0-9_.+-]+)""",
    re.VERBOSE | re.DOTALL,
)
_CLOSE = {"%{": "}", "{": "}", "[": "]"}
# Real locks nest five deep; anything far beyond is hostile and must not exhaust the stack.
_MAX_DEPTH = 64


class Atom(str):
    """An Elixir atom (``:hex``), kept apart from strings."""

    __slots__ = ()


def parse(text: str, path: str) -> ParseResult:
    """Parse a mix.lock; git dependencies take their commit as version (mix records none)."""
    index = LineIndex(text)
    entries = _Reader(text, index).read()
    comps: dict[str, Component] = {}
    deps: dict[str, list[Any]] = {}
    issues: list[ParseIssue] = []
    for key, (value, offset) in entries.items():
        line = index.line_of(offset)
        comp, dep_list = _component(key, value, path, line)
        if comp is None:
            issues.append(
                ParseIssue(path, line, f"{NAME}: entry {key!r} is not a hex or git lock tuple")
            )
            continue
        comps[key] = comp
        deps[key] = dep_list
    edges: set[Relationship] = set()
    for key, dep_list in deps.items():
        for dep in dep_list:
            # {:app, "~> 1.0", [hex: :pkg, repo: "hexpm", optional: false]}: the lock is keyed by app.
            if isinstance(dep, tuple) and dep and isinstance(dep[0], Atom) and dep[0] in comps:
                edges.add(Relationship(comps[key].purl, comps[dep[0]].purl))
    ordered = sorted(edges, key=lambda e: (e.source, e.target))
    return ParseResult(tuple(comps.values()), tuple(ordered), tuple(issues))


def _component(key: str, value: Any, path: str, line: int) -> tuple[Component | None, list[Any]]:
    if (
        not isinstance(value, tuple)
        or len(value) < 3
        or not all(isinstance(v, str) for v in value[:3])
    ):
        return None, []
    where = (Location(path, line),)
    if value[0] == "hex" and isinstance(value[1], Atom) and not isinstance(value[2], Atom):
        # {:hex, :pkg, version, inner_checksum, managers, deps, repo, outer_checksum}; older
        # locks stop after deps or after the inner checksum. Only the outer checksum is the
        # SHA-256 of the downloaded tarball; the inner one hashes its contents, not the artifact.
        pkg, version = str(value[1]), value[2]
        dep_list = value[5] if len(value) > 5 and isinstance(value[5], list) else []
        # The repository *name* ("hexpm", "hexpm:org" or one added with `mix hex.repo add`);
        # the lock records no URL, and locks older than Hex 0.18 not even the name.
        repo = value[6] if len(value) > 6 and isinstance(value[6], str) else ""
        outer = value[7] if len(value) > 7 and isinstance(value[7], str) else None
        digest = hashes.from_hex("sha256", outer) if outer else None
        # "hexpm:acme" is organization acme on the Hex registry; the hex purl spells it as a namespace.
        org = repo.partition(":")[2] if repo.startswith("hexpm:") else None
        comp = Component(
            purl=purl.purl("hex", pkg, version, namespace=org),
            ecosystem="hex",
            name=pkg,
            version=version,
            hashes=(digest,) if digest else (),
            registries=(repo,) if repo else (),
            locations=where,
        )
        return comp, dep_list
    if value[0] == "git" and not isinstance(value[1], Atom) and not isinstance(value[2], Atom):
        url, sha = value[1], value[2]
        # [branch: "main"] / [tag: "v1"] / [ref: ...]: what mix.exs asked for, kept as the requirement.
        opts = (
            dict(o for o in value[3] if isinstance(o, tuple) and len(o) == 2)
            if len(value) > 3 and isinstance(value[3], list)
            else {}
        )
        asked = next(
            (f"{k} {opts[k]}" for k in ("tag", "branch", "ref") if isinstance(opts.get(k), str)),
            None,
        )
        comp = Component(
            purl=purl.purl("hex", key, sha),
            ecosystem="hex",
            name=key,
            version=sha,
            source_kind="vcs",
            source_url=vcs.with_rev(url, sha),
            requirement=asked,
            locations=where,
        )
        return comp, []
    return None, []


class _Reader:
    """Recursive-descent reader over the token stream, depth-limited."""

    def __init__(self, text: str, index: LineIndex) -> None:
        self.text, self.index, self.pos = text, index, 0

    def read(self) -> dict[str, tuple[Any, int]]:
        """The top-level map: key → (term, offset of the key)."""
        kind, tok, start = self._next()
        if tok != "%{":
            raise ParseError("mix.lock does not start with a map '%{'", self.index.line_of(start))
        out: dict[str, tuple[Any, int]] = {}
        while True:
            kind, tok, start = self._next()
            if tok == "}":
                break
            if kind not in ("str", "kw"):
                raise ParseError(
                    f"expected a dependency name, found {tok or 'end of file'!r}",
                    self.index.line_of(start),
                )
            name = _unquote(tok) if kind == "str" else tok[:-1]
            if kind == "str":
                sep_kind, _, sep_at = self._next()
                if sep_kind != "arrow":
                    raise ParseError(f"expected ':' after {name!r}", self.index.line_of(sep_at))
            out[name] = (self._term(self._next(), 1), start)
        kind, tok, start = self._next()
        if kind != "eof":
            raise ParseError(f"unexpected {tok!r} after the map", self.index.line_of(start))
        return out

    def _next(self) -> tuple[str, str, int]:
        text = self.text
        while self.pos < len(text):
            m = _TOKEN.match(text, self.pos)
            if m is None:
                what = (
                    "unterminated string"
                    if text[self.pos] == '"'
                    else f"unexpected {text[self.pos]!r}"
                )
                raise ParseError(what, self.index.line_of(self.pos))
            start, self.pos = self.pos, m.end()
            kind = m.lastgroup or ""
            if kind != "skip":
                return kind, m.group(), start
        return "eof", "", len(text)

    def _term(self, token: tuple[str, str, int], depth: int) -> Any:
        kind, tok, start = token
        if depth > _MAX_DEPTH:
            raise ParseError(f"terms nested deeper than {_MAX_DEPTH}", self.index.line_of(start))
        if kind == "str":
            return _unquote(tok)
        if kind == "atom":
            return Atom(_unquote(tok[1:]) if tok[1:2] == '"' else tok[1:])
        if kind == "word":
            return tok
        if kind == "kw":  # keyword pair inside a list: `hex: :jason` is the tuple {:hex, :jason}
            return (Atom(tok[:-1]), self._term(self._next(), depth + 1))
        if kind != "open":
            raise ParseError(f"unexpected {tok or 'end of file'!r}", self.index.line_of(start))
        items: list[Any] = []
        close = _CLOSE[tok]
        while True:
            nxt = self._next()
            if nxt[1] == close and nxt[0] == "close":
                break
            if nxt[0] in ("close", "eof"):
                raise ParseError(
                    f"expected {close!r}, found {nxt[1] or 'end of file'!r}",
                    self.index.line_of(nxt[2]),
                )
            item = self._term(nxt, depth + 1)
            if tok == "%{":  # nested maps (not written by mix) are read and kept as pairs
                arrow = self._next()
                if arrow[0] != "arrow":
                    raise ParseError("expected '=>' in map", self.index.line_of(arrow[2]))
                item = (item, self._term(self._next(), depth + 1))
            items.append(item)
        return tuple(items) if tok == "{" else items


def _unquote(token: str) -> str:
    """Body of a double-quoted token; backslash escapes keep the escaped character."""
    body = token[1:-1]
    return re.sub(r"\\(.)", r"\1", body, flags=re.DOTALL) if "\\" in body else body
