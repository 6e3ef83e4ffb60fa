"""PyPI JSON API: author and maintainer fields, project URLs, owner accounts and organization."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from sbom.model import Component
from sbom.purl import pypi_name
from scanner.enrich.context import Context, FactBuilder, failed, not_applicable
from scanner.enrich.model import SourceResult, SourceStatus
from scanner.enrich.people import emails
from scanner.enrich.repos import parse_repo
from scanner.net.client import FetchError, JsonDoc

NAME = "pypi"
ECOSYSTEMS = ("pypi",)

# project_urls labels are free text ("Source Code", "source_code", "GitHub"): compared
# after lower-casing and dropping everything but letters, as PyPI's own page does.
_REPO_LABELS = frozenset(
    {"source", "sourcecode", "code", "repository", "repo", "github", "gitlab", "git", "vcs", "scm"}
)
_HOME_LABELS = frozenset({"homepage", "home", "website"})
# A "Homepage" on a code host is the repository in practice; elsewhere it is just a site.
_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "gitee.com", "bitbucket.org", "codeberg.org"})
# One entry of an RFC 822 address list: commas inside quotes or <...> do not split it.
_ENTRY = re.compile(r'(?:"[^"]*"|<[^>]*>|[^,])+')
_ROLES = {"owner": "owner-account", "maintainer": "maintainer-account"}


def url_for(ctx: Context, name: str, version: str) -> str:
    """The per-version JSON document; the normalized name avoids Warehouse's redirect."""
    return f"{ctx.base('pypi')}/pypi/{quote(pypi_name(name))}/{quote(version, safe='')}/json"


def precheck(component: Component, source: str) -> SourceResult | None:
    """not-applicable or skipped when PyPI cannot be asked about ``component``, else None."""
    if component.ecosystem != "pypi" or component.source_kind != "registry":
        return not_applicable(source)
    if not component.version:  # a bare requirement: the latest release is another component
        return SourceResult(SourceStatus(source, "skipped", "no exact version to look up"))
    return None


def version_doc(component: Component, ctx: Context) -> JsonDoc | FetchError:
    """The version document; pypi-provenance asks for the same URL, so one fetch serves both."""
    return ctx.client.get_json(url_for(ctx, component.name, component.version or ""), source=NAME)


def shape_error(doc: JsonDoc, source: str) -> SourceResult | None:
    """An error result when the document is not the JSON API's object with an ``info`` object."""
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("info"), dict):
        return None
    reason = "unexpected JSON API document: no info object"
    return SourceResult(SourceStatus(source, "error", reason, doc.fetched.url))


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from ``/pypi/<project>/<version>/json``."""
    early = precheck(component, NAME)
    if early is not None:
        return early
    doc = version_doc(component, ctx)
    if isinstance(doc, FetchError):
        return failed(NAME, doc)
    bad = shape_error(doc, NAME)
    if bad is not None:
        return bad
    data: dict[str, Any] = doc.data
    info: dict[str, Any] = data["info"]
    facts = FactBuilder(component.purl, NAME, doc)
    for role in ("author", "maintainer"):
        _people(facts, info, role)
    _urls(facts, info)
    ownership = data.get("ownership")
    if isinstance(ownership, dict):
        _ownership(facts, ownership)
    return facts.result()


def _people(facts: FactBuilder, info: dict[str, Any], role: str) -> None:
    # Core metadata has a name field and an address-list field; both are typed by the
    # uploader. Names are recorded only as written next to an address or in the name
    # field: nothing is derived from an address's local part.
    name_field = info.get(role)
    if isinstance(name_field, str) and name_field.strip():
        addresses = emails(name_field)
        if addresses:  # "Jane Roe <jane@example.org>" typed into the name field
            _address_list(facts, name_field, role, f"info.{role}")
        else:
            facts.add(f"{role}-name", name_field, f"info.{role}", "self-declared")
    _address_list(facts, info.get(f"{role}_email"), role, f"info.{role}_email")


def _address_list(facts: FactBuilder, text: object, role: str, path: str) -> None:
    if not isinstance(text, str):
        return
    for entry in _ENTRY.findall(text[:5000]):
        addresses = emails(entry)
        for address in addresses:
            facts.add(f"{role}-email", address, path, "self-declared")
        if addresses and "<" in entry:
            name = entry.split("<", 1)[0].strip().strip('"').strip()
            facts.add(f"{role}-name", name, path, "self-declared")


def _urls(facts: FactBuilder, info: dict[str, Any]) -> None:
    home = info.get("home_page")
    facts.add("homepage", home, "info.home_page", "self-declared")
    _code_host(facts, home, "info.home_page", "home_page")
    urls = info.get("project_urls")
    if not isinstance(urls, dict):
        return
    for label, url in urls.items():
        if not isinstance(label, str) or not isinstance(url, str):
            continue
        key = re.sub(r"[^a-z]", "", label.lower())
        path = f"info.project_urls[{label[:100]}]"
        if key in _REPO_LABELS:
            facts.add("repository", url, path, "self-declared", label=label[:100])
        elif key in _HOME_LABELS:
            facts.add("homepage", url, path, "self-declared", label=label[:100])
            _code_host(facts, url, path, label[:100])


def _code_host(facts: FactBuilder, url: object, path: str, label: str) -> None:
    if not isinstance(url, str):
        return
    ref = parse_repo(url)
    if ref is not None and ref.host in _CODE_HOSTS:
        facts.add("repository", url, path, "self-declared", label=label, via="code-host-homepage")


def _ownership(facts: FactBuilder, ownership: dict[str, Any]) -> None:
    # Warehouse's own record of accounts and organization: registry-asserted (apis.md §1).
    roles = ownership.get("roles")
    for i, entry in enumerate(roles if isinstance(roles, list) else ()):
        if not isinstance(entry, dict) or not isinstance(entry.get("role"), str):
            continue
        role = entry["role"]
        kind = _ROLES.get(role.strip().lower(), "maintainer-account")
        facts.add(
            kind, entry.get("user"), f"ownership.roles[{i}].user", "registry-asserted", role=role
        )
    facts.add(
        "organization", ownership.get("organization"), "ownership.organization", "registry-asserted"
    )
