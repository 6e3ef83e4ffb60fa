"""R parsers."""

from sbom.ecosystems.r import renv_lock

PARSERS = (renv_lock,)
