"""icts-scan: foreign-adversary provenance scanning for software dependencies."""

# The one version of the distribution (sbom, feeds and scanner ship together). The CLI, the
# reports, the SBOM's metadata.tools and the evidence record all read it from here;
# scripts/release.py is what changes it.
__version__ = "0.2.0.dev0"

__all__ = ["__version__"]
