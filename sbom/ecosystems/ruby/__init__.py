"""ruby parsers."""

PARSERS = ()
