"""Cargo.lock specifics: v1 metadata checksums, v2 inline checksums, sources, graph, bad input."""

from __future__ import annotations

import pytest

from sbom.ecosystems.rust import cargo_lock
from sbom.errors import ParseError
from sbom.model import Hash, Relationship

IDX = "registry+https://github.com/rust-lang/crates.io-index"
SUM = "97b3888a4aecf77e811145cadf6eef5901f4782c53886191b2f693f24761847c"

# Hand-written in the documented v1 layout (cargo 1.95 rewrites any lock as v4, and no
# older toolchain is reachable here): checksums live in [metadata], deps name the source.
V1 = f"""[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "libc 0.2.155 ({IDX})",
 "forked 1.0.0 (git+https://example.invalid/forked.git#0123456789abcdef)",
]

[[package]]
name = "libc"
version = "0.2.155"
source = "{IDX}"

[[package]]
name = "forked"
version = "1.0.0"
source = "git+https://example.invalid/forked.git#0123456789abcdef"

[metadata]
"checksum libc 0.2.155 ({IDX})" = "{SUM}"
"""

# v2: no version line, checksums inline, deps by bare name when unambiguous.
V2 = f"""[[package]]
name = "app"
version = "0.1.0"
dependencies = ["libc", "serde 1.0.1"]

[[package]]
name = "libc"
version = "0.2.155"
source = "{IDX}"
checksum = "{SUM}"

[[package]]
name = "serde"
version = "1.0.1"
source = "sparse+https://index.example.invalid/"

[[package]]
name = "serde"
version = "0.9.0"
source = "{IDX}"
"""


def test_v1_checksums_sources_and_direct() -> None:
    result = cargo_lock.parse(V1, "Cargo.lock")
    comps = {c.name: c for c in result.components}
    assert comps["libc"].hashes == (Hash("SHA-256", SUM),)
    assert comps["libc"].registries == ("https://github.com/rust-lang/crates.io-index",)
    assert comps["forked"].source_kind == "vcs"
    assert comps["forked"].source_url == "git+https://example.invalid/forked.git#0123456789abcdef"
    assert comps["app"].source_kind == "workspace"
    assert comps["libc"].direct is True and comps["forked"].direct is True
    assert Relationship("pkg:cargo/app@0.1.0", "pkg:cargo/libc@0.2.155") in result.relationships
    assert [c.locations[0].line for c in result.components] == [1, 9, 14]


def test_v2_inline_checksums_sparse_registry_and_versioned_deps() -> None:
    result = cargo_lock.parse(V2, "Cargo.lock")
    comps = {c.purl: c for c in result.components}
    assert comps["pkg:cargo/libc@0.2.155"].hashes == (Hash("SHA-256", SUM),)
    assert comps["pkg:cargo/serde@1.0.1"].registries == ("sparse+https://index.example.invalid/",)
    targets = {r.target for r in result.relationships if r.source == "pkg:cargo/app@0.1.0"}
    assert targets == {"pkg:cargo/libc@0.2.155", "pkg:cargo/serde@1.0.1"}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('version = 3\n[[package]]\nname = "x"\n', 2),
        ("version = 3\n[[package]\n", 2),
        ('package = "not a table"\n', None),
    ],
)
def test_bad_input_is_a_parse_error(text: str, line: int | None) -> None:
    with pytest.raises(ParseError) as err:
        cargo_lock.parse(text, "Cargo.lock")
    assert err.value.line == line
