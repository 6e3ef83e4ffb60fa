"""php parsers."""

PARSERS = ()
