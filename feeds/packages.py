"""A package's identity against the index: which identifier its ecosystem name falls under, and how."""

from __future__ import annotations

from feeds.hosts import is_family, pep503
from feeds.index import Hit, Index

# How a package name matched (docs/feeds.md, "Severity"): a registry namespace or code-host
# owner the entity controls, one exact package name, or a name family anyone could imitate.
NAMESPACE, EXACT, FAMILY, REPOSITORY = "namespace", "exact-name", "name-family", "repository"
_CODE_HOST = {"github.com": "github", "gitlab.com": "gitlab", "gitee.com": "gitee"}
_NAME_KINDS = {
    "gem": "gem_name_pattern",
    "cargo": "crates_name_pattern",
    "pub": "pub_name_pattern",
    "pypi": "pypi_name_pattern",
}


def _names(index: Index, kind: str, name: str) -> list[tuple[Hit, str]]:
    """Exact names first; a glob ("tencentcloud-sdk-*") is a family anyone may imitate."""
    hits = index.package_name(kind, pep503(name) if kind == "pypi_name_pattern" else name)
    return [(h, FAMILY if is_family(kind, h.value) else EXACT) for h in hits]


def _repository(index: Index, host: str, path: str) -> list[tuple[Hit, str]]:
    """``owner/name`` on a code host: a registered repository, else its owning organisation."""
    family = _CODE_HOST.get(host)
    if family is None or "/" not in path:
        return []
    owner, _, rest = path.partition("/")
    repo = f"{owner}/{rest.split('/', 1)[0]}".lower().removesuffix(".git")
    hits = index.exact(f"{family}_repo", repo)
    if hits:
        return [(h, REPOSITORY) for h in hits]
    org_kind = "gitlab_group" if family == "gitlab" else f"{family}_org"
    return [(h, NAMESPACE) for h in index.exact(org_kind, owner)]


def package_hits(index: Index, ecosystem: str, name: str) -> list[tuple[Hit, str]]:
    """Entities a package's own identity names, with the kind of match (never a hosting platform)."""
    if ecosystem == "npm":
        hits = index.exact("npm_package", name)
        if hits:
            return [(h, EXACT) for h in hits]
        if name.startswith("@") and "/" in name:
            return [(h, NAMESPACE) for h in index.exact("npm_scope", name.split("/", 1)[0])]
        return _names(index, "npm_name_pattern", name)
    if ecosystem == "maven" and ":" in name:
        return [(h, NAMESPACE) for h in index.prefix("maven_group_prefix", name.split(":")[0], ".")]
    if ecosystem == "golang":
        hits = index.prefix("go_module_prefix", name, "/")
        if hits:
            return [
                (h, REPOSITORY if getattr(h.fact, "scope", "") == "repository" else NAMESPACE)
                for h in hits
            ]
        host, _, path = name.partition("/")
        return _repository(index, host, path)
    if ecosystem == "nuget":
        hits = index.prefix("nuget_prefix", name, ".")
        return [(h, EXACT if h.value == name.lower() else FAMILY) for h in hits]
    if ecosystem == "composer":
        return [(h, NAMESPACE) for h in index.exact("composer_vendor", name.split("/", 1)[0])]
    if ecosystem in _NAME_KINDS:
        return _names(index, _NAME_KINDS[ecosystem], name)
    if ecosystem == "github":
        return _repository(index, "github.com", name)
    if ecosystem == "swift" and "/" in name:
        host, _, path = name.partition("/")
        return _repository(index, host, path)
    return []
