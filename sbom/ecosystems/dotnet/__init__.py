"""dotnet parsers."""

PARSERS = ()
