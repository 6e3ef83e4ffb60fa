"""Java parsers."""
