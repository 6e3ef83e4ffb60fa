"""Go modules: module path and proxy ``.info`` Origin → repository and commit; go-import meta."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from urllib.parse import quote

from sbom.model import Component
from scanner.enrich.context import Context, FactBuilder, failed, not_applicable, utc_iso
from scanner.enrich.model import Fact, SourceResult, SourceStatus, Strength
from scanner.net.client import FetchError
from scanner.net.endpoints import GOGET_ENV

NAME = "golang"
ECOSYSTEMS = ("golang",)

# Vanity lookups (go.dev/ref/mod#vcs-find) go to the host the module path names, which the
# scanned tree chose: only for a version the module proxy knows (the proxy fetched it from that
# host already, so the host is public), over HTTPS, without credentials or redirects to other
# hosts, within GOGET_MAX_TIME and GOGET_MAX_BYTES. GOGET_ENV sends them to a company
# proxy instead (and the tests to their loopback server): <base>/<path>?go-get=1.
GOGET_MAX_TIME = 15.0
GOGET_MAX_BYTES = 1024 * 1024

# Hosts whose repositories are exactly host/owner/repo, so the module path names its
# repository (go.dev/ref/mod#vcs-find). GitLab has subgroups: there only host/group/project
# (plus a /vN suffix) is unambiguous.
_TWO_SEGMENT_HOSTS = frozenset({"github.com", "bitbucket.org", "gitee.com"})
_MAJOR = re.compile(r"^v[0-9]+$")
# Module path syntax (golang.org/x/mod/module.CheckPath): a dotted lower-case first element.
_PATH = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[A-Za-z0-9._~+-]+)+$")
_VERSION = re.compile(r"^v[0-9A-Za-z.+-]+$")
_IP = re.compile(r"^[0-9.]+$")
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
MAX_HTML = 256 * 1024  # go-import sits in <head>; a vanity page needs no more


def escape(text: str) -> str:
    """The proxy's case encoding: each capital letter becomes ``!`` and its lower case."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), text)


def info_url(ctx: Context, module: str, version: str) -> str:
    """``<goproxy>/<escaped module>/@v/<escaped version>.info``."""
    path, ver = quote(escape(module), safe="/~+-._!"), quote(escape(version), safe="~+-._!")
    return f"{ctx.base('goproxy')}/{path}/@v/{ver}.info"


def goget_url(ctx: Context, module: str) -> str:
    """Where ``module``'s go-import meta is read (Go itself always asks over HTTPS)."""
    override = ctx.environ.get(GOGET_ENV, "").strip().rstrip("/")
    path = quote(module, safe="/~+-._")
    return f"{override}/{path}?go-get=1" if override else f"https://{path}?go-get=1"


