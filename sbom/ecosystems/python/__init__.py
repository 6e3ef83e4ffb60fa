"""Python parsers."""
