"""The coverage table of docs/feeds.md is generated from the shipped data and stays current."""

from __future__ import annotations

import feeds
from feeds.coverage import BASES, ECOSYSTEM_OF, NOT_CODE_LEVEL, basis, summary, table
from feeds.schema import shipped_schema
from scripts.regenerate import render_feeds_doc
from tests.conftest import REPO


def test_the_coverage_table_is_current() -> None:
    doc = (REPO / "docs" / "feeds.md").read_text(encoding="utf-8")
    assert "<!-- coverage:start -->" in doc
    assert render_feeds_doc(doc) == doc, "run: python scripts/regenerate.py"


def test_every_identifier_kind_is_code_level_or_a_domain() -> None:
    kinds = set(shipped_schema().document["$defs"]["identifier_kind"]["enum"])
    assert kinds == set(ECOSYSTEM_OF) | NOT_CODE_LEVEL
    assert not set(ECOSYSTEM_OF) & NOT_CODE_LEVEL


def test_table_rows_add_up_to_the_summary(shipped: feeds.FeedSet) -> None:
    text = table(shipped.entities)
    counts = summary(shipped.entities, shipped.sources)
    total_row = text.splitlines()[2]
    assert total_row.endswith(f"| **{counts['identifiers']}** |")
    rows = [r for r in text.splitlines()[3:] if r.startswith("| `")]
    assert len(rows) == sum(1 for e in shipped.entities.values() if not e.negative_control)
    assert sum(int(r.rsplit("|", 2)[1]) for r in rows) == counts["identifiers"]


def test_basis_prefers_a_pinned_file_over_research_notes(shipped: feeds.FeedSet) -> None:
    ranked = [basis(i, shipped.sources) for e in shipped.entities.values() for i in e.identifiers]
    assert set(ranked) <= set(BASES)
    pinned = next(s for s in shipped.sources.values() if s.kind == "repository" and s.commit)
    notes = next(s for s in shipped.sources.values() if s.kind == "research-notes")
    ident = next(i for e in shipped.entities.values() for i in e.identifiers)
    mixed = type(ident)(kind=ident.kind, value=ident.value, src=(notes.id, pinned.id))
    assert basis(mixed, shipped.sources) == "pinned-or-official"
    only_notes = type(ident)(kind=ident.kind, value=ident.value, src=(notes.id,))
    assert basis(only_notes, shipped.sources) == "research-notes-only"
