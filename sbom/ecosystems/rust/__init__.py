"""Rust parsers."""

from sbom.ecosystems.rust import cargo_lock

PARSERS = (cargo_lock,)
