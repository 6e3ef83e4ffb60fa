"""SBOM engine: inventory of dependencies from lockfiles, manifests and SBOM documents."""

__version__ = "0.1.0"
