"""Rust parsers."""
