"""php parsers."""
