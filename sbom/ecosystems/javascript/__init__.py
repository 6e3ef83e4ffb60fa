"""javascript parsers."""

PARSERS = ()
