"""Shared code-host lookups: one component's run, credentials and rate limits, owner and profile facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sbom.model import Component
from scanner.enrich.context import Context, FactBuilder, status_of
from scanner.enrich.model import Fact, Status
from scanner.net.client import FetchError, JsonDoc

NAME = "codehost"
# Repository host → (subject prefix, endpoint-table source, token variable).
HOSTS = {
    "github.com": ("github", "github-api", "GITHUB_TOKEN"),
    "gitlab.com": ("gitlab", "gitlab-api", "GITLAB_TOKEN"),
    "gitee.com": ("gitee", "gitee-api", "GITEE_TOKEN"),
}
HEADERS = {
    "github": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
    "gitlab": {"Accept": "application/json"},
    "gitee": {"Accept": "application/json"},
}
SEGMENT = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$")
# Profile fields read per host and owner type, and the fact kind of each. Names of people, bios
# and avatars are never read: nothing about a person is inferred from them.
PROFILE = {
    ("github", "Organization"): ("name", "email", "blog", "company", "location"),
    ("github", "User"): ("blog", "company", "location"),
    ("gitlab", "Organization"): ("name",),  # GitLab groups declare no location or e-mail
    ("gitlab", "User"): ("location", "organization", "website_url"),
    # Gitee: GroupDetail (orgs) and User, which states no location.
    ("gitee", "Organization"): ("name", "email", "location"),
    ("gitee", "User"): ("blog", "company"),
}
KIND_OF = {
    "name": "host-org-name",
    "email": "host-org-email",
    "blog": "host-org-blog",
    "website_url": "host-org-blog",
    "company": "host-company",
    "organization": "host-company",
    "location": "host-location",
}


@dataclass
class Run:
    """Facts and problems of one component's lookups."""

    component: Component
    ctx: Context
    facts: list[Fact] = field(default_factory=list)
    problems: list[tuple[Status, str]] = field(default_factory=list)
    url: str | None = None
    profiles: set[str] = field(default_factory=set)


def get(run: Run, family: str, url: str, what: str) -> JsonDoc | None:
    """A JSON object from a code-host API, or None with the problem recorded."""
    _, source, token_env = next(v for v in HOSTS.values() if v[0] == family)
    client = run.ctx.client
    headers = dict(HEADERS[family])
    token = run.ctx.credential(source, token_env, url)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    doc = client.get_json(url, source=source, headers=headers)
    if isinstance(doc, FetchError):
        if family == "gitee" and doc.status == 403 and doc.kind != "rate-limited":
            # Gitee answers a spent quota with a bare 403: no header tells it from a refusal.
            # The host is paused for the rest of the scan, for every source, as a quota is.
            client.pause(url, "Gitee answered 403, as it does when its quota is spent")
            doc = FetchError(doc.url, f"rate limited: {doc.reason}", 403, "rate-limited")
        status = status_of(doc)
        if status == "rate-limited":
            hint = "" if token else f" (set {token_env})"
            run.problems.append((status, f"rate limited{hint}: {what}: {doc.reason}"))
        else:
            run.problems.append((status, f"{what}: {doc.reason}"))
        return None
    if not isinstance(doc.data, dict):
        run.problems.append(("error", f"{what}: expected a JSON object"))
        return None
    return doc


def account(value: object) -> tuple[str, str] | None:
    """(lowercased login, type) of a GitHub account object with a plausible login."""
    if not isinstance(value, dict):
        return None
    login, kind = value.get("login"), value.get("type")
    if not isinstance(login, str) or not SEGMENT.match(login):
        return None
    return login.lower(), kind if isinstance(kind, str) and kind else "unknown"


def owner(facts: FactBuilder, family: str, account: tuple[str, str], at: str, **attrs: str) -> None:
    # The host asserts who owns the repository: account data, not profile text.
    subject, kind = f"{family}:{account[0]}", account[1]
    login, type_ = ("full_path", "kind") if family == "gitlab" else ("login", "type")
    facts.add(
        "host-owner", subject, f"{at}.{login}", "registry-asserted", subject, type=kind, **attrs
    )
    facts.add("host-owner-type", kind, f"{at}.{type_}", "registry-asserted", subject)


def profile(run: Run, family: str, login: str, kind: str, url: str) -> None:
    """What an owner typed into its profile: self-declared text, recorded as typed."""
    subject = f"{family}:{login}"
    if subject in run.profiles:
        return
    run.profiles.add(subject)
    doc = get(run, family, url, f"{subject} profile")
    if doc is None:
        return
    data, facts = doc.data, FactBuilder(run.component.purl, NAME, doc)
    attrs = {"type": kind}
    if isinstance(data.get("is_verified"), bool):  # GitHub: the org verified a domain
        attrs["is_verified"] = str(data["is_verified"]).lower()
    for key in PROFILE[family, "Organization" if kind == "Organization" else "User"]:
        facts.add(KIND_OF[key], data.get(key), key, "self-declared", subject, **attrs)
    run.facts.extend(facts.facts)
