"""SBOM engine: inventory of dependencies from lockfiles, manifests and SBOM documents."""
