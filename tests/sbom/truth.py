"""Loading truth files: independently derived package lists for format fixtures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import FIXTURES, corpus_root

TRUTH_DIR = FIXTURES / "formats"


@dataclass(frozen=True)
class Case:
    """One fixture file with the packages it must yield."""

    truth: Path
    parser: str
    input: Path
    relpath: str
    packages: frozenset[tuple[str, str | None]]
    issues: int
    in_corpus: bool  # read from the shared corpus, not from the repository
    # "corpus:<path>" of the real file a sample in the repository was copied (or trimmed) from.
    source: str | None
    trimmed: bool  # a consistent part of the source file, not all of it
    edited: bool  # not byte-identical to the source (trimmed, or a host name replaced)

    @property
    def id(self) -> str:
        return str(self.truth.relative_to(TRUTH_DIR))


def load_cases() -> list[Case]:
    """Every ``*.truth.json`` under tests/fixtures/formats."""
    cases = []
    for truth in sorted(TRUTH_DIR.rglob("*.truth.json")):
        doc = json.loads(truth.read_text())
        inp = doc["input"]
        if inp.startswith("corpus:"):
            relpath = inp[len("corpus:") :]
            path = corpus_root() / relpath
        else:
            path = truth.parent / inp
            relpath = inp
        pkgs = frozenset((p[0], p[1]) for p in doc["packages"])
        issues, in_corpus = int(doc.get("issues", 0)), inp.startswith("corpus:")
        source, trimmed = doc.get("source"), "trimmed" in doc
        edited = trimmed or "edited" in doc
        cases.append(
            Case(
                truth,
                doc["parser"],
                path,
                relpath,
                pkgs,
                issues,
                in_corpus,
                source,
                trimmed,
                edited,
            )
        )
    return cases
