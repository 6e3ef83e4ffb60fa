"""Rust parsers."""

from sbom.ecosystems.rust import cargo_lock
from sbom.parser import Parser

PARSERS: tuple[Parser, ...] = (cargo_lock,)
