"""Known unknowns: which parts of the inventory's graph are complete (CycloneDX compositions)."""

from __future__ import annotations

from sbom.model import Inventory

# What each input format records, by parser name. "graph": every package with the
# packages it depends on, so each component's own dependency list is complete; "set":
# every package of the build, resolved, but no edges between them; "declared": only what
# the project asks for (a manifest), so transitive dependencies are missing.
RECORDS: dict[str, str] = {
    "npm/package-lock": "graph",
    "npm/yarn-lock": "graph",
    "npm/yarn-berry-lock": "graph",
    "npm/pnpm-lock": "graph",
    "npm/bun-lock": "graph",
    "cargo/cargo-lock": "graph",
    "pypi/uv-lock": "graph",
    "pypi/poetry-lock": "graph",
    "pypi/pdm-lock": "graph",
    "gem/gemfile-lock": "graph",
    "composer/composer-lock": "graph",
    "hex/mix-lock": "graph",
    "nuget/packages-lock": "graph",
    "cran/renv-lock": "graph",
    "golang/go-mod": "set",
    "golang/go-sum": "set",
    "golang/vendor-modules": "set",
    "maven/gradle-lockfile": "set",
    "maven/gradle-verification": "set",
    "pypi/pipfile-lock": "set",
    "pypi/pylock": "set",
    "pub/pubspec-lock": "set",
    "swift/package-resolved": "set",
    "conan/conan-lock": "set",
    "nuget/packages-config": "set",
    "git/gitmodules": "set",
    "pypi/requirements": "declared",
    "pypi/pyproject": "declared",
    "npm/package-json": "declared",
    "maven/pom": "declared",
    "nuget/project-file": "declared",
    "vcpkg/vcpkg-json": "declared",
    "github/actions-workflow": "declared",
}


def compositions(inv: Inventory, root_ref: str) -> list[tuple[str, list[str]]]:
    """(aggregate, refs) pairs: the root's list, then components by what their files record.

    The root's dependencies are "complete" when every input is a lockfile that names the
    whole build and none failed to parse, "incomplete" when a manifest or a broken file
    leaves packages out, "unknown" for an ingested SBOM (its producer's claim is not ours).
    """
    kinds = {f.path: RECORDS.get(f.format, "unknown") for f in inv.files}
    broken = any(i.severity == "error" for i in inv.issues)
    if not kinds or "unknown" in kinds.values():
        root = "unknown"
    elif broken or "declared" in kinds.values():
        root = "incomplete"
    else:
        root = "complete"
    complete: list[str] = []
    unknown: list[str] = []
    for c in inv.components:
        graph = any(kinds.get(loc.path) == "graph" for loc in c.locations)
        (complete if graph else unknown).append(c.purl)
    out = [(root, [root_ref])]
    out += [
        (aggregate, refs)
        for aggregate, refs in (("complete", complete), ("unknown", unknown))
        if refs
    ]
    return out


def lifecycles(inv: Inventory) -> list[str]:
    """CycloneDX lifecycle phases: what the inventory says it was made from."""
    return [p for p in inv.metadata.get("sbom.lifecycles", "").split(",") if p]
