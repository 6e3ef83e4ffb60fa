"""Python parsers."""

from sbom.ecosystems.python import (
    pdm_lock,
    pipfile_lock,
    poetry_lock,
    pylock,
    pyproject,
    requirements,
    uv_lock,
)

PARSERS = (uv_lock, poetry_lock, pdm_lock, pipfile_lock, pylock, requirements, pyproject)
