"""php parsers."""

from sbom.ecosystems.php import composer_lock

PARSERS = (composer_lock,)
