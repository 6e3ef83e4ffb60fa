"""JavaScript parsers: npm, yarn (classic and berry), pnpm and bun lockfiles, and package.json."""

from sbom.ecosystems.javascript import (
    bun_lock,
    package_json,
    package_lock,
    pnpm_lock,
    yarn_berry_lock,
    yarn_lock,
)

PARSERS = (package_lock, yarn_lock, yarn_berry_lock, pnpm_lock, bun_lock, package_json)
