"""ruby parsers."""

from sbom.ecosystems.ruby import gemfile_lock

PARSERS = (gemfile_lock,)
