"""GitHub and git parsers: Actions workflows and .gitmodules."""

from sbom.ecosystems.github import actions_workflow, gitmodules

PARSERS = (actions_workflow, gitmodules)
