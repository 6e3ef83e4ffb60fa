"""The one table of public network endpoints the scanner uses, with their overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner.net.redact import redact_url

# This module is the only place in the product that names a registry or code-host host:
# everything else asks `base_url()`, so a company proxy (or a test's loopback server) can stand
# in for any of them.

PROJECT_URL = "https://github.com/icts-scan/icts-scan"

HOUR = 3600.0
DAY = 24 * HOUR


@dataclass(frozen=True)
class Endpoint:
    """One network source: where it lives by default and how a user points it elsewhere."""

    source: str  # stable name, used as cache partition and config key suffix
    default: str  # base URL without trailing slash; API paths in research/apis.md append to it
    env: str  # environment variable that overrides the default
    ttl: float  # seconds a cached answer is served without asking again
    min_interval: float = 0.0  # seconds between request starts to the default host (policy)
    about: str = ""

    @property
    def config_key(self) -> str:
        """The key under `[tool.icts-scan]` (or `.icts-scan.toml`) that overrides the default."""
        return f"endpoints.{self.source}"


# TTLs: per-version documents that never change once published (Go .info, Maven POMs, PEP 740
# provenance) keep a month; mutable ownership data a day; GitHub longer, because its anonymous
# limit is 60 requests an hour.
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("pypi", "https://pypi.org", "ICTS_SCAN_PYPI_URL", DAY, about="PyPI JSON API"),
    Endpoint(
        "pypi-integrity",
        "https://pypi.org",
        "ICTS_SCAN_PYPI_INTEGRITY_URL",
        30 * DAY,
        about="PyPI Integrity API (PEP 740 provenance)",
    ),
    Endpoint("npm", "https://registry.npmjs.org", "ICTS_SCAN_NPM_URL", DAY, about="npm registry"),
    # crates.io allows its API at most one request a second from a crawler.
    Endpoint(
        "crates", "https://crates.io", "ICTS_SCAN_CRATES_URL", DAY, 1.0, about="crates.io API"
    ),
    Endpoint("rubygems", "https://rubygems.org", "ICTS_SCAN_RUBYGEMS_URL", DAY, about="RubyGems"),
    Endpoint(
        "maven",
        "https://repo1.maven.org/maven2",
        "ICTS_SCAN_MAVEN_URL",
        30 * DAY,
        about="Maven Central repository layout (POMs)",
    ),
    Endpoint(
        "nuget",
        "https://api.nuget.org/v3/index.json",
        "ICTS_SCAN_NUGET_URL",
        DAY,
        about="NuGet V3 service index (resources are discovered from it)",
    ),
    Endpoint(
        "packagist", "https://packagist.org", "ICTS_SCAN_PACKAGIST_URL", DAY, about="Packagist"
    ),
    # Composer v2 metadata lives on its own host; the p2 path on the main host is retired.
    Endpoint(
        "packagist-repo",
        "https://repo.packagist.org",
        "ICTS_SCAN_PACKAGIST_REPO_URL",
        DAY,
        about="Packagist Composer v2 metadata (p2)",
    ),
    Endpoint(
        "goproxy",
        "https://proxy.golang.org",
        "ICTS_SCAN_GOPROXY_URL",
        30 * DAY,
        about="Go module proxy",
    ),
    Endpoint("depsdev", "https://api.deps.dev", "ICTS_SCAN_DEPSDEV_URL", DAY, about="deps.dev"),
    Endpoint(
        "github-api",
        "https://api.github.com",
        "ICTS_SCAN_GITHUB_API_URL",
        3 * DAY,
        about="GitHub REST API",
    ),
    Endpoint(
        "gitlab-api",
        "https://gitlab.com/api/v4",
        "ICTS_SCAN_GITLAB_API_URL",
        3 * DAY,
        about="GitLab REST API v4",
    ),
    Endpoint(
        "gitee-api",
        "https://gitee.com/api/v5",
        "ICTS_SCAN_GITEE_API_URL",
        3 * DAY,
        about="Gitee REST API v5",
    ),
)

_BY_SOURCE = {e.source: e for e in ENDPOINTS}

# Requests that belong to no table entry (e.g. Go `?go-get=1` vanity lookups) use this TTL.
DEFAULT_TTL = DAY
# Where Go vanity lookups go instead of the host a module path names (scanner/enrich/golang.py):
# a company proxy, or the tests' loopback server.
GOGET_ENV = "ICTS_SCAN_GOGET_URL"


class EndpointError(ValueError):
    """An unknown source or an unusable override URL (a configuration error: exit code 2)."""


def endpoint(source: str) -> Endpoint:
    """The table entry for `source`; EndpointError if there is none."""
    try:
        return _BY_SOURCE[source]
    except KeyError:
        known = ", ".join(sorted(_BY_SOURCE))
        raise EndpointError(f"unknown endpoint source {source!r} (known: {known})") from None


def ttl_for(source: str) -> float:
    """The cache TTL in seconds for `source` (DEFAULT_TTL for sources outside the table)."""
    entry = _BY_SOURCE.get(source)
    return entry.ttl if entry else DEFAULT_TTL


def base_url(
    source: str,
    config: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The base URL for `source`: the config's `endpoints` table, then the env var, then default.

    `config` is the `endpoints` table of the policy file, keyed by source name.
    """
    entry = endpoint(source)
    env = os.environ if environ is None else environ
    if config and config.get(source):
        return _checked(config[source], f"config key {entry.config_key}")
    if env.get(entry.env):
        return _checked(env[entry.env], f"environment variable {entry.env}")
    return entry.default


def min_interval_for(host: str) -> float:
    """The politeness interval for a host that is some entry's *default* host, else 0."""
    # Applies only to the public host: a company proxy in front of it sets its own rules.
    for entry in ENDPOINTS:
        if entry.min_interval and urlsplit(entry.default).hostname == host:
            return entry.min_interval
    return 0.0


def _checked(url: str, origin: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{origin}: expected an http(s) URL with a host: {redact_url(url)}")
    if parts.query or parts.fragment:
        raise EndpointError(f"{origin}: a base URL takes no query or fragment: {redact_url(url)}")
    return url.strip().rstrip("/")
