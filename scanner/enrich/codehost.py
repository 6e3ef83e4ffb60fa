"""Code hosts (GitHub, GitLab, Gitee): who owns each repository a component names, and what they say."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote
from weakref import WeakKeyDictionary

from packageurl import PackageURL

from sbom import vcs
from sbom.model import Component
from scanner.enrich import codehost_gitee as gitee
from scanner.enrich.context import Context, FactBuilder, failed
from scanner.enrich.model import Fact, SourceResult, SourceStatus, Status
from scanner.enrich.repos import parse_repo
from scanner.net.client import FetchError, HttpClient, JsonDoc

NAME = "codehost"
ECOSYSTEMS = ("*",)
PHASE = 2

MAX_REPOS = 5  # registry text is hostile: a component never costs more than a few lookups
# Repository host → (subject prefix, endpoint-table source, token variable).
_HOSTS = {
    "github.com": ("github", "github-api", "GITHUB_TOKEN"),
    "gitlab.com": ("gitlab", "gitlab-api", "GITLAB_TOKEN"),
    "gitee.com": ("gitee", "gitee-api", "GITEE_TOKEN"),
}
_HEADERS = {
    "github": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
    "gitlab": {"Accept": "application/json"},
    "gitee": {"Accept": "application/json"},
}
_SEGMENT = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$")
_MAJOR = re.compile(r"/v\d+$")
# Worst first: the component's status is its worst lookup.
_RANK = ("error", "offline", "skipped", "not-found")
# Profile fields read per host and owner type, and the fact kind of each. Names of people, bios
# and avatars are never read: nothing about a person is inferred from them.
_PROFILE = {
    ("github", "Organization"): ("name", "email", "blog", "company", "location"),
    ("github", "User"): ("blog", "company", "location"),
    ("gitlab", "Organization"): ("name",),  # GitLab groups declare no location or e-mail
    ("gitlab", "User"): ("location", "organization", "website_url"),
    # Gitee: GroupDetail (orgs) and User, which states no location.
    ("gitee", "Organization"): ("name", "email", "location"),
    ("gitee", "User"): ("blog", "company"),
}
_KIND_OF = {
    "name": "host-org-name",
    "email": "host-org-email",
    "blog": "host-org-blog",
    "website_url": "host-org-blog",
    "company": "host-company",
    "organization": "host-company",
    "location": "host-location",
}

# Hosts that answered "rate limited", per HTTP client (one client = one scan). The client does
# not pause a host on GitHub's quota 403 (no Retry-After), so later lookups would hammer it.
_limited: WeakKeyDictionary[HttpClient, dict[str, str]] = WeakKeyDictionary()
_limited_lock = threading.Lock()


@dataclass
class _Run:
    """Facts and problems of one component's lookups."""

    component: Component
    ctx: Context
    facts: list[Fact] = field(default_factory=list)
    problems: list[tuple[Status, str]] = field(default_factory=list)
    url: str | None = None
    profiles: set[str] = field(default_factory=set)


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Components whose own identity names a repository (pkg:github, Go modules, Swift, vcs)."""
    return enrich_with(component, ctx, ())


def enrich_with(component: Component, ctx: Context, prior_facts: Sequence[Fact]) -> SourceResult:
    """Owner, owner type, fork origin and owner profile of every repository found so far.

    A bug here cannot end the scan: the runner turns any exception into an error status.
    """
    prior = prior_facts
    texts = [_own_repository(component)] + [f.value for f in prior if f.kind == "repository"]
    repos: dict[str, tuple[str, str]] = {}
    elsewhere: list[str] = []
    for text in texts:
        repo = _repo(text) if text else None
        if repo and repo[0] in _HOSTS:
            repos.setdefault("/".join(repo), repo)
        elif repo:
            elsewhere.append("/".join(repo))
    if not repos:
        reason = f"no repository on a supported code host ({', '.join(elsewhere[:3])})"
        return SourceResult(SourceStatus(NAME, "not-applicable", reason if elsewhere else ""))
    run = _Run(component, ctx)
    for host, path in list(repos.values())[:MAX_REPOS]:
        if host == "github.com":
            _github_repo(run, path)
        elif host == "gitlab.com":
            _gitlab_project(run, path)
        else:
            _gitee_repo(run, path)
    facts = tuple(dict.fromkeys(run.facts))
    if not run.problems:
        return SourceResult(SourceStatus(NAME, "ok", url=run.url), facts)
    status = min((s for s, _ in run.problems), key=_RANK.index)
    reason = "; ".join(dict.fromkeys(r for _, r in run.problems))[:1000]
    return SourceResult(SourceStatus(NAME, status, reason), facts)


def _own_repository(component: Component) -> str | None:
    """The repository a component's identity names, if any."""
    if component.source_kind == "vcs" and component.source_url:
        head, sep, last = component.source_url.rpartition("/")
        return head + sep + last.partition("@")[0]  # drop the pinned "@rev"
    if component.ecosystem == "golang":
        return "https://" + _MAJOR.sub("", component.name)
    if component.ecosystem in ("github", "swift"):
        try:
            p = PackageURL.from_string(component.purl)
        except ValueError:
            return None
        host = "github.com/" if component.ecosystem == "github" else ""
        return f"https://{host}{p.namespace}/{p.name}" if p.namespace else None
    return None


