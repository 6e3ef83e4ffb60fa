"""go.sum: module versions whose content was downloaded (lines with a full-tree h1 hash)."""

from __future__ import annotations

from sbom import hashes, purl
from sbom.errors import ParseError
from sbom.lines import iter_lines
from sbom.model import Component, Location, ParseIssue, ParseResult

NAME = "golang/go-sum"
TITLE = "go.sum"
PATTERNS = ("go.sum",)
SUPERSEDED_BY: tuple[str, ...] = ()

# Which lines count: "MODULE VERSION h1:..." records the hash of a module's whole file tree,
# which Go writes only for modules whose content it downloaded to build or test packages.
# "MODULE VERSION/go.mod h1:..." lines only say that the module's go.mod was read during
# version selection (often for versions that lose), so they are skipped. Beside a go.mod
# of Go 1.17 or later (sbom.pairing) these components only lend their hashes to the
# modules go.mod requires: go.sum also keeps checksums for the tests of dependencies.
#
# The hash: h1 is SHA-256 over a sorted list of "sha256  path" lines of the files in the
# module zip (golang.org/x/mod/sumdb/dirhash), the module's content hash as the checksum
# database serves it. It is written as a SHA-256 in hex, as cyclonedx-gomod does; it is
# not the digest of a downloadable file (docs/cyclonedx-taxonomy.md says so).


def parse(text: str, path: str) -> ParseResult:
    """Parse a go.sum."""
    comps: dict[tuple[str, str], Component] = {}
    issues: list[ParseIssue] = []
    good = 0
    for n, line in enumerate(iter_lines(text), 1):
        fields = line.split()
        if not fields:
            continue
        # A hash is "h<N>:<base64>"; Go ignores algorithms it does not know, so do we.
        if len(fields) != 3 or fields[2][:1] != "h" or ":" not in fields[2]:
            issues.append(ParseIssue(path, n, f"{NAME}: expected 'module version hash'"))
            continue
        good += 1
        module, version = fields[0], fields[1]
        if version.endswith("/go.mod") or (module, version) in comps:
            continue
        if not purl.golang_ok(module):
            issues.append(ParseIssue(path, n, f"{NAME}: {module!r} is not a module path"))
            continue
        h1 = fields[2].startswith("h1:")
        digest = hashes.from_base64("sha256", fields[2][3:]) if h1 else None
        comps[(module, version)] = Component(
            purl=purl.golang(module, version),
            ecosystem="golang",
            name=module,
            version=version,
            hashes=(digest,) if digest else (),
            locations=(Location(path, n),),
        )
    if issues and not good:
        raise ParseError("not a go.sum file: no 'module version hash' line", issues[0].line)
    return ParseResult(tuple(comps.values()), (), tuple(issues))
