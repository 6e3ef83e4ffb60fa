"""ruby parsers."""
