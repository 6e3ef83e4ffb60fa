"""The parser registry: every supported file format, one module each, listed explicitly.

Importing this module imports every parser; scans use ``sbom.formats`` instead, which
imports a parser only when a file needs it.
"""

from __future__ import annotations

from sbom.ecosystems.cpp import conan_lock, vcpkg_json
from sbom.ecosystems.dart import pubspec_lock
from sbom.ecosystems.dotnet import packages_config, packages_lock, project_file
from sbom.ecosystems.elixir import mix_lock
from sbom.ecosystems.github import actions_workflow, gitmodules
from sbom.ecosystems.go import go_mod, go_sum, vendor_modules
from sbom.ecosystems.java import gradle_lockfile, gradle_verification, pom
from sbom.ecosystems.javascript import (
    bun_lock,
    package_json,
    package_lock,
    pnpm_lock,
    yarn_berry_lock,
    yarn_lock,
)
from sbom.ecosystems.php import composer_lock
from sbom.ecosystems.python import (
    pdm_lock,
    pipfile_lock,
    poetry_lock,
    pylock,
    pyproject,
    requirements,
    uv_lock,
)
from sbom.ecosystems.r import renv_lock
from sbom.ecosystems.ruby import gemfile_lock
from sbom.ecosystems.rust import cargo_lock
from sbom.ecosystems.swift import package_resolved
from sbom.parser import Parser

PARSERS: tuple[Parser, ...] = (
    uv_lock,
    poetry_lock,
    pdm_lock,
    pipfile_lock,
    pylock,
    requirements,
    pyproject,
    package_lock,
    yarn_lock,
    yarn_berry_lock,
    pnpm_lock,
    bun_lock,
    package_json,
    go_mod,
    go_sum,
    vendor_modules,
    cargo_lock,
    pom,
    gradle_lockfile,
    gradle_verification,
    packages_lock,
    project_file,
    packages_config,
    gemfile_lock,
    composer_lock,
    pubspec_lock,
    package_resolved,
    mix_lock,
    conan_lock,
    vcpkg_json,
    renv_lock,
    actions_workflow,
    gitmodules,
)
