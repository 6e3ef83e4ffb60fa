"""python parsers."""

PARSERS = ()
