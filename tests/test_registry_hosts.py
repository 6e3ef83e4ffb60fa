"""No file of the repository names a public package-registry host, except the endpoint table."""

from __future__ import annotations

import re
import subprocess
from urllib.parse import urlsplit

from scanner.net.endpoints import ENDPOINTS
from tests.conftest import REPO

# Registry hosts beyond the endpoint table's API hosts: download and index hosts.
EXTRA = {
    "files.pythonhosted.org",
    "registry.yarnpkg.com",
    "repo1.maven.org",
    "repo.maven.apache.org",
    "sum.golang.org",
    "static.crates.io",
    "index.crates.io",
    "rubygems.org",
    "packagist.org",
    "pub.dev",
    "repo.hex.pm",
    "hex.pm",
    "cran.r-project.org",
    "www.nuget.org",
}
# Code hosts are not registries and appear in repository URLs everywhere.
CODE_HOSTS = {"github.com", "api.github.com", "gitlab.com", "gitee.com"}
ALLOWED = {"scanner/net/endpoints.py"}


def test_no_registry_host_outside_the_endpoint_table() -> None:
    hosts = {urlsplit(e.default).hostname or "" for e in ENDPOINTS} | EXTRA
    hosts -= CODE_HOSTS
    # A host in URL position (after "//" or "@", or before a "/" or ":port"); "crates.io"
    # is also a registry's name and part of "crates.io-index", which are not hosts.
    names = "|".join(re.escape(h) for h in sorted(hosts))
    pattern = re.compile(
        rf"(?:(?<=//)|(?<=@))(?:{names})(?![\w.-])|(?<![\w.-])(?:{names})(?=[/:]\w)"
    )
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    offenders = []
    for rel in filter(None, tracked):
        if rel in ALLOWED or not (REPO / rel).is_file():
            continue
        try:
            text = (REPO / rel).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders.extend(f"{rel}: {m.group(0)}" for m in pattern.finditer(text))
    assert offenders == []
