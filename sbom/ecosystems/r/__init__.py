"""R parsers."""
