"""go parsers."""

PARSERS = ()
