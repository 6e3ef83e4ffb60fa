"""pip requirements files: pins, hashes, markers, index options, VCS/URL/path/editable lines, pip-compile annotations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from sbom import limits, purl
from sbom.ecosystems.python._common import (
    VCS_PREFIXES,
    dedupe,
    digest,
    from_filename,
    is_archive,
    parse_requirement,
    pep508_name,
    sort_edges,
    url_source,
)
from sbom.lines import iter_lines
from sbom.model import Component, Hash, Location, ParseIssue, ParseResult, Relationship

NAME = "pypi/requirements"
TITLE = "pip requirements and constraints files"
PATTERNS = ("requirements*.txt", "*requirements.txt", "requirements/*.txt", "constraints*.txt")
SUPERSEDED_BY: tuple[str, ...] = ()

# pip's own rule: a comment starts at a "#" that begins the line or follows whitespace,
# so "#egg=" and "#sha256=" URL fragments survive.
_COMMENT = re.compile(r"(^|\s+)#.*$")
_NAMED_URL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@")
_EGG = re.compile(r"[#&]egg=([^&\s]+)")
_INDEX_OPTS = {"-i", "--index-url", "--extra-index-url", "-f", "--find-links"}
# Options that take a value; the value must not be mistaken for a requirement.
_VALUE_OPTS = _INDEX_OPTS | {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "--hash", "--trusted-host",
    "--no-binary", "--only-binary", "--use-feature", "--config-settings", "-C", "--global-option",
}  # fmt: skip
MAX_ISSUES = 20


def _logical_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """(first line number, code without comment, comment text) with backslash continuations joined."""
    buf: list[str] = []
    start = 0
    for n, raw in enumerate(iter_lines(text), 1):
        if raw.endswith("\\") and not raw.lstrip().startswith("#"):
            if not buf:
                start = n
            buf.append(raw[:-1])
            continue
        if buf:
            buf.append(raw)
            line, buf = " ".join(buf), []
        else:
            line, start = raw, n
        m = _COMMENT.search(line) if "#" in line else None
        if m:
            yield start, line[: m.start()].strip(), m.group(0).strip()[1:]
        else:
            yield start, line.strip(), ""
    if buf:
        yield start, " ".join(buf).strip(), ""


def _options(tokens: list[str]) -> list[tuple[str, str]]:
    """(option, value) pairs from ``--opt=value``, ``--opt value`` and ``-ovalue`` tokens."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("--") and "=" in tok:
            opt, _, val = tok.partition("=")
        elif tok in _VALUE_OPTS and i + 1 < len(tokens):
            opt, val = tok, tokens[i + 1]
            i += 1
        elif tok[:2] in ("-i", "-f", "-r", "-c", "-e") and len(tok) > 2:
            opt, val = tok[:2], tok[2:]
        else:
            opt, val = tok, ""
        out.append((opt, val))
        i += 1
    return out


class _Req(NamedTuple):
    name: str
    version: str | None
    fields: dict[str, Any]  # requirement, or source_kind/source_url/resolved
    line: int
    hashes: tuple[Hash, ...]
    via: list[str]  # pip-compile "# via" items, filled in as the notes are read


def _entry(arg: str) -> tuple[str, str | None, dict[str, Any]] | None:
    """(name, version, fields) of one requirement argument; None for the project itself (``.``)."""
    target = arg.split(";", 1)[0].strip()
    if target.split("[", 1)[0].rstrip("/") in (".", "file:."):
        return None
    looks_url = "://" in target or target.startswith(VCS_PREFIXES)
    bare = looks_url or target.startswith((".", "/", "~")) or is_archive(target)
    if not bare or _NAMED_URL.match(target):
        name, version, spec, url = parse_requirement(arg)
        if url is None:
            return name, version, {"requirement": spec}
        kind, source, resolved = url_source(url)
        fields = {"source_kind": kind, "source_url": source, "resolved": resolved}
        return name, from_filename(url)[1], fields
    # A bare URL or path: pip names it by its #egg= fragment, else by its file or folder name.
    found, version = from_filename(target)
    egg = _EGG.search(target)
    if egg:
        found = egg.group(1)
    if found is None:
        base = target.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        found = base.split("@", 1)[0].removesuffix(".git")
    if not pep508_name(found):
        raise ValueError(f"cannot tell the package name of {target!r}")
    kind, source, resolved = (
        url_source(target) if looks_url else ("path", target.split("#", 1)[0], ())
    )
    return found, version, {"source_kind": kind, "source_url": source, "resolved": resolved}


