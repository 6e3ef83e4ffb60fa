"""Every parser against real fixtures: exactly the packages of an independently derived truth list."""

from __future__ import annotations

import pytest

from sbom.read import parse_bytes
from sbom.registry import PARSERS
from tests.conftest import need_corpus
from tests.sbom.truth import TRUTH_DIR, Case, load_cases

CASES = load_cases()
BY_NAME = {p.NAME: p for p in PARSERS}
COPIES = [c for c in CASES if c.source and not c.edited]
TRIMMED = [c for c in CASES if c.trimmed]
# The corpus's only real conan.lock (PlotJuggler) has a licence SOURCES.md could not verify,
# so it stays out of the repository; Conan 1 and 2 locks written by Conan itself stand in.
NO_REAL_SAMPLE = {"conan/conan-lock"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_matches_truth(case: Case) -> None:
    if case.in_corpus:
        need_corpus()
    parser = BY_NAME[case.parser]
    result = parse_bytes(case.input.read_bytes(), case.relpath, parser)
    assert len(result.issues) == case.issues, result.issues
    got = {(c.name, c.version) for c in result.components}
    missing = sorted(case.packages - got, key=str)
    extra = sorted(got - case.packages, key=str)
    assert not missing and not extra, f"missing {missing[:10]}… extra {extra[:10]}…"
    for comp in result.components:
        assert comp.purl.startswith(f"pkg:{comp.ecosystem}/"), comp.purl
        assert comp.locations and comp.locations[0].path == case.relpath
    targets = {c.purl for c in result.components}
    for rel in result.relationships:
        assert rel.target in targets, rel
        assert rel.source == "" or rel.source in targets, rel


def test_every_parser_has_fixtures() -> None:
    covered = {c.parser for c in CASES}
    missing = [p.NAME for p in PARSERS if p.NAME not in covered]
    assert not missing, f"parsers without truth fixtures: {missing}"


def test_every_parser_reads_a_real_sample_without_the_corpus() -> None:
    local = {c.parser for c in CASES if not c.in_corpus}
    real = {c.parser for c in CASES if not c.in_corpus and c.source}
    assert [p.NAME for p in PARSERS if p.NAME not in local] == []
    assert [p.NAME for p in PARSERS if p.NAME not in real] == sorted(NO_REAL_SAMPLE)


@pytest.mark.parametrize("case", COPIES, ids=[c.id for c in COPIES])
def test_sample_is_its_corpus_file(case: Case) -> None:
    assert case.source and not case.in_corpus
    original = need_corpus() / case.source.removeprefix("corpus:")
    assert case.input.read_bytes() == original.read_bytes()


@pytest.mark.parametrize("case", TRIMMED, ids=[c.id for c in TRIMMED])
def test_trimmed_sample_lists_part_of_its_corpus_file(case: Case) -> None:
    # The whole file's truth, derived the same way, holds every package of the part kept.
    (whole,) = [c for c in CASES if c.in_corpus and f"corpus:{c.relpath}" == case.source]
    assert case.packages < whole.packages and whole.parser == case.parser


def test_parser_names_unique_and_documented() -> None:
    names = [p.NAME for p in PARSERS]
    assert len(names) == len(set(names))
    for p in PARSERS:
        assert p.TITLE and p.PATTERNS and (p.__doc__ or "").strip(), p.NAME
    assert TRUTH_DIR.is_dir()
