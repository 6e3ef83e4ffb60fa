"""dart parsers."""
