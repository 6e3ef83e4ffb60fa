"""GitLab: a project's namespace (top-level group or user), its fork parent, and profiles."""

from __future__ import annotations

from urllib.parse import quote

from scanner.enrich.codehost import lookup
from scanner.enrich.codehost.lookup import NAME, Run
from scanner.enrich.context import FactBuilder


def repository(run: Run, path: str) -> None:
    base = run.ctx.base("gitlab-api")
    doc = lookup.get(run, "gitlab", f"{base}/projects/{quote(path, safe='')}", f"gitlab.com/{path}")
    space = namespace(doc.data.get("namespace")) if doc else None
    if doc is None or space is None:
        if doc is not None:
            run.problems.append(("error", f"gitlab.com/{path}: no valid namespace in response"))
        return
    facts = FactBuilder(run.component.purl, NAME, doc)
    run.url = run.url or facts.url
    root, kind, full = space
    # A subgroup belongs to its top-level group: that group is the owning organization.
    attrs = {"repository": f"gitlab.com/{path}", **({"namespace": full} if full != root else {})}
    forked = doc.data.get("forked_from_project")  # sent to authenticated callers only
    upstream = namespace(forked.get("namespace")) if isinstance(forked, dict) else None
    if upstream and isinstance(forked, dict) and isinstance(forked.get("path_with_namespace"), str):
        attrs["fork_of"] = f"gitlab.com/{forked['path_with_namespace'].lower()}"
    lookup.owner(facts, "gitlab", (root, kind), "namespace", **attrs)
    owners = [(root, kind)]
    if upstream and "fork_of" in attrs:
        repo, at = attrs["fork_of"], "forked_from_project.namespace"
        lookup.owner(facts, "gitlab", upstream[:2], at, repository=repo, role="fork-parent")
        owners.append(upstream[:2])
    run.facts.extend(facts.facts)
    # User profiles are asked by numeric id, which `owner` gives for a user's own projects.
    owner = doc.data.get("owner")
    same = isinstance(owner, dict) and str(owner.get("username", "")).lower() == root
    user_id = owner.get("id") if same and isinstance(owner, dict) else None
    for login, owner_kind in dict.fromkeys(owners):
        if owner_kind == "Organization":
            url = f"{base}/groups/{quote(login, safe='')}?with_projects=false"
            lookup.profile(run, "gitlab", login, owner_kind, url)
        elif not run.ctx.credential("gitlab-api", "GITLAB_TOKEN", base):
            # GitLab shows user profiles to signed-in callers only.
            run.problems.append(("skipped", f"gitlab:{login} profile: needs GITLAB_TOKEN"))
        elif login == root and type(user_id) is int:
            lookup.profile(run, "gitlab", login, owner_kind, f"{base}/users/{user_id}")
        else:
            run.problems.append(("skipped", f"gitlab:{login} profile: no owner id in the project"))


def namespace(value: object) -> tuple[str, str, str] | None:
    """(top-level path, Organization|User, full path) of a GitLab namespace object."""
    if not isinstance(value, dict) or not isinstance(value.get("full_path"), str):
        return None
    full = value["full_path"].lower()
    if not all(lookup.SEGMENT.match(s) for s in full.split("/")):
        return None
    kind = {"group": "Organization", "user": "User"}.get(str(value.get("kind")), "unknown")
    return full.split("/")[0], kind, full
