"""The endpoint table: override precedence, validation, and that only it names registry hosts."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from scanner.net.endpoints import (
    DEFAULT_TTL,
    ENDPOINTS,
    EndpointError,
    base_url,
    endpoint,
    min_interval_for,
    ttl_for,
)
from tests.conftest import REPO


def test_config_beats_env_beats_default() -> None:
    npm = endpoint("npm")
    env = {"ICTS_SCAN_NPM_URL": "http://127.0.0.1:9/npm/"}
    assert base_url("npm", environ={}) == npm.default
    assert base_url("npm", environ=env) == "http://127.0.0.1:9/npm"
    config = {"npm": "https://proxy.corp.test/api/npm/"}
    assert base_url("npm", config, env) == "https://proxy.corp.test/api/npm"
    assert base_url("npm", {"pypi": "http://x.test"}, env) == "http://127.0.0.1:9/npm"


@pytest.mark.parametrize("bad", ["ftp://x.test", "not a url", "http://x.test/?a=1", "http://"])
def test_bad_overrides_are_configuration_errors(bad: str) -> None:
    with pytest.raises(EndpointError, match="ICTS_SCAN_PYPI_URL"):
        base_url("pypi", environ={"ICTS_SCAN_PYPI_URL": bad})
    with pytest.raises(EndpointError, match=r"endpoints\.pypi"):
        base_url("pypi", {"pypi": bad}, environ={})


def test_error_texts_hide_credentials() -> None:
    with pytest.raises(EndpointError) as info:
        base_url("npm", {"npm": "ftp://me:hunter2pass@x.test"}, environ={})
    assert "hunter2pass" not in str(info.value)


def test_unknown_source() -> None:
    with pytest.raises(EndpointError, match="unknown endpoint source"):
        base_url("cpan")


def test_table_is_consistent() -> None:
    sources = [e.source for e in ENDPOINTS]
    assert len(set(sources)) == len(sources)
    assert len({e.env for e in ENDPOINTS}) == len(ENDPOINTS)
    for entry in ENDPOINTS:
        assert re.fullmatch(r"ICTS_SCAN_[A-Z_]+_URL", entry.env)
        assert entry.default.startswith("https://") and not entry.default.endswith("/")
        assert entry.ttl > 0 and entry.config_key == f"endpoints.{entry.source}"
    assert ttl_for("go-import") == DEFAULT_TTL
    assert min_interval_for(urlsplit(endpoint("crates").default).hostname or "") == 1.0
    assert min_interval_for("127.0.0.1") == 0.0


def test_only_the_table_names_registry_hosts() -> None:
    # Code hosts (gitlab.com, gitee.com) also appear in repository URLs that code must parse,
    # and "crates.io" is a name as well as a host, so the check looks for registry and API
    # *URLs*: a base URL anywhere but the table would bypass the overrides.
    hosts = {urlsplit(e.default).hostname or "" for e in ENDPOINTS} - {"gitlab.com", "gitee.com"}
    pattern = re.compile(r"https?://(?:" + "|".join(re.escape(h) for h in sorted(hosts)) + r")\b")
    files = [*(REPO / "scanner").rglob("*.py"), *(REPO / "tests" / "scanner").rglob("*.py")]
    files += [REPO / "tests" / "loopback.py", REPO / "benchmarks" / "http_concurrency.py"]
    offenders = [
        str(f.relative_to(REPO))
        for f in files
        if f.name != "endpoints.py" and f.exists() and pattern.search(f.read_text())
    ]
    assert offenders == []
