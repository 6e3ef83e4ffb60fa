"""elixir parsers."""

PARSERS = ()