def _repo(text: str) -> tuple[str, str] | None:
    """(host, lowercased path): owner/name, or GitLab's full project path with subgroups."""
    ref = parse_repo(text)
    if ref is None:
        return None
    segments = [ref.owner, ref.name]
    parts = vcs.split(text)
    if ref.host == "gitlab.com" and parts and parts[0].removeprefix("www.") == "gitlab.com":
        segments = [s for s in parts[1].split("/-/")[0].split("/") if s]
    if not all(_SEGMENT.match(s) for s in segments):
        return None
    # Hosts match names case-insensitively; one spelling gives one URL, so one request a scan.
    return ref.host, "/".join(segments).lower()


def _get(run: _Run, family: str, url: str, what: str) -> JsonDoc | None:
    """A JSON object from a code-host API, or None with the problem recorded."""
    _, source, token_env = next(v for v in _HOSTS.values() if v[0] == family)
    client = run.ctx.client
    with _limited_lock:
        limited = _limited.get(client, {}).get(family)
    if limited:
        run.problems.append(("skipped", f"{what}: not asked, {limited}"))
        return None
    headers = dict(_HEADERS[family])
    token = run.ctx.token(token_env)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    doc = client.get_json(url, source=source, headers=headers)
    if isinstance(doc, FetchError):
        # Gitee answers a spent quota with a bare 403: no header tells it from a refusal.
        quota = family == "gitee" and doc.status == 403
        if quota or doc.status == 429 or doc.reason.startswith("rate limited"):
            with _limited_lock:
                _limited.setdefault(client, {})[family] = f"{family} was rate limited earlier"
            hint = "" if token else f" (set {token_env})"
            run.problems.append(("error", f"rate limited{hint}: {what}: {doc.reason}"))
        else:
            status = failed(NAME, doc).status
            run.problems.append((status.status, f"{what}: {status.reason}"))
        return None
    if not isinstance(doc.data, dict):
        run.problems.append(("error", f"{what}: expected a JSON object"))
        return None
    return doc


def _account(value: object) -> tuple[str, str] | None:
    """(lowercased login, type) of a GitHub account object with a plausible login."""
    if not isinstance(value, dict):
        return None
    login, kind = value.get("login"), value.get("type")
    if not isinstance(login, str) or not _SEGMENT.match(login):
        return None
    return login.lower(), kind if isinstance(kind, str) and kind else "unknown"


def _owner(
    facts: FactBuilder, family: str, account: tuple[str, str], at: str, **attrs: str
) -> None:
    # The host asserts who owns the repository: account data, not profile text.
    subject, kind = f"{family}:{account[0]}", account[1]
    login, type_ = ("full_path", "kind") if family == "gitlab" else ("login", "type")
    facts.add(
        "host-owner", subject, f"{at}.{login}", "registry-asserted", subject, type=kind, **attrs
    )
    facts.add("host-owner-type", kind, f"{at}.{type_}", "registry-asserted", subject)


def _github_repo(run: _Run, path: str) -> None:
    owner, _, name = path.partition("/")
    url = f"{run.ctx.base('github-api')}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    doc = _get(run, "github", url, f"github.com/{path}")
    account = _account(doc.data.get("owner")) if doc else None
    if doc is None or account is None:
        if doc is not None:
            run.problems.append(("error", f"github.com/{path}: no valid owner.login in response"))
        return
    facts = FactBuilder(run.component.purl, NAME, doc)
    run.url = run.url or facts.url
    # A fork's owner may be anyone; the repository it copies is where the code comes from.
    # `source` (root of the fork network) adds something only when it is not the parent.
    upstream: dict[str, tuple[str, tuple[str, str]]] = {}
    for key in ("parent", "source") if doc.data.get("fork") is True else ():
        up = doc.data.get(key)
        up_account = _account(up.get("owner")) if isinstance(up, dict) else None
        if isinstance(up, dict) and isinstance(up.get("full_name"), str) and up_account:
            upstream.setdefault(f"github.com/{up['full_name'].lower()}", (key, up_account))
    full = doc.data.get("full_name")
    attrs = {"repository": f"github.com/{full.lower() if isinstance(full, str) else path}"}
    attrs.update({"fork_of": next(iter(upstream))} if upstream else {})
    _owner(facts, "github", account, "owner", **attrs)
    for repo, (key, up_account) in upstream.items():
        _owner(facts, "github", up_account, f"{key}.owner", repository=repo, role=f"fork-{key}")
    run.facts.extend(facts.facts)
    base = run.ctx.base("github-api")
    for login, kind in dict.fromkeys([account, *(a for _, a in upstream.values())]):
        where = "orgs" if kind == "Organization" else "users"
        _profile(run, "github", login, kind, f"{base}/{where}/{quote(login, safe='')}")


