"""Pull-request diffs: what a change introduces, its reports, lockfiles read at a git revision."""
