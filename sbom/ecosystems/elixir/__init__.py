"""Elixir parsers."""
