"""Elixir parsers."""

from sbom.ecosystems.elixir import mix_lock

PARSERS = (mix_lock,)
