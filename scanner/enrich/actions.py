"""GitHub Actions and git submodules: the repository and owner a reference names, without network."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from packageurl import PackageURL

from sbom import vcs
from sbom.model import Component
from scanner.enrich.context import Context, FactBuilder, not_applicable, utc_iso
from scanner.enrich.model import SourceResult, SourceStatus

NAME = "github-actions"
# pkg:github covers actions, reusable workflows and github.com submodules; pkg:generic
# covers submodules on other hosts (sbom/ecosystems/github/gitmodules.py).
ECOSYSTEMS = ("github", "generic")

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")  # GitHub's login syntax
_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

# Strength: "registry-asserted". The reference is not a claim anyone typed about themselves:
# GitHub runs `uses: owner/repo@ref` (and git clones a submodule URL) from exactly that
# repository, and only the account `owner` controls what lives under github.com/owner.
# It is no signature, and a transferred repository keeps answering at its old path, so the
# code-host source (phase 2) still confirms the current owner.


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the purl or the submodule URL alone; local and relative sources do not apply."""
    try:
        ref = PackageURL.from_string(component.purl)
    except ValueError as exc:
        return SourceResult(SourceStatus(NAME, "error", f"unreadable purl: {str(exc)[:200]}"))
    facts = FactBuilder(component.purl, NAME, url=_where(component))
    facts.retrieved = utc_iso(datetime.now(timezone.utc))
    if component.ecosystem == "github":
        # The purl spec lower-cases github names; GitHub matches them case-insensitively.
        owner, repo = ref.namespace or "", ref.name or ""
        if not (_LOGIN.match(owner) and _REPO.match(repo) and repo.strip(".")):
            reason = f"not a GitHub owner/repo reference: {owner}/{repo}"[:300]
            return SourceResult(SourceStatus(NAME, "error", reason))
        version = {"ref": component.version} if component.version else {}
        facts.add(
            "repository",
            f"https://github.com/{owner}/{repo}",
            "purl.namespace/purl.name",
            "registry-asserted",
            basis="reference",
            **version,
        )
        # Same spelling as the code-host source's host-owner facts: one key per account.
        account = f"github:{owner.lower()}"
        facts.add(
            "host-owner", account, "purl.namespace", "registry-asserted", account, basis="reference"
        )
        return facts.result()
    if component.ecosystem != "generic" or component.source_kind != "vcs":
        return not_applicable(NAME)
    quals = ref.qualifiers if isinstance(ref.qualifiers, dict) else {}
    url, field = quals.get("vcs_url"), "purl.qualifiers.vcs_url"
    if not url:
        url, field = component.source_url, "source_url"
    if not url:
        return not_applicable(NAME)
    url = _strip_rev(url)
    if vcs.split(url) is None:
        # A relative submodule URL lives next to the superproject's remote, which this
        # reference does not name: unknown, not clean.
        return SourceResult(SourceStatus(NAME, "skipped", "relative or local repository URL"))
    facts.add("repository", url, field, "registry-asserted", basis="reference")
    return facts.result()


def _where(component: Component) -> str | None:
    """The scanned file that holds the reference (there is no fetched document)."""
    return component.locations[0].path if component.locations else None


def _strip_rev(url: str) -> str:
    """``git+URL@rev`` (the pip-style pin sbom parsers write) back to the clone URL."""
    if not url.startswith("git+"):
        return url
    url = url[4:]
    head, at, rev = url.rpartition("@")
    return head if at and "/" not in rev and ":" not in rev else url
