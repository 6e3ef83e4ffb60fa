"""From packages found in attributed repositories to the namespaces they support, with the reasons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from feeds import model as m
from feeds.hosts import CODE_HOSTS, normalize_host, pep503, repo_path
from feeds.timeline import holds
from scanner.curation.codehost import FAMILIES, Pinned
from scanner.curation.manifests import Declared
from scanner.curation.registries import Listed

FAMILY_OF_HOST = {host: kind.split("_")[0] for host, kind in CODE_HOSTS.items()}
_HOST = {family: host for host, family in FAMILY_OF_HOST.items()}
Key = tuple[str, str]


@dataclass(frozen=True)
class How:
    """How an identifier was derived, and whether a registry or domain backs it by itself.

    Backed: a groupId under an attributed domain or code-host namespace (Maven Central
    verifies both), a Go module host under an attributed domain, a crates.io team of an
    attributed organisation, a reserved NuGet prefix. Anything else rests on the repository
    it was found in, unless an author's e-mail is at an attributed domain (CONTRIBUTING).
    """

    text: str
    backed: bool = False


@dataclass(frozen=True)
class Found:
    """A package a manifest declares, in a repository at a pinned commit."""

    declared: Declared
    pinned: Pinned
    path: str

    @property
    def repo(self) -> tuple[str, str]:
        return self.pinned.repo.family, self.pinned.repo.full_name.lower()


@dataclass(frozen=True)
class Attributed:
    """What the knowledge base already ties to the entity: code-host owners, repositories, domains."""

    entity: str
    owners: frozenset[tuple[str, str]]
    repos: frozenset[tuple[str, str]]
    domains: frozenset[str]

    @classmethod
    def of(cls, e: m.Entity, on: date) -> Attributed:
        held = [i for i in e.identifiers if i.links and holds(i.valid_from, i.valid_to, on)]
        owners = {(FAMILIES[i.kind], i.value.lower()) for i in held if i.kind.endswith(("_org",))}
        repos = {
            (FAMILIES[i.kind], i.value.lower())
            for i in held
            if i.kind in FAMILIES and i.kind.endswith("_repo")
        }
        domains = {
            normalize_host(i.value) for i in held if i.kind in ("email_domain", "web_domain")
        }
        return cls(e.id, frozenset(owners), frozenset(repos), frozenset(domains))

    def repository(self, url: str) -> bool:
        named = repo_of(url)
        return named is not None and (
            named in self.repos or (named[0], named[1].split("/")[0]) in self.owners
        )

    def host(self, host: str) -> bool:
        h = normalize_host(host)
        return any(h == d or h.endswith("." + d) for d in self.domains)

    def emails(self, addresses: Iterable[str]) -> list[str]:
        return sorted({a.split("@", 1)[1] for a in addresses if self.host(a.split("@", 1)[1])})


def repo_of(url: str) -> tuple[str, str] | None:
    found = repo_path(url)
    return (FAMILY_OF_HOST[found[0]], found[1]) if found else None


def judge(f: Found, listed: Listed | None, att: Attributed) -> str | None:
    """Why a found package does not support a proposal, or None when it does."""
    d, own = f.declared, f.repo
    named = repo_of(d.repository) if d.repository else None
    if named and named != own and not att.repository(d.repository or ""):
        return f"{own[1]} {f.path} declares repository {named[1]}: a copy or a fork, not this repository's package"
    if listed is None or listed.error:
        return None
    if not listed.found:
        return f"{d.name} is not on {listed.registry} (found in {own[1]} {f.path})"
    repos = [r for r in map(repo_of, listed.repositories) if r]
    if repos and not any(
        r == own or att.repository(f"https://{_HOST[r[0]]}/{r[1]}") for r in repos
    ):
        return f"{listed.registry} names repository {repos[0][1]} for {d.name}, not {own[1]}"
    return None


def package_key(d: Declared) -> Key:
    """The identifier that would name this one package (used when it is not proposed)."""
    kinds = {
        "npm": "npm_package", "pypi": "pypi_name_pattern", "cargo": "crates_name_pattern",
        "pub": "pub_name_pattern", "go": "go_module_prefix", "nuget": "nuget_prefix",
    }  # fmt: skip
    if d.ecosystem == "maven":
        return "maven_group_prefix", d.name.split(":")[0]
    if d.ecosystem == "composer":
        return "composer_vendor", d.name.split("/")[0]
    return kinds[d.ecosystem], pep503(d.name) if d.ecosystem == "pypi" else d.name


def namespaces(f: Found, listed: Listed | None, att: Attributed) -> list[tuple[Key, How]]:
    """The identifiers a supported package stands for, each with how it was derived."""
    d = f.declared
    if d.ecosystem == "npm" and d.name.startswith("@") and "/" in d.name:
        return [(("npm_scope", d.name.split("/")[0]), How("the scope of the packages"))]
    if d.ecosystem == "maven":
        return [_maven(d.name.split(":")[0], att)]
    if d.ecosystem == "go":
        host = d.name.split("/")[0]
        if host not in FAMILY_OF_HOST and att.host(host):
            how = How("the module host, under an attributed domain", backed=True)
            return [(("go_module_prefix", host), how)]
    out = [(package_key(d), How("the package name"))]
    if listed and listed.organization:
        how = How("the PyPI organization that owns the package")
        out.append((("pypi_org", listed.organization), how))
    for team in listed.teams if listed else ():
        org = team.split(":")[1] if team.count(":") == 2 else ""
        if ("github", org) in att.owners:
            how = How("a crates.io owner team of an attributed GitHub organisation", backed=True)
            out.append((("crates_owner", team), how))
    return out


def _maven(group: str, att: Attributed) -> tuple[Key, How]:
    """A groupId's verified namespace: the reverse of an attributed domain or a code-host owner."""
    for d in sorted(att.domains, key=len, reverse=True):
        rev = ".".join(reversed(d.split(".")))
        if group == rev or group.startswith(rev + "."):
            how = How(f"the reverse of the attributed domain {d}", backed=True)
            return ("maven_group_prefix", rev), how
    for family, owner in sorted(att.owners):
        for prefix in (f"io.{family}.{owner}", f"com.{family}.{owner}"):
            if group == prefix or group.startswith(prefix + "."):
                how = How(f"the {family} namespace of {owner}", backed=True)
                return ("maven_group_prefix", prefix), how
    return ("maven_group_prefix", group), How("the groupId")


