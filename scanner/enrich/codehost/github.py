"""GitHub: a repository's owner account, its fork network, and the owners' profiles."""

from __future__ import annotations

from urllib.parse import quote

from scanner.enrich.codehost import lookup
from scanner.enrich.codehost.lookup import NAME, Run
from scanner.enrich.context import FactBuilder


def repository(run: Run, path: str) -> None:
    owner, _, name = path.partition("/")
    url = f"{run.ctx.base('github-api')}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    doc = lookup.get(run, "github", url, f"github.com/{path}")
    account = lookup.account(doc.data.get("owner")) if doc else None
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
        up_account = lookup.account(up.get("owner")) if isinstance(up, dict) else None
        if isinstance(up, dict) and isinstance(up.get("full_name"), str) and up_account:
            upstream.setdefault(f"github.com/{up['full_name'].lower()}", (key, up_account))
    full = doc.data.get("full_name")
    attrs = {"repository": f"github.com/{full.lower() if isinstance(full, str) else path}"}
    attrs.update({"fork_of": next(iter(upstream))} if upstream else {})
    lookup.owner(facts, "github", account, "owner", **attrs)
    for repo, (key, up_account) in upstream.items():
        lookup.owner(
            facts, "github", up_account, f"{key}.owner", repository=repo, role=f"fork-{key}"
        )
    run.facts.extend(facts.facts)
    base = run.ctx.base("github-api")
    for login, kind in dict.fromkeys([account, *(a for _, a in upstream.values())]):
        where = "orgs" if kind == "Organization" else "users"
        lookup.profile(run, "github", login, kind, f"{base}/{where}/{quote(login, safe='')}")
