"""dotnet parsers."""
