"""Swift parsers."""
