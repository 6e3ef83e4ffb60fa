"""``--github-org ORG``: every repository of a GitHub organization, with the token for cloning."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from scanner.fleet.gitops import display
from scanner.fleet.repos import RepoSpec

TOKEN_ENV = "GITHUB_TOKEN"
PER_PAGE = 100
MAX_PAGES = 100  # 10,000 repositories


class OrgError(Exception):
    """The organization's repositories could not be listed (exit code 2)."""


def basic(token: str) -> str:
    """The Authorization header git sends (a token in the URL would land in logs and config)."""
    import base64

    return "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")


def list_org(
    org: str, environ: Mapping[str, str], endpoints: Mapping[str, str] | None = None
) -> list[RepoSpec]:
    """The organization's repositories (archived ones included: they may still be deployed)."""
    from scanner.enrich.codehost.lookup import HEADERS
    from scanner.enrich.context import open_context
    from scanner.net.client import FetchError

    ctx = open_context(endpoints=endpoints, use_cache=False)
    ctx.environ = dict(environ)
    token = ctx.token(TOKEN_ENV)
    headers = dict(HEADERS["github"])
    if token:
        headers["Authorization"] = f"Bearer {token}"
    specs: list[RepoSpec] = []
    try:
        for page in range(1, MAX_PAGES + 1):
            url = f"{ctx.base('github-api')}/orgs/{quote(org, safe='')}/repos?type=all&per_page={PER_PAGE}&page={page}"
            doc = ctx.client.get_json(url, source="github-api", headers=headers, use_cache=False)
            if isinstance(doc, FetchError):
                hint = (
                    ""
                    if token
                    else f" (set {TOKEN_ENV} for private repositories and a higher rate limit)"
                )
                raise OrgError(f"cannot list the repositories of {org}: {doc.reason}{hint}")
            if not isinstance(doc.data, list):
                raise OrgError(
                    f"cannot list the repositories of {org}: {url} did not answer a list"
                )
            for item in doc.data:
                clone_url = item.get("clone_url") if isinstance(item, dict) else None
                if not isinstance(clone_url, str) or not clone_url:
                    continue
                parts = urlsplit(clone_url)
                prefix = f"https://{parts.netloc}/" if token and parts.scheme == "https" else None
                specs.append(RepoSpec(display(clone_url), clone_url, prefix))
            if len(doc.data) < PER_PAGE:
                break
    finally:
        ctx.client.close()
    return sorted(specs, key=lambda s: s.name)
