"""What a registry says of a package found in a repository: published or not, its repository, who owns it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sbom.errors import ParseError
from sbom.loaders import parse_xml
from scanner.curation.manifests import arr, clean, emails_in, obj, text_of
from scanner.enrich.context import Context
from scanner.enrich.golang import escape
from scanner.enrich.maven import pom_url
from scanner.enrich.nuget import SEARCH, first_resource, resources_of
from scanner.net.client import FetchError, JsonDoc


@dataclass(frozen=True)
class Listed:
    """One registry's answer about one package (apis.md shapes); ``error`` when it could not say."""

    registry: str
    url: str = ""
    found: bool = False
    repositories: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # publisher, maintainer and author e-mails the registry holds
    teams: tuple[str, ...] = ()  # crates.io team owners, github:<org>:<team>
    organization: str | None = None  # PyPI ownership.organization
    verified_prefix: bool = False  # NuGet: the owner holds a reserved ID prefix
    error: str | None = None

    @property
    def shows(self) -> str:
        parts = [f"repository {', '.join(self.repositories)}" if self.repositories else ""]
        parts.append(
            f"e-mails at {', '.join(sorted({e.split('@')[1] for e in self.emails}))}"
            if self.emails
            else ""
        )
        parts.append(f"owner teams {', '.join(self.teams)}" if self.teams else "")
        parts.append(f"organization {self.organization}" if self.organization else "")
        parts.append("ID prefix reserved (verified)" if self.verified_prefix else "")
        return "; ".join(p for p in parts if p) or "published"


def _ask(ctx: Context, registry: str, url: str, source: str) -> Listed | JsonDoc:
    """The registry's JSON object, or a Listed that says it is missing or could not be read."""
    got = ctx.client.get_json(url, source=source)
    if isinstance(got, FetchError):
        if got.missing:
            return Listed(registry, got.url, found=False)
        return Listed(registry, got.url, error=got.reason)
    if not isinstance(got.data, dict):
        return Listed(registry, got.fetched.url, error="not a JSON object")
    return got


def _urls(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))


def npm(ctx: Context, name: str) -> Listed:
    got = _ask(ctx, "npm", f"{ctx.base('npm')}/{quote(name, safe='@')}", "npm")
    if isinstance(got, Listed):
        return got
    d: dict[str, Any] = got.data
    repo = d.get("repository")
    latest = str(obj(d.get("dist-tags")).get("latest"))
    user = obj(obj(obj(d.get("versions")).get(latest)).get("_npmUser"))
    people = [obj(m).get("email") for m in arr(d.get("maintainers"))]
    people.append(user.get("email"))
    return Listed(
        "npm", got.fetched.url, True,
        _urls([repo.get("url") if isinstance(repo, dict) else repo]), emails_in(people),
    )  # fmt: skip


def pypi(ctx: Context, name: str) -> Listed:
    url = f"{ctx.base('pypi')}/pypi/{quote(name, safe='')}/json"
    got = _ask(ctx, "pypi", url, "pypi")
    if isinstance(got, Listed):
        return got
    info, owner = obj(got.data.get("info")), obj(got.data.get("ownership"))
    urls = obj(info.get("project_urls"))
    return Listed(
        "pypi", got.fetched.url, True, _urls([*urls.values(), info.get("home_page")]),
        emails_in([info.get("author_email"), info.get("maintainer_email")]),
        organization=clean(owner.get("organization")),
    )  # fmt: skip


def cargo(ctx: Context, name: str) -> Listed:
    base = f"{ctx.base('crates')}/api/v1/crates/{quote(name, safe='')}"
    got = _ask(ctx, "crates", base, "crates")
    if isinstance(got, Listed):
        return got
    crate = obj(got.data.get("crate"))
    owners = _ask(ctx, "crates", f"{base}/owners", "crates")
    users = owners.data.get("users") if isinstance(owners, JsonDoc) else None
    teams = [
        u["login"].lower()
        for u in arr(users)
        if isinstance(u, dict) and u.get("kind") == "team" and isinstance(u.get("login"), str)
    ]
    repos = _urls([crate.get("repository"), crate.get("homepage")])
    return Listed("crates", got.fetched.url, True, repos, teams=tuple(teams))


