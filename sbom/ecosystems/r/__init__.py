"""r parsers."""

PARSERS = ()
