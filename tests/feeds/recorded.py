"""The recorded code-host and registry answers `feeds propose` walks (tests/fixtures/curation)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from feeds.jsonfmt import dumps
from scanner.net.endpoints import ENDPOINTS
from tests.conftest import FIXTURES
from tests.loopback import LoopbackServer, Reply

CURATION = FIXTURES / "curation"
TODAY = "2026-12-06"
# Hosts the documents name: GitHub's own, and Gitee's (its html_url carries ".git").
WEB = {"github": "https://github.com", "gitee": "https://gitee.com"}
API = {"github": "https://api.github.com", "gitee": "https://gitee.com/api/v5"}


def environ(server: LoopbackServer) -> dict[str, str]:
    """Every endpoint under its own folder of the loopback server."""
    env = {e.env: f"{server.base_url}/{e.source}" for e in ENDPOINTS}
    env["ICTS_SCAN_NUGET_URL"] = f"{server.base_url}/nuget/v3/index.json"
    return env


def commit_of(full_name: str) -> str:
    return hashlib.sha1(f"commit {full_name}".encode()).hexdigest()


def _blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def serve(server: LoopbackServer) -> None:
    """Route every recorded answer; unrouted paths answer 404 as the hosts do."""
    for family in ("github", "gitee"):
        for listing in sorted((CURATION / family).glob("orgs-*-repos.json")):
            owner = listing.name.removeprefix("orgs-").removesuffix("-repos.json")
            server.route(f"/{family}-api/orgs/{owner}/repos", Reply.file(listing))
            for repo in json.loads(listing.read_text(encoding="utf-8")):
                if not repo["fork"]:
                    _serve_repo(server, family, repo)
    _serve_registries(server)


def _serve_repo(server: LoopbackServer, family: str, repo: dict[str, Any]) -> None:
    full, branch = repo["full_name"], repo["default_branch"]
    sha = commit_of(full)
    api = f"{API[family]}/repos/{full}"
    base = f"/{family}-api/repos/{full}"
    files = {
        p.relative_to(CURATION / family / "repos" / full).as_posix(): p.read_bytes()
        for p in sorted((CURATION / family / "repos" / full).rglob("*"))
        if p.is_file()
    }
    server.route(f"{base}/branches/{branch}", Reply.json(_branch(family, api, full, branch, sha)))
    server.route(f"{base}/git/trees/{sha}", Reply.json(_tree(api, sha, files)))
    for path, data in files.items():
        doc = _contents(family, api, full, sha, path, data)
        server.route(f"{base}/contents/{quote(path)}", Reply.json(doc))


def _branch(family: str, api: str, full: str, branch: str, sha: str) -> dict[str, Any]:
    """GET /repos/{o}/{r}/branches/{branch} (GitHub "Get a branch"; Gitee v5 CompleteBranch)."""
    person = {"name": "Acme Bot", "email": "bot@acme.example", "date": "2026-11-01T00:00:00Z"}
    return {
        "name": branch,
        "commit": {
            "sha": sha,
            "node_id": "C_kwDOAAAAAdoAKDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA",
            "commit": {
                "author": person,
                "committer": person,
                "message": "Release",
                "tree": {"sha": _blob_sha(sha.encode()), "url": f"{api}/git/trees/{sha}"},
                "url": f"{api}/git/commits/{sha}",
                "comment_count": 0,
            },
            "url": f"{api}/commits/{sha}",
            "html_url": f"{WEB[family]}/{full}/commit/{sha}",
            "parents": [],
        },
        "_links": {
            "self": f"{api}/branches/{branch}",
            "html": f"{WEB[family]}/{full}/tree/{branch}",
        },
        "protected": False,
        "protection_url": f"{api}/branches/{branch}/protection",
    }


def _tree(api: str, sha: str, files: dict[str, bytes]) -> dict[str, Any]:
    """GET /repos/{o}/{r}/git/trees/{sha}?recursive=1: folders as "tree", files as "blob"."""
    folders = sorted({p.rsplit("/", 1)[0] for p in files if "/" in p} | {
        "/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/"))
    })  # fmt: skip
    entries = [
        {
            "path": f,
            "mode": "040000",
            "type": "tree",
            "sha": _blob_sha(f.encode()),
            "url": f"{api}/git/trees/{_blob_sha(f.encode())}",
        }
        for f in folders
    ]
    entries += [
        {
            "path": p,
            "mode": "100644",
            "type": "blob",
            "sha": _blob_sha(d),
            "size": len(d),
            "url": f"{api}/git/blobs/{_blob_sha(d)}",
        }
        for p, d in files.items()
    ]
    return {
        "sha": sha,
        "url": f"{api}/git/trees/{sha}",
        "tree": sorted(entries, key=lambda e: e["path"]),
        "truncated": False,
    }


def _contents(family: str, api: str, full: str, sha: str, path: str, data: bytes) -> dict[str, Any]:
    """GET /repos/{o}/{r}/contents/{path}?ref=: base64 in lines of 60 characters, as GitHub sends it."""
    b64 = base64.b64encode(data).decode()
    web = f"{WEB[family]}/{full}/blob/{sha}/{path}"
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": _blob_sha(data),
        "size": len(data),
        "url": f"{api}/contents/{path}?ref={sha}",
        "html_url": web,
        "git_url": f"{api}/git/blobs/{_blob_sha(data)}",
        "download_url": f"https://raw.example.invalid/{full}/{sha}/{path}",
        "type": "file",
        "content": "".join(b64[i : i + 60] + "\n" for i in range(0, len(b64), 60)),
        "encoding": "base64",
        "_links": {
            "self": f"{api}/contents/{path}?ref={sha}",
            "git": f"{api}/git/blobs/{_blob_sha(data)}",
            "html": web,
        },
    }


def _serve_registries(server: LoopbackServer) -> None:
    for p in sorted((CURATION / "npm").glob("*.json")):
        server.route(f"/npm/{p.stem}", Reply.file(p))
    server.route("/pypi/pypi/acme-client/json", Reply.file(CURATION / "pypi" / "acme-client.json"))
    server.route("/crates/api/v1/crates/acme-rs", Reply.file(CURATION / "crates" / "acme-rs.json"))
    server.route(
        "/crates/api/v1/crates/acme-rs/owners",
        Reply.file(CURATION / "crates" / "acme-rs-owners.json"),
    )
    server.route(
        "/goproxy/go.acme.example/kit/@latest",
        Reply.file(CURATION / "goproxy" / "go.acme.example-kit-latest.json"),
    )
    server.route(
        "/packagist/packages/acme-example/php-sdk.json",
        Reply.file(CURATION / "packagist" / "acme-example-php-sdk.json"),
    )
    for group, artifact in (("example.acme.sdk", "acme-sdk"), ("example.acme.cloud", "acme-cloud")):
        folder = f"/maven/{group.replace('.', '/')}/{artifact}"
        xml = "application/xml"
        server.route(
            f"{folder}/maven-metadata.xml",
            Reply.file(CURATION / "maven" / f"{group}-{artifact}-maven-metadata.xml", xml),
        )
        server.route(
            f"{folder}/1.4.0/{artifact}-1.4.0.pom",
            Reply.file(CURATION / "maven" / f"{artifact}-1.4.0.pom", xml),
        )
    index = (CURATION / "nuget" / "service-index.json").read_text(encoding="utf-8")
    index = index.replace("https://nuget.example.invalid", f"{server.base_url}/nuget")
    server.route(
        "/nuget/v3/index.json",
        Reply(body=index.encode(), headers={"Content-Type": "application/json"}),
    )
    for pid in ("Acme.Sdk", "Acme.Sdk.Storage"):
        query = f"/nuget/query?q=packageid:{pid}&prerelease=true&semVerLevel=2.0.0"
        server.route(query, Reply.file(CURATION / "nuget" / f"search-{pid.lower()}.json"))


def acme_data(root: Path) -> None:
    """Add the test entities the recorded walk starts from, and one earlier rejection."""
    src = ["S-ecfr-791-4"]

    def ident(kind: str, value: str) -> dict[str, Any]:
        return {"kind": kind, "value": value, "scope": "organisation", "src": src}

    def company(eid: str, name: str, *identifiers: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": eid,
            "kind": "company",
            "names": [{"value": name, "type": "legal", "free_text": True, "src": src}],
            "jurisdiction": {"value": "CN", "basis": "organized", "src": src},
            "identifiers": list(identifiers),
        }

    records = [
        company(
            "test-acme",
            "Acme Example Networks Co., Ltd.",
            ident("github_org", "acme-example"),
            ident("gitee_org", "acme-gitee"),
            ident("email_domain", "acme.example"),
            ident("web_domain", "acme.example"),
            ident("npm_scope", "@acme-ui"),
        ),
        company(
            "test-other",
            "Other Example Shared Components Co., Ltd.",
            ident("npm_scope", "@acme-shared"),
        ),
    ]
    doc = {"feed": "entities", "version": 1, "as_of": "2026-11-28", "records": records}
    (root / "entities" / "test-acme.json").write_text(dumps(doc), encoding="utf-8")
    rejected = json.loads((root / "rejected.json").read_text(encoding="utf-8"))
    rejected["records"].append(
        {
            "kind": "npm_scope",
            "value": "@acme-labs",
            "entity": "test-acme",
            "why": "a community scope",
            "reviewed": "2026-11-30",
        }
    )
    (root / "rejected.json").write_text(dumps(rejected), encoding="utf-8")