def consolidate(
    groups: dict[Key, list[tuple[Found, Listed | None]]],
) -> tuple[dict[Key, list[tuple[Found, Listed | None]]], dict[Key, How]]:
    """Namespaces that several packages share (a Go vanity host, a reserved NuGet ID prefix),
    and how each merged one was derived."""
    out: dict[Key, list[tuple[Found, Listed | None]]] = dict(groups)
    hows: dict[Key, How] = {}
    by_host: dict[str, list[Key]] = defaultdict(list)
    by_root: dict[str, list[Key]] = defaultdict(list)
    for k in groups:
        if k[0] == "go_module_prefix" and "/" in k[1] and k[1].split("/")[0] not in FAMILY_OF_HOST:
            by_host[k[1].split("/")[0]].append(k)
        elif k[0] == "nuget_prefix" and all(r and r.verified_prefix for _, r in groups[k]):
            by_root[k[1].split(".")[0].lower()].append(k)
    merged = [(("go_module_prefix", host), ks) for host, ks in by_host.items()]
    merged += [(("nuget_prefix", _common([k[1] for k in ks])), ks) for ks in by_root.values()]
    for new, ks in merged:
        if len(ks) > 1:
            out[new] = [x for k in ks for x in out.pop(k)]
            hows[new] = (
                How("the module host these modules share")
                if new[0] == "go_module_prefix"
                else How(
                    "the ID prefix these packages share, each on a reserved (verified) prefix",
                    backed=True,
                )
            )
    return out, hows


def _common(ids: list[str]) -> str:
    """The longest dotted prefix all IDs share (a prefix counts only on ``.`` boundaries)."""
    out: list[str] = []
    for column in zip(*(i.split(".") for i in ids), strict=False):
        if len({c.lower() for c in column}) != 1:
            break
        out.append(column[0])
    return ".".join(out) or ids[0]
