"""The parser registry: every supported file format, one module each, listed explicitly."""

from __future__ import annotations

from sbom.ecosystems import (
    cpp,
    dart,
    dotnet,
    elixir,
    github,
    go,
    java,
    javascript,
    php,
    python,
    r,
    ruby,
    rust,
    swift,
)
from sbom.parser import Parser

PARSERS: tuple[Parser, ...] = (
    *python.PARSERS,
    *javascript.PARSERS,
    *go.PARSERS,
    *rust.PARSERS,
    *java.PARSERS,
    *dotnet.PARSERS,
    *ruby.PARSERS,
    *php.PARSERS,
    *dart.PARSERS,
    *swift.PARSERS,
    *elixir.PARSERS,
    *cpp.PARSERS,
    *r.PARSERS,
    *github.PARSERS,
)
