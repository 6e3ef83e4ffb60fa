"""Java parsers."""

from sbom.ecosystems.java import gradle_lockfile, gradle_verification, pom

PARSERS = (pom, gradle_lockfile, gradle_verification)
