"""Installed metadata under the scanned tree: dist-info METADATA and node_modules package.json."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

from sbom.model import Component
from scanner.enrich.context import Context, FactBuilder, utc_iso
from scanner.enrich.model import SourceResult, SourceStatus, Status
from scanner.enrich.people import emails, names_from_list, person

if TYPE_CHECKING:
    from email.message import Message

NAME = "local"
# Reads the scanned tree, which changes without a TTL: never kept between scans.
LOCAL = True
ECOSYSTEMS = ("pypi", "npm")

MAX_DEPTH = 8  # apps/<app>/.venv/lib/python3.12/site-packages is 6 folders deep
MAX_ENTRIES = 200_000  # directory entries one root may cost before the index stops growing
MAX_NESTING = 32  # node_modules inside node_modules
MAX_FILE = 2 << 20
MAX_ROOTS = 8
# Never descended: version-control internals and caches hold no installed packages.
_PRUNE = frozenset({".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".ruff_cache"})
_REPOSITORY_LABELS = ("source", "repository", "code", "github", "gitlab")
Parsed: TypeAlias = "dict[str, Any] | Message | str"  # a document, or why it could not be read


class Index:
    """Installed packages of one tree, found once; files are read when a component asks."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.python: dict[str, list[tuple[str, str]]] = {}  # name -> [(version, METADATA)]
        self.npm: dict[str, list[str]] = {}  # name -> [package.json]
        self.truncated = False
        self._budget = MAX_ENTRIES
        self._built = False
        self._lock = threading.Lock()
        self._parsed: dict[str, Parsed] = {}

    def build(self) -> Index:
        with self._lock:  # concurrent components of one root wait for a single walk
            if not self._built:
                self._walk(self.root, 0)
                self._built = True
        return self

    def read(self, path: str, parse: Callable[[bytes], Parsed]) -> Parsed:
        """A file's parsed content, cached; a string says why it could not be used."""
        if path not in self._parsed:
            data = _read_small(path)
            self._parsed[path] = parse(data) if isinstance(data, bytes) else data
        return self._parsed[path]

    def _entries(self, folder: str) -> list[os.DirEntry[str]]:
        """Sub-folders of ``folder`` that are real directories (never a link out of the tree)."""
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return []
        self._budget -= len(entries)
        if self._budget < 0:
            self.truncated = True
            return []
        return [e for e in entries if e.is_dir(follow_symlinks=False) and e.name not in _PRUNE]

    def _walk(self, folder: str, depth: int) -> None:
        for entry in self._entries(folder):
            if entry.name == "node_modules":
                self._node_modules(entry.path, 0)
            elif entry.name in ("site-packages", "dist-packages"):
                self._site_packages(entry.path)
            elif depth + 1 < MAX_DEPTH:
                self._walk(entry.path, depth + 1)

    def _site_packages(self, folder: str) -> None:
        for entry in self._entries(folder):
            name, _, version = entry.name.removesuffix(".dist-info").rpartition("-")
            if entry.name.endswith(".dist-info") and name:
                where = os.path.join(entry.path, "METADATA")
                self.python.setdefault(_canonical(name), []).append((version, where))

    def _node_modules(self, folder: str, nesting: int) -> None:
        if nesting > MAX_NESTING:
            return
        for entry in self._entries(folder):
            if entry.name == ".pnpm":  # pnpm's store: .pnpm/<name>@<version>/node_modules/<name>
                for pkg in self._entries(entry.path):
                    self._node_modules(os.path.join(pkg.path, "node_modules"), nesting + 1)
            elif entry.name.startswith("@"):
                for pkg in self._entries(entry.path):
                    self._package(pkg.path, f"{entry.name}/{pkg.name}", nesting)
            elif not entry.name.startswith("."):
                self._package(entry.path, entry.name, nesting)

    def _package(self, folder: str, name: str, nesting: int) -> None:
        self.npm.setdefault(name, []).append(os.path.join(folder, "package.json"))
        nested = os.path.join(folder, "node_modules")
        if os.path.isdir(nested) and not os.path.islink(nested):
            self._node_modules(nested, nesting + 1)


_INDEXES: OrderedDict[str, Index] = OrderedDict()
_INDEXES_LOCK = threading.Lock()
_LAST: tuple[str, Index] | None = None


def index_for(root: str) -> Index:
    """The index of ``root``, built on first use; the few most recent roots are kept."""
    last = _LAST
    if last is not None and last[0] == root:  # every component of a scan asks for one root
        return last[1].build()
    key = os.path.realpath(root)
    with _INDEXES_LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = Index(key)
            while len(_INDEXES) > MAX_ROOTS:
                _INDEXES.popitem(last=False)
        _INDEXES.move_to_end(key)
    _remember(root, index)
    return index.build()


def _remember(root: str, index: Index) -> None:
    global _LAST
    _LAST = (root, index)


