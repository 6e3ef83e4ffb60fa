"""cpp parsers."""

PARSERS = ()