def _gitlab_project(run: _Run, path: str) -> None:
    base = run.ctx.base("gitlab-api")
    doc = _get(run, "gitlab", f"{base}/projects/{quote(path, safe='')}", f"gitlab.com/{path}")
    namespace = _gitlab_namespace(doc.data.get("namespace")) if doc else None
    if doc is None or namespace is None:
        if doc is not None:
            run.problems.append(("error", f"gitlab.com/{path}: no valid namespace in response"))
        return
    facts = FactBuilder(run.component.purl, NAME, doc)
    run.url = run.url or facts.url
    root, kind, full = namespace
    # A subgroup belongs to its top-level group: that group is the owning organization.
    attrs = {"repository": f"gitlab.com/{path}", **({"namespace": full} if full != root else {})}
    forked = doc.data.get("forked_from_project")  # sent to authenticated callers only
    upstream = _gitlab_namespace(forked.get("namespace")) if isinstance(forked, dict) else None
    if upstream and isinstance(forked, dict) and isinstance(forked.get("path_with_namespace"), str):
        attrs["fork_of"] = f"gitlab.com/{forked['path_with_namespace'].lower()}"
    _owner(facts, "gitlab", (root, kind), "namespace", **attrs)
    owners = [(root, kind)]
    if upstream and "fork_of" in attrs:
        repo, at = attrs["fork_of"], "forked_from_project.namespace"
        _owner(facts, "gitlab", upstream[:2], at, repository=repo, role="fork-parent")
        owners.append(upstream[:2])
    run.facts.extend(facts.facts)
    # User profiles are asked by numeric id, which `owner` gives for a user's own projects.
    owner = doc.data.get("owner")
    same = isinstance(owner, dict) and str(owner.get("username", "")).lower() == root
    user_id = owner.get("id") if same and isinstance(owner, dict) else None
    for login, owner_kind in dict.fromkeys(owners):
        if owner_kind == "Organization":
            url = f"{base}/groups/{quote(login, safe='')}?with_projects=false"
            _profile(run, "gitlab", login, owner_kind, url)
        elif not run.ctx.token("GITLAB_TOKEN"):  # GitLab shows user profiles to signed-in callers
            run.problems.append(("skipped", f"gitlab:{login} profile: needs GITLAB_TOKEN"))
        elif login == root and type(user_id) is int:
            _profile(run, "gitlab", login, owner_kind, f"{base}/users/{user_id}")
        else:
            run.problems.append(("skipped", f"gitlab:{login} profile: no owner id in the project"))


def _gitee_repo(run: _Run, path: str) -> None:
    owner, _, name = path.partition("/")
    base = run.ctx.base("gitee-api")
    url = f"{base}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    doc = _get(run, "gitee", url, f"gitee.com/{path}")
    if doc is None:
        return
    facts = FactBuilder(run.component.purl, NAME, doc)
    spaces = gitee.owners(facts, doc.data, path)
    if not spaces:
        run.problems.append(("error", f"gitee.com/{path}: no valid namespace in response"))
        return
    run.url = run.url or facts.url
    run.facts.extend(facts.facts)
    for ns in spaces:
        profile = gitee.profile_url(base, ns)
        if profile:
            _profile(run, "gitee", ns.path, ns.kind, profile)
        elif ns.kind == "unknown":  # enterprises have no profile to ask; the rest is not guessed
            run.problems.append(("skipped", f"gitee:{ns.path} profile: unknown namespace type"))


def _gitlab_namespace(value: object) -> tuple[str, str, str] | None:
    """(top-level path, Organization|User, full path) of a GitLab namespace object."""
    if not isinstance(value, dict) or not isinstance(value.get("full_path"), str):
        return None
    full = value["full_path"].lower()
    if not all(_SEGMENT.match(s) for s in full.split("/")):
        return None
    kind = {"group": "Organization", "user": "User"}.get(str(value.get("kind")), "unknown")
    return full.split("/")[0], kind, full


def _profile(run: _Run, family: str, login: str, kind: str, url: str) -> None:
    """What an owner typed into its profile: self-declared text, recorded as typed."""
    subject = f"{family}:{login}"
    if subject in run.profiles:
        return
    run.profiles.add(subject)
    doc = _get(run, family, url, f"{subject} profile")
    if doc is None:
        return
    data, facts = doc.data, FactBuilder(run.component.purl, NAME, doc)
    attrs = {"type": kind}
    if isinstance(data.get("is_verified"), bool):  # GitHub: the org verified a domain
        attrs["is_verified"] = str(data["is_verified"]).lower()
    for key in _PROFILE[family, "Organization" if kind == "Organization" else "User"]:
        facts.add(_KIND_OF[key], data.get(key), key, "self-declared", subject, **attrs)
    run.facts.extend(facts.facts)
