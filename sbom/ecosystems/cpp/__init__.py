"""C and C++ parsers."""
