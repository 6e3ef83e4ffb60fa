"""swift parsers."""

PARSERS = ()
