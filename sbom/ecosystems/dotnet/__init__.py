"""dotnet parsers."""

from sbom.ecosystems.dotnet import packages_config, packages_lock, project_file

PARSERS = (packages_lock, project_file, packages_config)
