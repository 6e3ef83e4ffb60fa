"""Host, domain, URL and registry-identifier normalization shared by the index and the checks."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_PEP503 = re.compile(r"[-_.]+")
# Forms each identifier kind must take after normalization (see normalize_identifier).
IDENTIFIER_FORMS: dict[str, re.Pattern[str]] = {
    "email_domain": _HOST,
    "web_domain": _HOST,
    "github_org": re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"),
    "gitlab_group": re.compile(r"^[a-z0-9_.][a-z0-9_.-]*(/[a-z0-9_.][a-z0-9_.-]*)*$"),
    "gitee_org": re.compile(r"^[a-z0-9_.][a-z0-9_.-]*$"),
    "npm_scope": re.compile(r"^@[a-z0-9][a-z0-9._~-]*$"),
    "npm_package": re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$"),
    "pypi_org": re.compile(r"^[a-z0-9][a-z0-9._-]*$"),
    "pypi_owner": re.compile(r"^[a-z0-9][a-z0-9._-]*$"),
    "pypi_name_pattern": re.compile(r"^[a-z0-9*?][a-z0-9*?-]*$"),
    "maven_group_prefix": re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$"),
    "go_module_prefix": re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(/[a-z0-9._~-]+)*$"),
    "nuget_owner": re.compile(r"^[a-z0-9][a-z0-9._-]*$"),
    "crates_owner": re.compile(r"^[a-z0-9][a-z0-9:_-]*$"),
    "gem_owner": re.compile(r"^[a-z0-9][a-z0-9._-]*$"),
    "github_repo": re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?/[a-z0-9._-]+$"),
    "gitlab_repo": re.compile(r"^[a-z0-9_.][a-z0-9_.-]*(/[a-z0-9_.][a-z0-9_.-]*)+$"),
    "gitee_repo": re.compile(r"^[a-z0-9_.][a-z0-9_.-]*/[a-z0-9_.-]+$"),
    "npm_name_pattern": re.compile(r"^[a-z0-9*?][a-z0-9._~*?-]*$"),
    "nuget_prefix": re.compile(r"^[a-z0-9][a-z0-9._-]*$"),
    "crates_name_pattern": re.compile(r"^[a-z0-9*?][a-z0-9*?-]*$"),
    "gem_name_pattern": re.compile(r"^[a-z0-9*?][a-z0-9._*?-]*$"),
    "composer_vendor": re.compile(r"^[a-z0-9]([_.-]?[a-z0-9]+)*$"),
    "pub_publisher": _HOST,
    "pub_name_pattern": re.compile(r"^[a-z0-9_*?]+$"),
}
# Kinds whose values are globs over package names (``tencentcloud-sdk-*``); a value without
# ``*`` or ``?`` is one exact name.
NAME_PATTERN_KINDS = frozenset(
    {
        "npm_name_pattern",
        "pypi_name_pattern",
        "crates_name_pattern",
        "gem_name_pattern",
        "pub_name_pattern",
    }
)


def is_family(kind: str, value: str) -> bool:
    """Whether an identifier is a name family (a glob), not one exact name."""
    return kind in NAME_PATTERN_KINDS and any(c in value for c in "*?[")


CODE_HOSTS: dict[str, str] = {
    "github.com": "github_org",
    "gitlab.com": "gitlab_group",
    "gitee.com": "gitee_org",
}


def split_url(text: str) -> SplitResult | None:
    """``urlsplit`` for untrusted text: None instead of ValueError ("http://[broken")."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port, like hostname on a bad IPv6 literal
    except ValueError:
        return None
    return parts


def normalize_host(value: str) -> str:
    """Lowercase, no trailing dot, IDN labels as punycode (how DNS and lockfiles spell them)."""
    host = value.strip().rstrip(".").lower()
    if host.startswith("*."):
        host = host[2:]
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def is_host(value: str) -> bool:
    return bool(_HOST.match(value))


def host_of(value: str) -> str:
    """The host of a URL, an e-mail address, or a bare host name."""
    text = value.strip()
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    elif "://" in text or text.startswith("//"):
        url = text if "://" in text else "x:" + text
        return _url_host(_origin(url))
    else:
        text = text.split("/", 1)[0].split(":", 1)[0]
    return normalize_host(text.strip("<> "))


def _origin(url: str) -> str:
    """``scheme://authority`` of a URL: all that decides its host (lockfiles hold thousands
    of URLs on a few hosts, so the host is worked out once per origin)."""
    start = url.find("://") + 3
    ends = [i for i in (url.find(c, start) for c in "/?#") if i >= 0]
    return url[: min(ends)] if ends else url


@lru_cache(maxsize=1024)
def _url_host(origin: str) -> str:
    parts = split_url(origin)
    return normalize_host(((parts.hostname if parts else "") or "").strip("<> "))


def suffixes(host: str) -> list[str]:
    """``a.b.example.cn`` → ``[a.b.example.cn, b.example.cn, example.cn]`` (never a bare TLD)."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def pep503(name: str) -> str:
    return _PEP503.sub("-", name).lower()


def normalize_identifier(kind: str, value: str) -> str:
    """The form identifiers of ``kind`` are stored and compared in."""
    v = value.strip()
    if kind in ("email_domain", "web_domain"):
        return normalize_host(v)
    if kind == "npm_scope":
        v = v.lower().rstrip("/")
        return v if v.startswith("@") else "@" + v
    if kind == "pypi_name_pattern":
        return re.sub(r"[_.]+", "-", v.lower())
    if kind == "crates_name_pattern":
        return v.lower().replace("_", "-")  # crates.io treats - and _ as the same name
    if kind in ("maven_group_prefix", "go_module_prefix"):
        return v.lower().rstrip("./")
    return v.lower()


def repo_path(url: str) -> tuple[str, str] | None:
    """``https://github.com/Org/Repo.git`` → ``("github.com", "org/repo")`` (GitLab keeps subgroups)."""
    found = _split_repo(url)
    return _path_of(*found) if found is not None else None


def repo_path_and_owner(url: str) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """``repo_path`` and the owner (``https://github.com/Org/repo`` → ``("github.com", "org")``)
    of one URL, parsed once: assessment asks for the owner when the repository is not listed."""
    found = _split_repo(url)
    if found is None:
        return None, None
    return _path_of(*found), (found[0], found[1][0].lower())


def _path_of(host: str, segments: list[str]) -> tuple[str, str] | None:
    if len(segments) < 2:
        return None
    if host == "gitlab.com":
        segments = "/".join(segments).split("/-/")[0].split("/")
    else:
        segments = segments[:2]
    return host, "/".join(segments).removesuffix(".git").lower()


def _split_repo(url: str) -> tuple[str, list[str]] | None:
    text = url.strip()
    if text.startswith("git@") and ":" in text:
        host, _, path = text[4:].partition(":")
    else:
        for prefix in ("git+", "scm:git:"):
            text = text.removeprefix(prefix)
        split = split_url(text if "://" in text else "https://" + text)
        if split is None:
            return None
        host, path = split.hostname or "", split.path
    host = normalize_host(host).removeprefix("www.")
    segments = [s for s in path.strip("/").split("/") if s]
    if host not in CODE_HOSTS or not segments:
        return None
    return host, segments
