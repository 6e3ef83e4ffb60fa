"""What a repository's manifest says it publishes: name, declared repository, author e-mails (never run)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from sbom.errors import ParseError
from sbom.loaders import depth_ok, load_toml, load_yaml, parse_xml

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Folders whose manifests are other people's code, tests, or examples, not what the repository
# publishes.
SKIP_DIRS = frozenset(
    {
        "node_modules", "vendor", "third_party", "third-party", "thirdparty", "external",
        "test", "tests", "__tests__", "testdata", "fixtures", "example", "examples", "demo",
        "demos", "sample", "samples", "docs", "doc", "benchmark", "benchmarks", "e2e",
        "playground", "template", "templates", ".github",
    }
)  # fmt: skip
MAX_DEPTH = 4  # path segments: deeper manifests are almost always fixtures or generated


@dataclass(frozen=True)
class Declared:
    """One package a manifest declares."""

    ecosystem: str  # npm, pypi, maven, go, nuget, composer, cargo, pub
    name: str  # maven: group:artifact; composer: vendor/name
    repository: str | None = None
    emails: tuple[str, ...] = ()
    private: bool = False  # never published (npm private, Cargo publish = false, …)
    shows: str = ""  # what the file shows, for the source title


def wanted(path: str) -> bool:
    """Whether a file path is a manifest worth reading."""
    parts = path.split("/")
    if len(parts) > MAX_DEPTH or any(p.lower() in SKIP_DIRS for p in parts[:-1]):
        return False
    return _reader(parts[-1]) is not None


def parse(path: str, data: bytes) -> list[Declared]:
    """The packages a manifest declares; a file that does not parse declares none."""
    reader = _reader(path.rsplit("/", 1)[-1])
    if reader is None:
        return []
    try:
        text = data.decode("utf-8-sig")
        return [d for d in reader(text) if d.name]
    except (UnicodeDecodeError, ParseError, ValueError, SyntaxError, RecursionError):
        return []


def _reader(name: str) -> Callable[[str], list[Declared]] | None:
    if name.endswith((".csproj", ".nuspec")):
        return _dotnet
    return _READERS.get(name)


def emails_in(values: Iterable[object]) -> tuple[str, ...]:
    found = [m.lower() for v in values if isinstance(v, str) for m in _EMAIL.findall(v)]
    return tuple(dict.fromkeys(found))


def obj(value: object) -> dict[str, Any]:
    """``value`` when it is a JSON object (or TOML table), else an empty one."""
    return value if isinstance(value, dict) else {}


def arr(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def clean(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _shows(**fields: object) -> str:
    return ", ".join(f"{k} {v}" for k, v in fields.items() if v)


def _package_json(text: str) -> list[Declared]:
    doc = json.loads(text)
    if not isinstance(doc, dict) or not depth_ok(doc):
        return []
    repo = doc.get("repository")
    repo = repo.get("url") if isinstance(repo, dict) else repo
    author = doc.get("author")
    people = [author.get("email") if isinstance(author, dict) else author]
    emails = emails_in(people)
    name = clean(doc.get("name"))
    return [
        Declared(
            "npm", name or "", clean(repo), emails, doc.get("private") is True,
            _shows(name=name, repository=clean(repo), author=", ".join(emails)),
        )
    ]  # fmt: skip


def _go_mod(text: str) -> list[Declared]:
    for line in text.splitlines():
        words = line.split("//", 1)[0].split()
        if len(words) == 2 and words[0] == "module":
            module = words[1].strip('"`')
            return [Declared("go", module, module, (), False, f"module {module}")]
    return []


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(node: Element | None, *names: str) -> Element | None:
    for name in names:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def text_of(node: Element | None, *names: str) -> str | None:
    found = _child(node, *names)
    return clean(found.text) if found is not None else None


def _pom(text: str) -> list[Declared]:
    root = parse_xml(text.encode())
    group = text_of(root, "groupId") or text_of(root, "parent", "groupId")
    artifact = text_of(root, "artifactId")
    if not group or not artifact or "${" in group + artifact:
        return []
    devs = _child(root, "developers")
    emails = emails_in(text_of(d, "email") for d in (devs if devs is not None else ()))
    scm = text_of(root, "scm", "url") or text_of(root, "url")
    org = text_of(root, "organization", "name")
    shows = _shows(groupId=group, artifactId=artifact, organization=org, scm=scm)
    return [Declared("maven", f"{group}:{artifact}", scm, emails, False, shows)]


def _setup_py(text: str) -> list[Declared]:
    # Read as a syntax tree: setup.py is never executed.
    for node in ast.walk(ast.parse(text)):
        func = node.func if isinstance(node, ast.Call) else None
        called = getattr(func, "id", None) or getattr(func, "attr", None)
        if not isinstance(node, ast.Call) or called != "setup":
            continue
        kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        name = clean(kw.get("name"))
        emails = emails_in([kw.get("author_email"), kw.get("maintainer_email")])
        url = clean(kw.get("url"))
        return [Declared("pypi", name or "", url, emails, False, _shows(name=name, url=url))]
    return []


def _pyproject(text: str) -> list[Declared]:
    doc = load_toml(text)
    project, poetry = obj(doc.get("project")), obj(obj(doc.get("tool")).get("poetry"))
    name = clean(project.get("name")) or clean(poetry.get("name"))
    people = [obj(a).get("email") for a in arr(project.get("authors"))]
    people += arr(poetry.get("authors"))
    urls = obj(project.get("urls"))
    repo = next(
        (clean(v) for k, v in urls.items() if k.lower() in ("source", "repository", "code")), None
    )
    repo = repo or clean(poetry.get("repository"))
    emails = emails_in(people)
    return [Declared("pypi", name or "", repo, emails, False, _shows(name=name, repository=repo))]


def _dotnet(text: str) -> list[Declared]:
    root = parse_xml(text.encode())
    if _local(root.tag) == "package":  # .nuspec
        meta = _child(root, "metadata")
        name, authors = text_of(meta, "id"), text_of(meta, "authors")
        repo_node = _child(meta, "repository")
        repo = repo_node.get("url") if repo_node is not None else text_of(meta, "projectUrl")
        private = False
    else:  # SDK-style project: only an explicit PackageId names a package
        groups = [g for g in root if _local(g.tag) == "PropertyGroup"]
        props = {_local(c.tag): clean(c.text) for g in groups for c in g}
        name, authors = props.get("PackageId"), props.get("Authors") or props.get("Company")
        repo = props.get("RepositoryUrl") or props.get("PackageProjectUrl")
        private = (props.get("IsPackable") or "").lower() == "false"
    if not name or "$(" in name:
        return []
    return [
        Declared(
            "nuget", name, repo, (), private, _shows(id=name, authors=authors, repository=repo)
        )
    ]


def _composer(text: str) -> list[Declared]:
    doc = json.loads(text)
    if not isinstance(doc, dict) or "/" not in str(doc.get("name", "")):
        return []
    emails = emails_in(obj(a).get("email") for a in arr(doc.get("authors")))
    support = obj(doc.get("support"))
    repo = clean(support.get("source")) or clean(doc.get("homepage"))
    name = str(doc["name"]).lower()
    return [Declared("composer", name, repo, emails, False, _shows(name=name, source=repo))]


def _cargo(text: str) -> list[Declared]:
    package: Any = load_toml(text).get("package")
    if not isinstance(package, dict):
        return []  # a workspace root publishes nothing itself
    name, repo = clean(package.get("name")), clean(package.get("repository"))
    authors = arr(package.get("authors"))
    private = package.get("publish") is False or package.get("publish") == []
    shows = _shows(name=name, repository=repo)
    return [Declared("cargo", name or "", repo, emails_in(authors), private, shows)]


def _pubspec(text: str) -> list[Declared]:
    doc = load_yaml(text)
    if not isinstance(doc, dict):
        return []
    name = clean(doc.get("name"))
    repo = clean(doc.get("repository")) or clean(doc.get("homepage"))
    private = str(doc.get("publish_to", "")).strip().lower() == "none"
    return [Declared("pub", name or "", repo, (), private, _shows(name=name, repository=repo))]


_READERS: dict[str, Callable[[str], list[Declared]]] = {
    "package.json": _package_json,
    "go.mod": _go_mod,
    "pom.xml": _pom,
    "setup.py": _setup_py,
    "pyproject.toml": _pyproject,
    "composer.json": _composer,
    "Cargo.toml": _cargo,
    "pubspec.yaml": _pubspec,
}