def forget(root: str | None = None) -> None:
    """Drop cached indexes (after an install changed the tree, and between tests)."""
    global _LAST
    with _INDEXES_LOCK:
        _LAST = None
        if root is None:
            _INDEXES.clear()
        else:
            _INDEXES.pop(os.path.realpath(root), None)


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the installed copy of exactly this version, when the tree holds one."""
    if component.ecosystem not in ECOSYSTEMS or not component.version:
        return _status("not-applicable")
    if not ctx.root:
        return _status("not-applicable", "no scanned tree")
    index = index_for(ctx.root)
    if component.ecosystem == "pypi":
        installed = index.python.get(_canonical(component.name), []) if index.python else []
        paths = [p for v, p in installed if _same(v, component.version)]
        found = _first(index, paths, _metadata, lambda d: _is_python(d, component))
    else:
        paths = index.npm.get(component.name, [])
        found = _first(index, paths, _package_json, lambda d: _is_npm(d, component))
    if isinstance(found, str):
        return _status("error", found)
    if found is None:
        if index.truncated:
            return _status(
                "skipped", f"installed packages not fully indexed ({MAX_ENTRIES} entries)"
            )
        return _status("not-applicable", "this version is not installed under the scanned tree")
    path, doc = found
    facts = FactBuilder(
        component.purl, NAME, url=os.path.relpath(path, index.root).replace(os.sep, "/")
    )
    # When the installed copy was written: the same on every scan while it is unchanged, so
    # a repeat scan's key (scanner/enrich/memo.py) and its evidence stay the same too.
    try:
        written = datetime.fromtimestamp(os.stat(path).st_mtime, timezone.utc)
    except OSError:
        written = datetime.now(timezone.utc)
    facts.retrieved = utc_iso(written)
    if isinstance(doc, dict):
        _npm_facts(facts, doc)
    else:
        _python_facts(facts, doc)
    return facts.result()


def _first(
    index: Index,
    paths: list[str],
    parse: Callable[[bytes], Parsed],
    matches: Callable[[Parsed], bool],
) -> tuple[str, dict[str, Any] | Message] | str | None:
    """The first installed copy that is this component; else why a candidate was unreadable."""
    problem = None
    for path in paths:
        doc = index.read(path, parse)
        if isinstance(doc, str):
            problem = problem or f"{os.path.relpath(path, index.root)}: {doc}"
        elif matches(doc):
            return path, doc
    return problem


def _python_facts(facts: FactBuilder, msg: Message) -> None:
    """Core-metadata fields as pypi's ``info`` has them; all typed by whoever built the wheel."""
    for role in ("Author", "Maintainer"):
        kind = role.lower()
        facts.add(f"{kind}-name", _header(msg, role), role, "self-declared")
        field = f"{role}-email"
        for name in names_from_list(_header(msg, field)):
            facts.add(f"{kind}-name", name, field, "self-declared")
        for email in emails(_header(msg, field)):
            facts.add(f"{kind}-email", email, field, "self-declared")
    facts.add("homepage", _header(msg, "Home-page"), "Home-page", "self-declared")
    for entry in msg.get_all("Project-URL") or ():
        label, _, url = str(entry).partition(",")
        lowered, where = label.strip().lower(), f"Project-URL[{label.strip()}]"
        if any(word in lowered for word in _REPOSITORY_LABELS):
            facts.add("repository", url, where, "self-declared")
        elif lowered.replace("-", "").replace(" ", "") in ("homepage", "home"):
            facts.add("homepage", url, where, "self-declared")


def _npm_facts(facts: FactBuilder, doc: dict[str, Any]) -> None:
    """package.json people and links as the package's author wrote them, registry or not."""
    people: list[tuple[str, str, Any]] = [("author", "author", doc.get("author"))]
    for key, kind in (("contributors", "author"), ("maintainers", "maintainer")):
        raw = doc.get(key)
        listed = raw if isinstance(raw, list) else []
        people += [(f"{key}[{i}]", kind, value) for i, value in enumerate(listed)]
    for where, kind, value in people:
        who = person(value)
        role = {"role": "contributor"} if where.startswith("contributors") else {}
        if who:
            facts.add(f"{kind}-name", who.name, f"{where}.name", "self-declared", **role)
            facts.add(f"{kind}-email", who.email, f"{where}.email", "self-declared", **role)
    repo = doc.get("repository")
    url = repo.get("url") if isinstance(repo, dict) else repo
    facts.add("repository", url, "repository", "self-declared")
    facts.add("homepage", doc.get("homepage"), "homepage", "self-declared")


def _metadata(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "METADATA is not UTF-8"
    # Imported here: most scans find no installed Python metadata to read.
    from email import policy
    from email.parser import Parser

    msg = Parser(policy=policy.compat32).parsestr(text, headersonly=True)
    if not _header(msg, "Name") or not _header(msg, "Version"):
        return "METADATA has no Name or Version"
    return msg


def _package_json(data: bytes) -> Parsed:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return "package.json is not valid JSON"
    return doc if isinstance(doc, dict) else "package.json is not an object"


def _is_python(doc: Parsed, component: Component) -> bool:
    return (
        not isinstance(doc, (dict, str))
        and _canonical(_header(doc, "Name")) == _canonical(component.name)
        and _same(_header(doc, "Version"), component.version or "")
    )


def _is_npm(doc: Parsed, component: Component) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("name") == component.name
        and doc.get("version") == component.version
    )


def _header(msg: Message, name: str) -> str:
    value = str(msg.get(name) or "").strip()
    return "" if value in ("UNKNOWN", "None") else value  # old setuptools' placeholders


def _canonical(name: str) -> str:
    # Imported here: only trees holding installed Python metadata need packaging.
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


def _same(installed: str, wanted: str) -> bool:
    """Exact version, allowing only PEP 440's spelling differences (``1.0`` == ``1.0.0``)."""
    if installed == wanted:
        return True
    from packaging.version import InvalidVersion, Version

    try:
        return Version(installed) == Version(wanted)
    except InvalidVersion:
        return False


def _read_small(path: str) -> bytes | str:
    """A regular file's bytes, never through a symbolic link or FIFO, never above MAX_FILE."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > MAX_FILE:
            return f"larger than {MAX_FILE} bytes"
        return fh.read(MAX_FILE + 1)[:MAX_FILE]


@lru_cache(maxsize=256)
def _status(status: Status, reason: str = "") -> SourceResult:
    # Shared and immutable: most components of a scan get one of a few of these.
    return SourceResult(SourceStatus(NAME, status, reason))
