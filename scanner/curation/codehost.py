"""Code-host walks for proposals: an organisation's repositories, a pinned commit, its files (GitHub, Gitee)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from scanner.enrich.codehost.lookup import HEADERS, HOSTS, SEGMENT
from scanner.enrich.context import Context
from scanner.net.client import FetchError, JsonDoc

# identifier kind → (family, endpoint source, token variable); GitHub and Gitee (API v5)
# answer these listings in the same shape.
FAMILIES = {
    "github_org": "github",
    "github_repo": "github",
    "gitee_org": "gitee",
    "gitee_repo": "gitee",
}
PER_PAGE = 100
MAX_PAGES = 20
MAX_FILE_BYTES = 512 * 1024  # manifests are small; anything bigger is generated or vendored
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Repo:
    """One repository of a walked organisation, as the host lists it."""

    family: str
    full_name: str  # owner/name as the host spells it
    html_url: str
    default_branch: str
    fork: bool = False
    archived: bool = False


@dataclass(frozen=True)
class Pinned:
    """A repository at one commit of its default branch, with the paths of its files."""

    repo: Repo
    commit: str
    paths: tuple[str, ...]
    truncated: bool = False

    def blob_url(self, path: str) -> str:
        return f"{self.repo.html_url}/blob/{self.commit}/{quote(path)}"


@dataclass
class Walker:
    """Listing and reading through the shared client; problems are collected, never raised."""

    ctx: Context
    problems: list[str] = field(default_factory=list)
    stopped: set[str] = field(default_factory=set)
    """Families whose quota is spent ("*": the deadline passed or offline): not asked again."""
    requests: int = 0

    def _get(self, family: str, url: str, what: str) -> JsonDoc | None:
        if self.halted(family):
            return None
        _, source, token_env = next(v for v in HOSTS.values() if v[0] == family)
        headers = dict(HEADERS[family])
        token = self.ctx.credential(source, token_env, url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.requests += 1
        doc = self.ctx.client.get_json(url, source=source, headers=headers)
        if isinstance(doc, FetchError):
            if doc.kind in ("deadline", "rate-limited", "offline"):
                self.stopped.add(family if doc.kind == "rate-limited" else "*")
                hint = "" if token or doc.kind != "rate-limited" else f" (set {token_env})"
                self.problems.append(f"stopped at {what}: {doc.reason}{hint}")
            elif not doc.missing:
                self.problems.append(f"{what}: {doc.reason}")
            return None
        return doc

    def halted(self, family: str) -> bool:
        return family in self.stopped or "*" in self.stopped

    def base(self, family: str) -> str:
        return self.ctx.base(f"{family}-api")

    def repos(self, family: str, owner: str, limit: int) -> list[Repo]:
        """Public repositories of an organisation (or a user account), up to ``limit``."""
        if not SEGMENT.match(owner):
            self.problems.append(f"{family} {owner!r}: not an account name")
            return []
        out: list[Repo] = []
        for kind in ("orgs", "users"):
            for page in range(1, MAX_PAGES + 1):
                url = f"{self.base(family)}/{kind}/{owner}/repos?type=public&per_page={PER_PAGE}&page={page}"
                doc = self._get(family, url, f"{family} {owner} repositories")
                items = doc.data if doc is not None and isinstance(doc.data, list) else []
                out.extend(r for r in (_repo(family, d) for d in items) if r is not None)
                if len(items) < PER_PAGE or len(out) >= limit:
                    break
            if out or self.halted(family):
                break  # an organisation answered; /users/ is only for accounts that are not
        if len(out) > limit:
            self.problems.append(f"{family} {owner}: only the first {limit} repositories walked")
        return out[:limit]

    def repo(self, family: str, full_name: str) -> Repo | None:
        doc = self._get(family, f"{self.base(family)}/repos/{full_name}", f"{family} {full_name}")
        return _repo(family, doc.data) if doc is not None else None

    def pin(self, repo: Repo) -> Pinned | None:
        """The default branch's head commit and the blob paths of its tree."""
        base = f"{self.base(repo.family)}/repos/{repo.full_name}"
        what = f"{repo.family} {repo.full_name}"
        branch = self._get(
            repo.family, f"{base}/branches/{quote(repo.default_branch, safe='')}", what
        )
        commit = (
            branch.data.get("commit")
            if branch is not None and isinstance(branch.data, dict)
            else None
        )
        sha = commit.get("sha") if isinstance(commit, dict) else None
        if not isinstance(sha, str) or not _SHA.match(sha):
            if branch is not None:
                self.problems.append(f"{what}: the branch answer names no commit")
            return None
        tree = self._get(repo.family, f"{base}/git/trees/{sha}?recursive=1", f"{what} file list")
        if tree is None or not isinstance(tree.data, dict):
            return None
        entries = tree.data.get("tree")
        paths = tuple(
            e["path"]
            for e in (entries if isinstance(entries, list) else ())
            if isinstance(e, dict)
            and e.get("type") == "blob"
            and isinstance(e.get("path"), str)
            and (not isinstance(e.get("size"), int) or e["size"] <= MAX_FILE_BYTES)
        )
        truncated = tree.data.get("truncated") is True
        if truncated:
            self.problems.append(f"{what}: the host truncated the file list; deeper files unseen")
        return Pinned(repo, sha, paths, truncated)

    def read(self, pinned: Pinned, path: str) -> bytes | None:
        """One file at the pinned commit, through the contents API (base64)."""
        repo = pinned.repo
        url = f"{self.base(repo.family)}/repos/{repo.full_name}/contents/{quote(path)}?ref={pinned.commit}"
        doc = self._get(repo.family, url, f"{repo.family} {repo.full_name} {path}")
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        if data.get("encoding") != "base64" or not isinstance(data.get("content"), str):
            return None
        try:
            return base64.b64decode(data["content"], validate=False)
        except (binascii.Error, ValueError):
            self.problems.append(f"{repo.full_name} {path}: content is not base64")
            return None


def _repo(family: str, d: object) -> Repo | None:
    if not isinstance(d, dict):
        return None
    full, url, branch = d.get("full_name"), d.get("html_url"), d.get("default_branch")
    if not (isinstance(full, str) and isinstance(url, str) and isinstance(branch, str)):
        return None
    owner, _, name = full.partition("/")
    if not (SEGMENT.match(owner) and SEGMENT.match(name)) or d.get("private") is True:
        return None
    if not url.startswith(("https://", "http://")):
        return None
    # Gitee's html_url ends in ".git"; blob links are made from the bare repository page.
    page = url.rstrip("/").removesuffix(".git")
    return Repo(family, full, page, branch, d.get("fork") is True, d.get("archived") is True)
