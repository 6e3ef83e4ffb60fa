"""Swift parsers."""

from sbom.ecosystems.swift import package_resolved

PARSERS = (package_resolved,)
