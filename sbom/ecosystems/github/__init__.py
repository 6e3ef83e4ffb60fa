"""github parsers."""

PARSERS = ()
