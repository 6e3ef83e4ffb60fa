"""Code-level coverage of the knowledge base: identifiers per ecosystem, scope and source basis."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from feeds import model as m

# Ecosystems and the identifier kinds that name a namespace in each. Mail and web domains
# are not code-level: they name an organisation, not the code it publishes.
ECOSYSTEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("github", ("github_org", "github_repo")),
    ("gitlab", ("gitlab_group", "gitlab_repo")),
    ("gitee", ("gitee_org", "gitee_repo")),
    ("npm", ("npm_scope", "npm_package", "npm_name_pattern")),
    ("pypi", ("pypi_org", "pypi_owner", "pypi_name_pattern")),
    ("maven", ("maven_group_prefix",)),
    ("go", ("go_module_prefix",)),
    ("nuget", ("nuget_prefix", "nuget_owner")),
    ("crates", ("crates_name_pattern", "crates_owner")),
    ("rubygems", ("gem_name_pattern", "gem_owner")),
    ("composer", ("composer_vendor",)),
    ("pub", ("pub_publisher", "pub_name_pattern")),
)
NOT_CODE_LEVEL = frozenset({"email_domain", "web_domain"})
ECOSYSTEM_OF = {kind: eco for eco, kinds in ECOSYSTEMS for kind in kinds}

# What an identifier rests on, strongest first: a file read at a pinned commit or an official
# text; the company's own pages; other published sources; only the research notes.
BASES = ("pinned-or-official", "company-or-documentation", "other-sources", "research-notes-only")
_BASIS_OF_KIND = {
    "official": 0,
    "company": 1,
    "documentation": 1,
    "press": 2,
    "law-firm": 2,
    "secondary": 2,
    "research-notes": 3,
}


# How `feeds accept` marks a disputed identifier (CONTRIBUTING.md: held at most 14 days).
DISPUTED = re.compile(r"\bdisputed ([0-9]{4}-[0-9]{2}-[0-9]{2}): ")
HOLD_DAYS = 14


def disputed(entities: Iterable[m.Entity]) -> list[dict[str, str]]:
    """Identifiers under dispute, with the day the dispute was recorded (oldest first)."""
    out = [
        {"entity": e.id, "kind": i.kind, "value": i.value, "since": found.group(1)}
        for e in entities
        for i in e.identifiers
        if i.note and (found := DISPUTED.search(i.note))
    ]
    return sorted(out, key=lambda d: (d["since"], d["entity"], d["kind"], d["value"]))


def basis(ident: m.Identifier, sources: dict[str, m.Source]) -> str:
    """The strongest kind of source an identifier cites (see BASES)."""
    best = len(BASES) - 1
    for sid in ident.src:
        s = sources.get(sid)
        if s is None:
            continue
        rank = 0 if s.kind == "repository" and s.commit else _BASIS_OF_KIND.get(s.kind, 2)
        best = min(best, rank)
    return BASES[best]


def code_level(e: m.Entity) -> list[m.Identifier]:
    return [i for i in e.identifiers if i.kind in ECOSYSTEM_OF]


def linked_entities(entities: Iterable[m.Entity]) -> list[m.Entity]:
    """Entities that are not negative controls, by id."""
    return sorted((e for e in entities if not e.negative_control), key=lambda e: e.id)


def summary(entities: dict[str, m.Entity], sources: dict[str, m.Source]) -> dict[str, Any]:
    """Code-level identifiers per ecosystem, scope and basis; entities left without any."""
    chosen = linked_entities(entities.values())
    idents = [i for e in chosen for i in code_level(e)]
    by_eco = Counter(ECOSYSTEM_OF[i.kind] for i in idents)
    return {
        "identifiers": len(idents),
        "ecosystems_with_identifiers": sum(1 for eco, _ in ECOSYSTEMS if by_eco[eco]),
        "by_ecosystem": {eco: by_eco[eco] for eco, _ in ECOSYSTEMS},
        "by_scope": dict(sorted(Counter(i.scope for i in idents).items())),
        "by_basis": {b: sum(1 for i in idents if basis(i, sources) == b) for b in BASES},
        "unverified": sum(1 for i in idents if not i.verified),
        "entities_without_code_level": [e.id for e in chosen if not code_level(e)],
        "entities_without_identifiers": [e.id for e in chosen if not e.identifiers],
        "disputed": disputed(entities.values()),
    }


def table(entities: dict[str, m.Entity]) -> str:
    """Markdown: entity × ecosystem counts of code-level identifiers, totals first."""
    chosen = linked_entities(entities.values())
    chosen.sort(key=lambda e: (e.jurisdiction.value, e.id))
    ecos = [eco for eco, _ in ECOSYSTEMS]
    head = ["| entity | jurisdiction | " + " | ".join(ecos) + " | total |"]
    head.append("|---|---|" + "---:|" * (len(ecos) + 1))
    totals: Counter[str] = Counter()
    rows = []
    for e in chosen:
        counts = Counter(ECOSYSTEM_OF[i.kind] for i in code_level(e))
        totals.update(counts)
        cells = [str(counts[eco]) if counts[eco] else "·" for eco in ecos]
        rows.append(
            f"| `{e.id}` | {e.jurisdiction.value} | "
            + " | ".join(cells)
            + f" | {sum(counts.values())} |"
        )
    total_cells = [f"**{totals[eco]}**" for eco in ecos]
    total = f"| **all {len(chosen)} entities** | | " + " | ".join(total_cells)
    total += f" | **{sum(totals.values())}** |"
    return "\n".join([*head, total, *rows])
