"""Sticky pull-request comment through the GitHub REST API, found again by marker and author."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scanner.net.client import FetchError, HttpClient, HttpSettings
from scanner.net.endpoints import EndpointError, base_url
from scanner.report.markdown import MARKER

MAX_BODY = 65_536  # GitHub rejects longer comment bodies
PER_PAGE = 100
MAX_PAGES = 30  # 3,000 comments: a PR with more is not worth paging further
# Who writes with the workflow's GITHUB_TOKEN (an installation token of the GitHub Actions
# app; GET /user is refused to it). Its tokens start "ghs_" on github.com.
ACTIONS_BOT = "github-actions[bot]"


def _target(event_name: str, event: Mapping[str, Any]) -> tuple[str, int] | str:
    """(owner/repo, PR number), or why no comment can be written."""
    if event_name not in ("pull_request", "pull_request_target"):
        return f"no PR comment on {event_name or 'this'} event"
    pr = event.get("pull_request") or {}
    base_repo = ((pr.get("base") or {}).get("repo") or {}).get("full_name")
    head_repo = ((pr.get("head") or {}).get("repo") or {}).get("full_name")
    if not base_repo or not isinstance(pr.get("number"), int):
        return "the event payload has no pull request number"
    if head_repo != base_repo:
        # A fork's token is read-only whatever the workflow asks for: the summary has it all.
        return "no PR comment on a pull request from a fork; the job summary has the report"
    return base_repo, pr["number"]


def _fit(body: str) -> str:
    if MARKER not in body:
        body = f"{MARKER}\n{body}"
    if len(body.encode("utf-16-le")) // 2 <= MAX_BODY:
        return body
    return f"{MARKER}\n## icts-scan\n\nThe report is too long for a comment; see the job summary.\n"


def post_sticky(
    event_name: str,
    event: Mapping[str, Any],
    env: Mapping[str, str],
    token: str,
    body: str,
    findings: int,
) -> list[str]:
    """Update our earlier comment in place, or create one when there is something to say.

    Returns warnings: a comment that cannot be written never fails the check.
    """
    target = _target(event_name, event)
    if isinstance(target, str):
        return [target]
    if not token:
        return ["no github-token: PR comment skipped"]
    repo, number = target
    if not env.get("ICTS_SCAN_GITHUB_API_URL") and env.get("GITHUB_API_URL"):
        # The runner names its own API: GitHub Enterprise Server's, not the public one.
        env = {**env, "ICTS_SCAN_GITHUB_API_URL": env["GITHUB_API_URL"]}
    try:
        api = base_url("github-api", environ=env)
    except EndpointError as exc:
        return [str(exc)]
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    with HttpClient(HttpSettings(retries=1, read_timeout=20.0)) as client:
        login = _login(client, api, headers, token)
        if isinstance(login, FetchError):
            return [f"cannot tell whose token this is, so no PR comment: {login.reason}"]
        url = f"{api}/repos/{repo}/issues/{number}/comments"
        existing = _find(client, url, headers, login)
        if isinstance(existing, FetchError):
            return [f"cannot list PR comments: {existing.reason}"]
        if existing is None and not findings:
            return []  # nothing new and nothing said before: stay quiet
        payload = json.dumps({"body": _fit(body)}).encode()
        write = {**headers, "Content-Type": "application/json"}
        if existing is None:
            url, method = f"{api}/repos/{repo}/issues/{number}/comments", "POST"
        else:
            url, method = f"{api}/repos/{repo}/issues/comments/{existing}", "PATCH"
        result = client.fetch(
            url, source="github-api", headers=write, method=method, body=payload, use_cache=False
        )
    if isinstance(result, FetchError):
        hint = " (the job needs permissions: pull-requests: write)" if result.status == 403 else ""
        return [f"cannot write the PR comment: {result.reason}{hint}"]
    return []


def _login(
    client: HttpClient, api: str, headers: Mapping[str, str], token: str
) -> str | FetchError:
    """The account the token writes as: GET /user for a personal token, else the Actions bot."""
    if token.startswith("ghs_"):
        return ACTIONS_BOT
    doc = client.get_json(f"{api}/user", source="github-api", headers=headers, use_cache=False)
    if isinstance(doc, FetchError):
        # An installation token without the prefix (older GitHub Enterprise Server).
        return ACTIONS_BOT if doc.status == 403 else doc
    login = doc.data.get("login") if isinstance(doc.data, dict) else None
    if not isinstance(login, str) or not login:
        return FetchError(f"{api}/user", "the answer names no login")
    return login


def _find(
    client: HttpClient, url: str, headers: Mapping[str, str], login: str
) -> int | FetchError | None:
    """The id of the first comment with the marker that ``login`` wrote, None when there is none.

    A marker alone proves nothing: anyone may paste it into a comment of their own, and
    editing that comment would put our report under their name (or theirs under ours).
    """
    for page in range(1, MAX_PAGES + 1):
        doc = client.get_json(
            f"{url}?per_page={PER_PAGE}&page={page}",
            source="github-api",
            headers=headers,
            use_cache=False,
        )
        if isinstance(doc, FetchError):
            return doc
        comments = doc.data if isinstance(doc.data, list) else []
        for c in comments:
            if isinstance(c, dict) and _ours(c, login):
                return int(c["id"])
        if len(comments) < PER_PAGE:
            return None
    return None


def _ours(comment: Mapping[str, Any], login: str) -> bool:
    author = comment.get("user")
    who = author.get("login") if isinstance(author, dict) else None
    return (
        isinstance(who, str)
        and who.casefold() == login.casefold()
        and MARKER in str(comment.get("body") or "")
        and isinstance(comment.get("id"), int)
    )
