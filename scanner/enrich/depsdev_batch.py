"""deps.dev GetVersionBatch: many versions in one request, kept as the answers of single lookups."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from scanner.enrich.context import Context
from scanner.net.client import FetchError

log = logging.getLogger("scanner.enrich.depsdev")

# apis.md §9: POST /v3alpha/versionbatch takes up to 5000 requests and pages its answer with
# nextPageToken. Smaller batches let several go out at once and keep each answer small.
BATCH = 1000
MAX_PAGES = 50  # a server that never stops paging is not followed forever
NOT_FOUND = "not found (deps.dev version batch)"


def batch_url(ctx: Context) -> str:
    """The GetVersionBatch endpoint (v3alpha only) under the configured deps.dev base."""
    return f"{ctx.base('depsdev')}/v3alpha/versionbatch"


def prefetch(ctx: Context, wanted: Sequence[tuple[str, str, str, str]], source: str) -> None:
    """Ask for `wanted` (single-lookup URL, system, name, version) in batches.

    Each answer is kept as the answer to its single-lookup URL, a missing version as "not
    found": the single lookups that follow read them, so both paths give the same facts. Only
    what the cache does not hold is asked; a failed batch leaves its items to single lookups.
    """
    todo = [w for w in wanted if ctx.client.pending(w[0], source=source)]
    if len(todo) < 2:  # one version is one GET either way
        return
    chunks = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    ctx.client.map(lambda chunk: _one_batch(ctx, chunk, source), chunks)


def _one_batch(ctx: Context, chunk: Sequence[tuple[str, str, str, str]], source: str) -> None:
    urls = {(system.upper(), name, version): url for url, system, name, version in chunk}
    requests = [
        {"versionKey": {"system": system, "name": name, "version": version}}
        for system, name, version in urls
    ]
    answered: dict[str, dict[str, Any] | None] = {}
    token = ""
    for _ in range(MAX_PAGES):
        body = json.dumps({"requests": requests, "pageToken": token}).encode()
        doc = ctx.client.get_json(
            batch_url(ctx),
            source=source,
            method="POST",
            body=body,
            headers={"Content-Type": "application/json"},
            use_cache=False,  # the items are kept one by one; the batch itself never is
        )
        if isinstance(doc, FetchError) or not isinstance(doc.data, dict):
            why = doc.reason if isinstance(doc, FetchError) else "not a VersionBatch object"
            log.info("deps.dev batch failed (%s); single lookups instead", why)
            break
        for item in doc.data.get("responses") or ():
            key = _key(item)
            if key in urls:
                version = item.get("version")
                answered[urls[key]] = version if isinstance(version, dict) and version else None
        token = doc.data.get("nextPageToken") or ""
        if not isinstance(token, str) or not token:
            break
    for url, version in answered.items():
        found = None if version is None else json.dumps(version).encode()
        ctx.client.remember(url, source=source, body=found, reason=NOT_FOUND)


def _key(item: object) -> tuple[str, str, str] | None:
    """(SYSTEM, name, version) of a batch response's request, as it was asked."""
    if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
        return None
    key = item["request"].get("versionKey")
    if not isinstance(key, dict):
        return None
    parts = (key.get("system"), key.get("name"), key.get("version"))
    if not all(isinstance(p, str) for p in parts):
        return None
    system, name, version = parts
    return str(system).upper(), str(name), str(version)
