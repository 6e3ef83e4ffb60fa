"""Go parsers."""
