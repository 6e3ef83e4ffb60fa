"""dart parsers."""

PARSERS = ()
