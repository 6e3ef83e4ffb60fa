"""``feeds accept``: a reviewed proposal merges, passes every check, and rehashes; anything else writes nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import feeds
from feeds.accept import accept, parse_key
from feeds.coverage import summary
from feeds.jsonfmt import dumps
from feeds.manifest import data_files

from .recorded import TODAY

REVIEWED = "2026-12-07"


def _write(tmp_path: Path, doc: dict[str, Any], name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {n: (root / n).read_bytes() for n in [*data_files(root), "MANIFEST.json"]}


def _disputed(fs: feeds.FeedSet) -> list[dict[str, str]]:
    """The test entity's disputes (the shipped data may hold disputes of its own)."""
    found: list[dict[str, str]] = summary(fs.entities, fs.sources)["disputed"]
    return [d for d in found if d["entity"] == "test-acme"]


def _idents(root: Path, eid: str) -> dict[tuple[str, str], Any]:
    return {(i.kind, i.value): i for i in feeds.load(root).entities[eid].identifiers}


def test_accept_round_trips_and_a_rejection_is_not_proposed_again(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    proposal = run(acme_root)
    path = _write(tmp_path, proposal)
    why = "an organisation account shared with a partner"
    result = accept(acme_root, path, REVIEWED, rejects={parse_key("pypi_org:acme-example"): why})
    assert result.problems == []
    assert "MANIFEST.json" in result.written and "entities/test-acme.json" in result.written
    assert result.outcome is not None
    assert len(result.outcome.added) == len(proposal["entities"][0]["identifiers"]) - 1
    fs = feeds.load(acme_root)  # digests and every check pass
    idents = _idents(acme_root, "test-acme")
    assert ("npm_scope", "@acme-widgets") in idents and ("pypi_org", "acme-example") not in idents
    src = fs.sources[idents["npm_scope", "@acme-widgets"].src[0]]
    assert src.kind == "repository" and src.commit and src.commit in src.url
    [hit] = fs.by_package("npm", "@acme-widgets/anything")
    assert hit.entity.id == "test-acme" and hit.match is not None
    rejected = {(r.kind, r.value): r for r in fs.parts.rejected}
    assert rejected["pypi_org", "acme-example"].why == why
    assert rejected["pypi_org", "acme-example"].reviewed == REVIEWED
    again = run(acme_root)
    assert again["entities"][0]["identifiers"] == []
    skipped = "\n".join(again["proposed_by"]["skipped"])
    assert f"pypi_org:acme-example: rejected on {REVIEWED}: {why}" in skipped
    assert "npm_scope:@acme-widgets: npm_scope @acme-widgets is in the knowledge base" in skipped


def test_only_merges_the_chosen_identifiers_and_the_sources_they_cite(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    path = _write(tmp_path, run(acme_root))
    sources_before = len(feeds.load(acme_root).sources)
    result = accept(acme_root, path, REVIEWED, only=[parse_key("npm_scope:@acme-widgets")])
    assert result.problems == [] and result.outcome is not None
    assert result.outcome.added == [("test-acme", "npm_scope", "@acme-widgets")]
    assert ("test-acme", "nuget_prefix", "Acme.Sdk") in result.outcome.left_out
    fs = feeds.load(acme_root)
    assert len(fs.sources) == sources_before + 4  # two manifests, two registry answers
    doc = json.loads((acme_root / "entities" / "test-acme.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == REVIEWED


def test_a_merge_that_fails_a_check_writes_nothing(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    proposal = run(acme_root)
    shared = next(i for i in proposal["not_added"] if i["value"] == "@acme-shared")
    staged = {k: shared[k] for k in ("kind", "value", "src")} | {"scope": "organisation"}
    proposal["entities"][0]["identifiers"].append(staged)
    before = _snapshot(acme_root)
    result = accept(acme_root, _write(tmp_path, proposal), REVIEWED)
    assert any(
        "also claimed by 'test-acme'" in p.message or "also claimed by 'test-other'" in p.message
        for p in result.problems
    ), result.problems
    assert result.written == [] and _snapshot(acme_root) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["entities"][0].update(id="no-such-entity"), "no such entity"),
        (
            lambda d: d["entities"][0]["identifiers"][0].update(src=["S-nowhere"]),
            "unknown source id 'S-nowhere'",
        ),
        (lambda d: d["entities"][0]["identifiers"][0].update(colour="red"), "unknown key"),
        (lambda d: d["entities"][0].update(sectors=["ai"]), "edit other facts by hand"),
        (lambda d: d["sources"][0].update(commit="not-a-sha"), "is not of the expected form"),
    ],
)
def test_a_bad_proposal_is_refused_with_where_and_why(
    acme_root: Path,
    run: Callable[..., dict[str, Any]],
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    proposal = run(acme_root)
    change(proposal)
    before = _snapshot(acme_root)
    result = accept(acme_root, _write(tmp_path, proposal), REVIEWED)
    assert any(message in str(p) for p in result.problems), result.problems
    assert _snapshot(acme_root) == before


def test_corrections_remove_and_dispute(acme_root: Path, tmp_path: Path) -> None:
    cited = _idents(acme_root, "test-acme")["npm_scope", "@acme-ui"].src
    doc = {
        "group": "review",
        "researched": REVIEWED,
        "sources": [],
        "entities": [
            {
                "id": "test-acme",
                "new": False,
                "corrections": [
                    {
                        "identifier": {"kind": "npm_scope", "value": "@acme-ui"},
                        "action": "remove",
                        "why": "the scope belongs to a community group",
                    },
                    {
                        "identifier": {"kind": "email_domain", "value": "acme.example"},
                        "action": "dispute",
                        "why": "issue 1234: the domain was sold",
                    },
                ],
            }
        ],
    }
    result = accept(acme_root, _write(tmp_path, doc), REVIEWED)
    assert result.problems == [] and result.outcome is not None
    assert result.outcome.removed == [("test-acme", "npm_scope", "@acme-ui")]
    idents = _idents(acme_root, "test-acme")
    assert ("npm_scope", "@acme-ui") not in idents
    disputed = idents["email_domain", "acme.example"]
    assert (
        disputed.verified is False
        and disputed.note == f"disputed {REVIEWED}: issue 1234: the domain was sold"
    )
    fs = feeds.load(acme_root)
    [gone] = [r for r in fs.parts.rejected if r.value == "@acme-ui"]
    # The rejection keeps what the identifier rested on: no source is left cited by nothing.
    assert gone.entity == "test-acme" and set(cited) <= set(gone.src)
    assert fs.by_email("dev@acme.example")[0].verified is False
    assert _disputed(fs) == [
        {"entity": "test-acme", "kind": "email_domain", "value": "acme.example", "since": REVIEWED}
    ]


def test_a_new_entity_joins_its_parents_file(acme_root: Path, tmp_path: Path) -> None:
    src = ["S-ecfr-791-4"]
    doc = {
        "group": "new",
        "researched": REVIEWED,
        "sources": [],
        "entities": [
            {
                "id": "test-acme-labs",
                "new": True,
                "kind": "lab",
                "names": [
                    {
                        "value": "Acme Example Research Laboratory",
                        "type": "common",
                        "free_text": True,
                        "src": src,
                    }
                ],
                "jurisdiction": {"value": "CN", "basis": "operations", "src": src},
                "parent": {"id": "test-acme", "relation": "division", "src": src},
                "identifiers": [
                    {
                        "kind": "github_org",
                        "value": "acme-labs-example",
                        "scope": "organisation",
                        "src": src,
                    }
                ],
            }
        ],
    }
    result = accept(acme_root, _write(tmp_path, doc), REVIEWED)
    assert result.problems == [] and result.outcome is not None
    assert result.outcome.new_entities == ["test-acme-labs"]
    fs = feeds.load(acme_root)
    assert fs.entities["test-acme-labs"].file == "entities/test-acme.json"
    [hit] = fs.by_code_host_org("github.com", "acme-labs-example")
    assert [step.entity.id for step in hit.chain] == ["test-acme-labs", "test-acme"]


def test_selections_must_name_something_in_the_file(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    path = _write(tmp_path, run(acme_root))
    result = accept(acme_root, path, REVIEWED, only=[parse_key("npm_scope:@typo")])
    assert [p.message for p in result.problems] == ["npm_scope:@typo is not in the proposal"]
    result = accept(acme_root, path, REVIEWED, rejects={parse_key("npm_scope:@acme-widgets"): None})
    assert "say why it is rejected" in result.problems[0].message
    with pytest.raises(ValueError, match="KIND:VALUE"):
        parse_key("npm_scope")
    with pytest.raises(ValueError, match="unknown identifier kind"):
        parse_key("npm_org:@x")


def test_a_not_added_lead_is_rejected_with_its_own_why(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    path = _write(tmp_path, run(acme_root))
    result = accept(
        acme_root, path, REVIEWED, only=[], rejects={parse_key("npm_package:acme-charts"): None}
    )
    assert result.problems == [] and result.outcome is not None and result.outcome.added == []
    [rec] = [r for r in feeds.load(acme_root).parts.rejected if r.value == "acme-charts"]
    assert "declares repository someone-else/charts" in rec.why and rec.src


def test_a_not_added_lead_may_name_its_entity_and_a_rejection_keeps_it(
    acme_root: Path, tmp_path: Path
) -> None:
    lead = {"kind": "npm_package", "value": "acme-fork", "entity": "test-acme",
            "why": "a third party's fork: its manifest names another author"}  # fmt: skip
    doc = {"group": "n", "researched": REVIEWED, "sources": [], "entities": [],
           "not_added": [lead]}  # fmt: skip
    path = _write(tmp_path, doc)
    assert accept(acme_root, path, REVIEWED, dry_run=True).problems == []
    result = accept(acme_root, path, REVIEWED, rejects={parse_key("npm_package:acme-fork"): None})
    assert result.problems == []
    [rec] = [r for r in feeds.load(acme_root).parts.rejected if r.value == "acme-fork"]
    assert rec.entity == "test-acme" and rec.why == lead["why"]


def test_accept_refuses_a_data_folder_that_does_not_verify(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    path = _write(tmp_path, run(acme_root))
    profiles = acme_root / "profiles.json"
    profiles.write_text(profiles.read_text(encoding="utf-8") + " ", encoding="utf-8")
    result = accept(acme_root, path, TODAY)
    assert "fix the data (icts-scan feeds verify) before accepting" in str(result.problems[-1])
    assert copy.deepcopy(result.written) == []


def test_a_disputed_identifier_restated_with_a_source_is_verified_again(
    acme_root: Path, tmp_path: Path
) -> None:
    key = {"kind": "email_domain", "value": "acme.example"}
    fix = {"identifier": key, "action": "dispute", "why": "issue 9"}
    doc = {"group": "d", "researched": REVIEWED, "sources": [], "entities": [
        {"id": "test-acme", "new": False, "corrections": [fix]}
    ]}  # fmt: skip
    assert accept(acme_root, _write(tmp_path, doc), REVIEWED).problems == []
    source = {
        "id": "S-test-acme-imprint", "url": "https://www.acme.example/imprint",
        "title": "Acme Example Networks imprint: contact addresses at acme.example",
        "kind": "company", "as_of": "2026-12", "accessed": "2026-12-09",
    }  # fmt: skip
    restated = {**key, "scope": "organisation", "src": ["S-test-acme-imprint"]}
    doc = {"group": "r", "researched": "2026-12-09", "sources": [source], "entities": [
        {"id": "test-acme", "new": False, "identifiers": [restated]}
    ]}  # fmt: skip
    result = accept(acme_root, _write(tmp_path, doc, "r.json"), "2026-12-09")
    assert result.problems == [] and result.outcome is not None
    assert result.outcome.updated == [("test-acme", "email_domain", "acme.example")]
    ident = _idents(acme_root, "test-acme")["email_domain", "acme.example"]
    assert ident.verified is True and "S-test-acme-imprint" in ident.src
    assert ident.note == f"dispute of {REVIEWED} answered 2026-12-09 (re-sourced): issue 9"
    fs = feeds.load(acme_root)
    assert _disputed(fs) == []


def test_removing_an_identifier_rejected_before_updates_that_rejection(
    acme_root: Path, tmp_path: Path
) -> None:
    key = {"kind": "npm_scope", "value": "@acme-ui"}
    cited = _idents(acme_root, "test-acme")["npm_scope", "@acme-ui"].src
    lead = {**key, "why": "not examined"}
    doc = {"group": "l", "researched": REVIEWED, "sources": [], "entities": [], "not_added": [lead]}
    result = accept(
        acme_root,
        _write(tmp_path, doc),
        REVIEWED,
        only=[],
        rejects={parse_key("npm_scope:@acme-ui"): None},
    )
    assert result.problems == []
    fix = {"identifier": key, "action": "remove", "why": "a community group's scope"}
    doc = {"group": "r", "researched": "2026-12-09", "sources": [], "entities": [
        {"id": "test-acme", "new": False, "corrections": [fix]}
    ]}  # fmt: skip
    result = accept(acme_root, _write(tmp_path, doc, "r.json"), "2026-12-09")
    # Before, the older rejection was kept as it was and the removed identifier's sources
    # were left cited by nothing, which the checks refuse.
    assert result.problems == [] and result.outcome is not None
    [rec] = [r for r in feeds.load(acme_root).parts.rejected if r.value == "@acme-ui"]
    assert rec.why == "a community group's scope" and rec.reviewed == "2026-12-09"
    assert rec.entity == "test-acme" and set(cited) <= set(rec.src)
