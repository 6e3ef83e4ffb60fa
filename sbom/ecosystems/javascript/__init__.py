"""JavaScript parsers: npm, yarn (classic and berry), pnpm and bun lockfiles, and package.json."""
