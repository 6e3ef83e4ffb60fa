"""Ingest keeps non-package entries out of the dependency list and names evidence relatively."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbom.ingest import ingest_file
from sbom.model import Location, Relationship


def sbom(corpus: Path, rel: str) -> Path:
    return corpus / "sboms" / rel


@pytest.mark.parametrize(
    ("rel", "lockfile", "count", "under"),
    [
        ("trivy-cyclonedx-json/interlynk-io__sbomqs__sbomqs.trivy-cdx.json", "go.mod", 15, 15),
        ("trivy-spdx-json/interlynk-io__sbomqs__sbomqs.trivy-spdx.json", "go.mod", 15, 15),
        ("trivy-spdx-tv/interlynk-io__sbomqs__sbomqs.trivy-spdx.tv", "go.mod", 15, 15),
        # Newer Trivy hangs only the direct packages under the lockfile.
        ("trivy-spdx-json/aquasecurity__trivy__julia-spdx.json.golden", "Manifest.toml", 3, 2),
    ],
)
def test_trivy_lockfile_entries_become_locations(
    corpus: Path, rel: str, lockfile: str, count: int, under: int
) -> None:
    inv = ingest_file(str(sbom(corpus, rel)))
    assert not any(c.ecosystem == "generic" for c in inv.components)
    assert len(inv.components) == count
    # Each package Trivy hung under the lockfile says it was found there, and is direct.
    located = [c for c in inv.components if Location(lockfile) in c.locations]
    assert len(located) == under and all(c.direct for c in located)


@pytest.mark.parametrize(
    ("rel", "environment"),
    [
        (
            "trivy-cyclonedx-json/DependencyTrack__dependency-track__bom-issue4455.json",
            "alpine 3.20.3",
        ),
        (
            "trivy-cyclonedx-json/aquasecurity__trivy__fluentd-multiple-lockfiles.cdx.json.golden",
            "debian 10.2",
        ),
        ("syft-cyclonedx-xml/google__osv-scanner__alpine.cdx.xml", "alpine 3.17.2"),
        ("syft-cyclonedx-xml/google__osv-scanner__postgres-stretch.cdx.xml", "debian 9"),
        ("trivy-spdx-tv/aquasecurity__trivy__centos-7-spdx.txt", "centos 7.6.1810"),
    ],
)
def test_operating_system_is_the_environment(corpus: Path, rel: str, environment: str) -> None:
    inv = ingest_file(str(sbom(corpus, rel)))
    assert inv.metadata["sbom.environment"] == environment
    os_name = environment.split()[0]
    assert not any(c.ecosystem == "generic" and c.name == os_name for c in inv.components)


def test_trivy_os_packages_hang_at_the_root(corpus: Path) -> None:
    rel = "trivy-cyclonedx-json/DependencyTrack__dependency-track__bom-issue4455.json"
    inv = ingest_file(str(sbom(corpus, rel)))
    apk = [c for c in inv.components if c.ecosystem == "apk"]
    assert apk and all(c.direct for c in apk)
    assert all(Relationship("", c.purl) in inv.relationships for c in apk)


def test_evidence_names_the_sbom_not_this_machine(corpus: Path) -> None:
    path = sbom(corpus, "syft-cyclonedx-xml/google__osv-scanner__alpine.cdx.xml")
    inv = ingest_file(str(path.resolve()))
    assert {f.path for f in inv.files} == {path.name}
    assert {loc.path for c in inv.components for loc in c.locations} == {path.name}
    assert not any(str(corpus) in i.path for i in inv.issues)
