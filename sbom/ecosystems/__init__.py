"""Format parsers, one package per ecosystem; the registry is ``sbom.registry``."""
