"""What each fact proves and rests on: identifier scopes, free-text names, pinned sources, primary citations, dates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from feeds import model as m
from feeds.build import Parts
from feeds.errors import Problem
from feeds.names import distinctive, name_key, normalize
from feeds.timeline import day

# Which identifier kinds each scope may take (docs/feeds.md, "Scopes").
_REPO_KINDS = frozenset({"github_repo", "gitlab_repo", "gitee_repo"})
_SCOPE_KINDS: dict[str, frozenset[str] | None] = {
    "organisation": None,  # any kind but a single repository
    "repository": _REPO_KINDS | {"go_module_prefix"},
    "hosting-platform": frozenset({"web_domain"}),
    "mirror": frozenset({"web_domain"}),
    "personal-mailbox": frozenset(),  # mailboxes live in email-providers.json
    "student-mailbox": frozenset(),
}
# Sites that copy official text. They may be how a text was read (``read_via``), never the only
# source of a legal fact (issue: primary sources).
MIRROR_HOSTS = frozenset(
    {
        "regulations.justia.com", "law.justia.com", "docslib.org", "www.wikiwand.com",
        "wikiwand.com", "cubatrade.org", "frtracker.app", "checkoutapi.com", "lexbuild.dev",
        "vuink.com", "grokipedia.opelly.me", "owiki.org", "unpac.us",
    }
)  # fmt: skip
# Hosts whose pages count as the official text of a U.S. legal fact.
OFFICIAL_SUFFIXES = (".gov", ".mil")
_PRIMARY_LEGAL = ("jurisdictions", "profiles", "prohibitions", "rules")


def check(parts: Parts) -> list[Problem]:
    """Problems with what facts prove and what they rest on."""
    out: list[Problem] = []
    out.extend(_sources(parts))
    keys: dict[str, set[str]] = {}
    for e in parts.entities.values():
        for n in e.names:
            # A negative control's former name matches only in full (Nebius was "Yandex N.V.").
            if not (e.negative_control and n.type == "former"):
                keys.setdefault(name_key(n.value), set()).add(_family(parts, e.id))
    for e in parts.entities.values():
        out.extend(_identifiers(e))
        out.extend(_names(e, keys))
        out.extend(_dates(e.file, e.id, _dated_facts(e)))
        out.extend(_control(e, parts))
        for i, li in enumerate(e.listings):
            out.extend(_primary(parts, e.file, e.id, f"listings[{i}]", li.src, li.status))
    for j in parts.jurisdictions.values():
        out.extend(_primary(parts, _file(parts, "jurisdictions"), j.id, "citation", j.citation.src))
    for p in parts.profiles.values():
        out.extend(_primary(parts, _file(parts, "profiles"), p.id, "citation", p.citation.src))
    for pr in parts.prohibitions.values():
        f = _file(parts, "prohibitions")
        out.extend(_primary(parts, f, pr.id, "citation", pr.citation.src))
        for i, pc in enumerate(pr.product_classes):
            for k, ident in enumerate(pc.members):
                out.extend(_scope(f, pr.id, f"product_classes[{i}].members[{k}]", ident))
    for r in parts.rules.values():
        f = _file(parts, "rules")
        out.extend(_primary(parts, f, r.id, "citation", r.citation.src))
        spans = [("", r.valid_from, r.valid_to)]
        spans += [
            (f"suspensions[{i}].", s.valid_from, s.valid_to) for i, s in enumerate(r.suspensions)
        ]
        out.extend(_dates(f, r.id, spans))
    return out


def _file(parts: Parts, feed: str) -> str:
    return parts.files.get(feed, [feed])[0]


def _sources(parts: Parts) -> Iterator[Problem]:
    f = _file(parts, "sources")
    for s in parts.sources.values():
        if s.kind == "repository":
            if not (s.repo and s.commit and s.path):
                yield Problem(
                    f, repr(s.id), "commit", "a repository source needs repo, commit and path"
                )
            elif s.commit not in s.url:
                yield Problem(f, repr(s.id), "url", "the URL must name the pinned commit")
        elif not s.as_of:
            yield Problem(f, repr(s.id), "as_of", "give the date the page describes")
        host = (urlsplit(s.url).hostname or "").lower()
        if s.kind == "official" and not host.endswith(OFFICIAL_SUFFIXES):
            yield Problem(f, repr(s.id), "kind", f"{host} is not an official (.gov) host")


def _scope(file: str, rid: str, path: str, ident: m.Identifier) -> Iterator[Problem]:
    allowed = _SCOPE_KINDS.get(ident.scope)
    if ident.scope in ("personal-mailbox", "student-mailbox"):
        yield Problem(file, repr(rid), path, "mailbox domains belong in email-providers.json")
    elif allowed is None and ident.kind in _REPO_KINDS:
        yield Problem(
            file, repr(rid), path, f"{ident.kind} proves one repository: scope repository"
        )
    elif allowed is not None and ident.kind not in allowed:
        yield Problem(file, repr(rid), path, f"scope {ident.scope} cannot be a {ident.kind}")


def _identifiers(e: m.Entity) -> Iterator[Problem]:
    for i, ident in enumerate(e.identifiers):
        yield from _scope(e.file, e.id, f"identifiers[{i}]", ident)


def free_text_problem(n: m.Name, shared: bool) -> str | None:
    """Why a name may not match free text, or None when it may.

    The whole name must be distinctive; its legal-form-stripped key is used for matching only
    when it is distinctive too (``ZTE Corporation`` matches in full, ``ZTE`` never).
    """
    if n.type == "transliteration":
        return "a transliteration also spells personal names and common words"
    if not distinctive(normalize(n.value)):
        return "a dictionary word, first name, another project's name, or too short"
    if shared:
        return "another entity has the same name key"
    return None


def _family(parts: Parts, eid: str) -> str:
    seen: set[str] = set()
    while eid not in seen and eid in parts.entities and parts.entities[eid].parent is not None:
        seen.add(eid)
        parent = parts.entities[eid].parent
        if parent is None or parent.id not in parts.entities:
            break
        eid = parent.id
    return eid


def _names(e: m.Entity, keys: dict[str, set[str]]) -> Iterator[Problem]:
    for i, n in enumerate(e.names):
        if not n.free_text:
            continue
        protective = e.negative_control and n.type == "former"
        shared = not protective and len(keys.get(name_key(n.value), ())) > 1
        why = free_text_problem(n, shared)
        if why:
            yield Problem(e.file, repr(e.id), f"names[{i}].free_text", f"{n.value!r}: {why}")


def _dated_facts(e: m.Entity) -> Iterable[tuple[str, str | None, str | None]]:
    for i, ident in enumerate(e.identifiers):
        yield f"identifiers[{i}].", ident.valid_from, ident.valid_to
    for i, li in enumerate(e.listings):
        yield f"listings[{i}].", li.valid_from, li.valid_to
    if e.parent:
        yield "parent.", e.parent.valid_from, e.parent.valid_to
    for i, st in enumerate(e.stakes):
        yield f"stakes[{i}].", st.valid_from, st.valid_to


_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")


def _dates(
    file: str, rid: str, spans: Iterable[tuple[str, str | None, str | None]]
) -> Iterator[Problem]:
    for path, start, end in spans:
        try:
            first = day(start) if start else None
            last = day(end) if end else None
        except ValueError:
            yield Problem(file, repr(rid), f"{path}valid_from", "not a calendar date")
            continue
        if first and last and last < first:
            yield Problem(file, repr(rid), f"{path}valid_to", "ends before it starts")


def _share(text: str | None) -> float | None:
    if not text:
        return None
    return float(text.rstrip("%").split("-")[0])


def _control(e: m.Entity, parts: Parts) -> Iterator[Problem]:
    p = e.parent
    share = _share(p.share) if p else None
    if p and share is not None and share < 50 and p.relation == "subsidiary":
        yield Problem(
            e.file, repr(e.id), "parent.share",
            f"{p.share} is a minority stake: a stake, or 'controlled' where a source shows control",
        )  # fmt: skip
    for i, st in enumerate(e.stakes):
        if st.holder.islower() and "-" in st.holder and st.holder not in parts.entities:
            yield Problem(
                e.file, repr(e.id), f"stakes[{i}].holder", f"unknown entity {st.holder!r}"
            )


def _primary(
    parts: Parts, file: str, rid: str, path: str, src: tuple[str, ...], status: Any = None
) -> Iterator[Problem]:
    """A legal fact needs a source other than a copy site (the copy may be ``read_via``)."""
    if status == "reported":
        return  # press reports are what "reported" means
    hosts = [
        (urlsplit(parts.sources[s].url).hostname or "").lower() for s in src if s in parts.sources
    ]
    if hosts and all(h in MIRROR_HOSTS for h in hosts):
        yield Problem(
            file,
            repr(rid),
            f"{path}.src",
            "only a copy site: cite the official text (copy as read_via)",
        )
