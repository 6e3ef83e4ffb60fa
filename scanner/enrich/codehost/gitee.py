"""Gitee: a repository's namespace (personal, group, enterprise), its fork parent, and profiles."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

from scanner.enrich.codehost import lookup
from scanner.enrich.codehost.lookup import NAME, Run
from scanner.enrich.context import FactBuilder

# A repository belongs to its namespace, not to `owner` (a UserBasic: a user account even for
# an organization's repository). Gitee's namespace types: personal, group (an organization)
# and enterprise (a company account); the latter two are organizations.
_KINDS = {"group": "Organization", "enterprise": "Organization", "personal": "User"}
# Profile endpoint per namespace type: GET /orgs/{org} (GroupDetail), /users/{username} (User).
# Enterprises are not asked: /enterprises/{e} sits with the members' API and may refuse us, and
# a 403 could not be told from Gitee's quota 403; their name comes with the repository instead.
_PROFILES = {"group": "orgs", "personal": "users"}

_TYPE = re.compile(r"^[a-z_]{1,30}$")


class Space(NamedTuple):
    """A Gitee namespace: lowercased path, Organization|User|unknown, Gitee's type, name."""

    path: str
    kind: str
    type: str
    name: str


def owners(facts: FactBuilder, data: dict[str, object], path: str) -> list[Space]:
    """Record who owns the repository (and the parent of a fork); empty when nothing valid."""
    space = namespace(data.get("namespace"))
    if space is None:
        return []
    up = parent(data)  # a fork's namespace may be anyone; the parent's is where code comes from
    attrs = {"repository": f"gitee.com/{path}", **({"fork_of": up[0]} if up else {})}
    _owner(facts, space, "namespace", **attrs)
    if up is None:
        return [space]
    _owner(facts, up[1], "parent.namespace", repository=up[0], role="fork-parent")
    return list(dict.fromkeys([space, up[1]]))


def _owner(facts: FactBuilder, space: Space, at: str, **attrs: str) -> None:
    # The host asserts which namespace holds the repository: account data, not profile text.
    subject = f"gitee:{space.path}"
    attrs = {"type": space.kind, "namespace_type": space.type, **attrs}
    facts.add("host-owner", subject, f"{at}.path", "registry-asserted", subject, **attrs)
    facts.add("host-owner-type", space.kind, f"{at}.type", "registry-asserted", subject)
    if space.type == "enterprise":
        # The display name the enterprise typed for itself, as the repository document shows it.
        name, field = space.name, f"{at}.name"
        facts.add("host-org-name", name, field, "self-declared", subject, type=space.kind)


def namespace(value: object) -> Space | None:
    """The namespace object of a repository, or None when it names no plausible path."""
    if not isinstance(value, dict):
        return None
    path, raw = value.get("path"), value.get("type")
    if not isinstance(path, str) or not lookup.SEGMENT.match(path):
        return None
    # Gitee's own word is kept (enterprise vs group), but only a plausible one.
    raw = raw if isinstance(raw, str) and _TYPE.match(raw) else "unknown"
    name = value.get("name") if isinstance(value.get("name"), str) else ""
    return Space(path.lower(), _KINDS.get(raw, "unknown"), raw, str(name))


def parent(data: dict[str, object]) -> tuple[str, Space] | None:
    """("gitee.com/owner/name", namespace) of the repository a fork copies, if stated."""
    up = data.get("parent")
    if data.get("fork") is not True or not isinstance(up, dict):
        return None
    full, space = up.get("full_name"), namespace(up.get("namespace"))
    if not isinstance(full, str) or space is None:
        return None
    owner, _, name = full.lower().partition("/")
    # The parent's full name must lie in the namespace it states, and be a plain owner/name.
    if owner != space.path or not lookup.SEGMENT.match(name):
        return None
    return f"gitee.com/{owner}/{name}", space


def profile_url(base: str, space: Space) -> str | None:
    """Where the namespace's self-declared profile is read; None for enterprises and unknowns."""
    where = _PROFILES.get(space.type)
    return f"{base}/{where}/{quote(space.path, safe='')}" if where else None


def repository(run: Run, path: str) -> None:
    owner, _, name = path.partition("/")
    base = run.ctx.base("gitee-api")
    url = f"{base}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    doc = lookup.get(run, "gitee", url, f"gitee.com/{path}")
    if doc is None:
        return
    facts = FactBuilder(run.component.purl, NAME, doc)
    spaces = owners(facts, doc.data, path)
    if not spaces:
        run.problems.append(("error", f"gitee.com/{path}: no valid namespace in response"))
        return
    run.url = run.url or facts.url
    run.facts.extend(facts.facts)
    for ns in spaces:
        page = profile_url(base, ns)
        if page:
            lookup.profile(run, "gitee", ns.path, ns.kind, page)
        elif ns.kind == "unknown":  # enterprises have no profile to ask; the rest is not guessed
            run.problems.append(("skipped", f"gitee:{ns.path} profile: unknown namespace type"))
