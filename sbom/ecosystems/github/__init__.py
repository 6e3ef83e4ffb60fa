"""GitHub and git parsers: Actions workflows and .gitmodules."""
