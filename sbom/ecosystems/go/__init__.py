"""Go parsers."""

from sbom.ecosystems.go import go_mod, go_sum, vendor_modules

PARSERS = (go_mod, go_sum, vendor_modules)