def _linked(ctx: Context, registry: str, source: str, url: str, key: str, field: str) -> Listed:
    """A registry document whose one repository link is ``data[key][field]``."""
    got = _ask(ctx, registry, url, source)
    if isinstance(got, Listed):
        return got
    return Listed(registry, got.fetched.url, True, _urls([obj(got.data.get(key)).get(field)]))


def go(ctx: Context, module: str) -> Listed:
    """The proxy's ``@latest``: ``Origin.URL`` is the repository it fetched the module from."""
    url = f"{ctx.base('goproxy')}/{quote(escape(module), safe='/~+-._!')}/@latest"
    return _linked(ctx, "goproxy", "goproxy", url, "Origin", "URL")


def composer(ctx: Context, name: str) -> Listed:
    vendor, _, pkg = name.partition("/")
    url = f"{ctx.base('packagist')}/packages/{quote(vendor, safe='')}/{quote(pkg, safe='')}.json"
    return _linked(ctx, "packagist", "packagist", url, "package", "repository")


def maven(ctx: Context, coordinate: str) -> Listed:
    group, _, artifact = coordinate.partition(":")
    path = "/".join(quote(p, safe="") for p in group.split("."))
    url = f"{ctx.base('maven')}/{path}/{quote(artifact, safe='')}/maven-metadata.xml"
    got = ctx.client.fetch(url, source="maven")
    if isinstance(got, FetchError):
        return (
            Listed("maven", got.url, found=False)
            if got.missing
            else Listed("maven", got.url, error=got.reason)
        )
    try:
        meta = parse_xml(got.body)
    except ParseError as exc:
        return Listed("maven", got.url, error=exc.message)
    version = text_of(meta, "versioning", "release") or text_of(meta, "versioning", "latest")
    if not version:
        return Listed("maven", got.url, True)
    pom = ctx.client.fetch(pom_url(ctx, group, artifact, version), source="maven")
    repos: tuple[str, ...] = ()
    if not isinstance(pom, FetchError):
        try:
            project = parse_xml(pom.body)
            repos = _urls([text_of(project, "scm", "url"), text_of(project, "url")])
        except ParseError:
            pass
    return Listed("maven", got.url, True, repos)


def nuget(ctx: Context, package_id: str) -> Listed:
    index = ctx.client.get_json(ctx.base("nuget"), source="nuget")
    if isinstance(index, FetchError):
        return Listed("nuget", index.url, error=f"service index: {index.reason}")
    search = first_resource(resources_of(index.data), SEARCH)
    if search is None:
        return Listed("nuget", index.fetched.url, error="service index lists no search")
    url = f"{search}?q=packageid:{quote(package_id, safe='')}&prerelease=true&semVerLevel=2.0.0"
    got = _ask(ctx, "nuget", url, "nuget")
    if isinstance(got, Listed):
        return got
    data = got.data.get("data")
    wanted = package_id.lower()
    hit = next(
        (d for d in arr(data) if isinstance(d, dict) and str(d.get("id", "")).lower() == wanted),
        None,
    )
    if hit is None:
        return Listed("nuget", got.fetched.url, found=False)
    return Listed(
        "nuget", got.fetched.url, True, _urls([hit.get("projectUrl")]),
        verified_prefix=hit.get("verified") is True,
    )  # fmt: skip


# ecosystem → lookup; pub.dev has no entry in the endpoint table, so pub packages are not
# looked up (their proposals say so).
LOOKUPS: dict[str, Callable[[Context, str], Listed]] = {
    "npm": npm,
    "pypi": pypi,
    "cargo": cargo,
    "go": go,
    "composer": composer,
    "maven": maven,
    "nuget": nuget,
}


def lookup(ctx: Context, ecosystem: str, name: str) -> Listed | None:
    fn = LOOKUPS.get(ecosystem)
    return fn(ctx, name) if fn else None
