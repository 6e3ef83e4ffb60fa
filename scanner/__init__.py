"""icts-scan: foreign-adversary provenance scanning for software dependencies."""

from sbom import __version__

__all__ = ["__version__"]