def derived(module: str) -> tuple[str, str] | None:
    """(repository URL, basis) that the path itself names on known hosts; else None."""
    host, *rest = module.split("/")
    if host in _TWO_SEGMENT_HOSTS and len(rest) >= 2:
        return f"https://{host}/{rest[0]}/{rest[1]}", "module-path"
    if host == "gitlab.com" and (len(rest) == 2 or (len(rest) == 3 and _MAJOR.match(rest[2]))):
        return f"https://{host}/{rest[0]}/{rest[1]}", "module-path"
    if host == "golang.org" and len(rest) >= 2 and rest[0] == "x":
        # The Go team's vanity domain: its go-import meta maps every x/<name> there.
        return f"https://go.googlesource.com/{rest[1]}", "known-vanity"
    return None


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Repository and commit of one module version; replaced (local) modules do not apply."""
    if component.ecosystem != "golang" or component.source_kind != "registry":
        return not_applicable(NAME)
    module, version = component.name, component.version
    if not _PATH.match(module) or ".." in module.split("/"):
        return SourceResult(SourceStatus(NAME, "error", f"not a Go module path: {module[:200]}"))
    facts: list[Fact] = []
    problems: list[FetchError] = []
    known = derived(module)
    if known:
        where = component.locations[0].path if component.locations else None
        path_facts = FactBuilder(component.purl, NAME, url=where)
        path_facts.retrieved = utc_iso(datetime.now(timezone.utc))
        # On a known host nobody but the owner of github.com/<o> can serve a module under
        # it, and the proxy fetched it from there: asserted by the naming system, not typed.
        # The x/ mapping is the vanity domain's declaration, like any go-import meta.
        strength: Strength = "registry-asserted" if known[1] == "module-path" else "self-declared"
        path_facts.add("repository", known[0], "module path", strength, basis=known[1])
        facts += path_facts.facts
    has_origin = proxy_knows = False
    if version and not _VERSION.match(version):
        problems.append(FetchError("", f"not a Go module version: {version[:100]}"))
    elif version:
        doc = ctx.client.get_json(info_url(ctx, module, version), source="goproxy")
        if not isinstance(doc, FetchError) and not isinstance(doc.data, dict):
            doc = FetchError(doc.fetched.url, "not a .info document (a JSON object)")
        proxy_knows = not isinstance(doc, FetchError)
        if isinstance(doc, FetchError):
            problems.append(doc)
        elif isinstance(doc.data, dict) and isinstance(doc.data.get("Origin"), dict):
            origin, info = doc.data["Origin"], FactBuilder(component.purl, NAME, doc)
            # apis.md §8: Origin records what the proxy actually fetched (best repo mapping).
            extra = {
                k.lower(): v
                for k in ("VCS", "Subdir", "Ref")
                if isinstance(v := origin.get(k), str) and v
            }
            info.add("repository", origin.get("URL"), "Origin.URL", "registry-asserted", **extra)
            info.add(
                "source-commit", origin.get("Hash"), "Origin.Hash", "registry-asserted", **extra
            )
            has_origin = any(f.kind == "repository" for f in info.facts)
            facts += info.facts
    note = ""
    if not has_origin and not known and not (proxy_knows or ctx.environ.get(GOGET_ENV)):
        note = "go-import not asked: the module proxy does not know this version, so its host is"
        note += " one only the scanned tree names"
    elif not has_origin and not known:
        # No Origin (older versions predate it): ask the vanity host, as `go get` does.
        meta = _go_import(component.purl, ctx, module)
        if isinstance(meta, FetchError):
            problems.append(meta)
        else:
            facts += meta[0]
            note = meta[1]
    reason = "; ".join([p.reason for p in problems] + ([note] if note else []))
    if any(f.kind == "repository" for f in facts):
        return SourceResult(SourceStatus(NAME, "ok", reason), tuple(dict.fromkeys(facts)))
    if problems:
        # A 410 is the proxy protocol's other "not found" (go.dev/ref/mod): failed() says so.
        first = failed(NAME, problems[0])
        return replace(first, status=replace(first.status, reason=reason))
    return SourceResult(SourceStatus(NAME, "not-found", reason or "no repository recorded"))


def _go_import(purl: str, ctx: Context, module: str) -> tuple[list[Fact], str] | FetchError:
    """Facts from the page's matching go-import meta, or a note why there are none."""
    url = goget_url(ctx, module)
    if _IP.match(module.split("/", 1)[0]):
        return FetchError(url, "go-get lookup refused: the module path names an IP address")
    # Cross-host redirects are refused by the client (no redirect_hosts): a vanity page
    # must not send the scanner, or its headers, to a host the module path does not name.
    got = ctx.client.fetch(
        url,
        source="go-get",
        redirect_hosts=(),
        max_bytes=GOGET_MAX_BYTES,
        max_time=GOGET_MAX_TIME,
    )
    if isinstance(got, FetchError):
        return got
    text = got.body[:MAX_HTML].decode("utf-8", "replace")
    import html  # only for a go-get page actually read

    # Like `go get`, read only the head: a page body may carry user-written content.
    text = re.split(r"<body\b|</head\s*>", text, maxsplit=1, flags=re.IGNORECASE)[0]
    matches = []
    for tag in _META.findall(text):
        attrs = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
            for m in _ATTR.finditer(tag)
        }
        fields = html.unescape(attrs.get("content", "")).split()
        if attrs.get("name") == "go-import" and len(fields) == 3:
            prefix = fields[0]
            if module == prefix or module.startswith(prefix + "/"):
                matches.append(fields)
    if len(matches) != 1:
        # Go refuses a page with several matching tags as ambiguous; so do we.
        return (
            [],
            "no go-import meta for the module" if not matches else "several go-import metas match",
        )
    prefix, vcs, root = matches[0]
    if vcs == "mod":
        return [], f"go-import names a module proxy ({root[:200]}), not a repository"
    facts = FactBuilder(purl, NAME, url=got.url)
    facts.retrieved = utc_iso(got.fetched_at)
    # Declared by whoever runs the vanity domain, today: binding for `go get`, but no
    # registry records it for this version (Origin.URL, when present, is preferred).
    facts.add(
        "repository",
        root,
        'meta[name="go-import"].content',
        "self-declared",
        basis="go-import",
        vcs=vcs,
        prefix=prefix,
    )
    return facts.facts, ""