def _via(note: str) -> list[str]:
    """Items of a ``via a, b`` note: ``-r file`` kept whole, names without a ``(group)`` suffix."""
    return [
        v if v.startswith("-") else v.split()[0] for v in (x.strip() for x in note.split(",")) if v
    ]


def parse(text: str, path: str) -> ParseResult:
    """Parse a requirements or constraints file."""
    reqs: list[_Req] = []
    registries: list[str] = []
    issues: list[ParseIssue] = []
    failed = 0
    via: list[str] | None = None  # the "# via" block being read, owned by the last requirement
    for line, code, comment in _logical_lines(text):
        note = comment.strip()
        if not code:
            if (note == "via" or note.startswith("via ")) and reqs:
                via = reqs[-1].via
                via.extend(_via(note[3:]))
            elif via is not None and comment.startswith("   ") and note:
                via.extend(_via(note))
            else:
                via = None
            continue
        via = None
        tokens = code.split()
        split = next((i for i, t in enumerate(tokens) if t.startswith("-")), len(tokens))
        arg = " ".join(tokens[:split])
        digests: list[Hash] = []
        for opt, val in _options(tokens[split:]):
            if opt in _INDEX_OPTS and val and val not in registries:
                registries.append(val)
            elif opt == "--hash":
                h = digest(val)
                if h is not None:
                    digests.append(h)
            elif opt in ("-e", "--editable") and val:
                arg = val
        if not arg:
            continue
        try:
            entry = _entry(arg)
        except ValueError as exc:
            failed += 1
            if failed <= MAX_ISSUES:
                message = f"{NAME}: cannot read requirement {arg[:80]!r}: {exc}"
                issues.append(ParseIssue(path, line, message))
            continue
        if entry is not None:
            # pip-compile --annotation-style=line puts the note on the requirement's own line.
            inline = _via(note[4:]) if note.startswith("via ") else []
            reqs.append(_Req(*entry, line, tuple(digests), inline))
            limits.built()  # a component to be: a huge file stops here, not after the loop
    if failed > MAX_ISSUES:
        message = f"{NAME}: {failed - MAX_ISSUES} more unreadable lines"
        issues.append(ParseIssue(path, None, message))
    return _finish(reqs, tuple(registries), path, issues)


def _finish(
    reqs: list[_Req], registries: tuple[str, ...], path: str, issues: list[ParseIssue]
) -> ParseResult:
    """Components with the file's indexes; pip-compile ``# via`` notes give direct flags and edges."""
    refs = [purl.pypi(r.name, r.version) for r in reqs]
    by_name = {purl.pypi_name(r.name): ref for r, ref in zip(reqs, refs, strict=True)}
    comps: list[Component] = []
    edges: set[Relationship] = set()
    for req, ref in zip(reqs, refs, strict=True):
        direct = None
        parents = [v for v in req.via if not v.startswith("-c")]
        if parents:
            # "-r file", or a name that is not in the file (the project itself): declared here.
            direct = any(v.startswith("-r") or purl.pypi_name(v) not in by_name for v in parents)
            for v in parents:
                source = "" if v.startswith("-r") else by_name.get(purl.pypi_name(v), "")
                edges.add(Relationship(source, ref))
        registry = req.fields.get("source_kind", "registry") == "registry"
        comps.append(
            Component(
                purl=ref, ecosystem="pypi", name=req.name, version=req.version,
                direct=direct, hashes=req.hashes, registries=registries if registry else (),
                locations=(Location(path, req.line),), **req.fields,
            )
        )  # fmt: skip
    return ParseResult(dedupe(comps), sort_edges(edges), tuple(issues))
