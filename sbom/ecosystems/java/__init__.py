"""java parsers."""

PARSERS = ()
