"""A fleet on Dask: inventories in parallel, the union looked up once, each repository assessed and recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.assess.model import SEVERITY_RANK
from scanner.diff.gitrev import RevisionError
from scanner.fleet import tasks
from scanner.fleet.gitops import GitError
from scanner.fleet.repos import RepoSpec
from scanner.net.redact import redact_text
from scanner.pipeline import ScanResult
from scanner.progress import Progress
from scanner.report.common import SEVERITIES

if TYPE_CHECKING:
    from distributed import Client, Future

# (spec, revision, result) → (run id or None, problem or ""): the caller's store, on this machine.
Recorder = Callable[[RepoSpec, "str | None", ScanResult], "tuple[int | None, str]"]


@dataclass(frozen=True)
class Outcome:
    """How one repository of the fleet went."""

    repository: str
    status: str
    """``scanned`` or ``failed``."""
    reason: str = ""
    revision: str | None = None
    components: int = 0
    findings: int = 0
    """Neither waived nor accepted risk."""
    by_severity: dict[str, int] = field(default_factory=dict)
    at_or_above: int = 0
    incomplete: bool = False
    run_id: int | None = None
    store_problem: str = ""


@dataclass(frozen=True)
class FleetResult:
    """Every repository's outcome and what the shared lookups did."""

    outcomes: tuple[Outcome, ...]
    distinct: int
    """Distinct components looked up for the whole fleet."""
    lookup_problem: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    """Tool and knowledge-base versions, profile, threshold, start and end times."""

    @property
    def scanned(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "scanned"]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def reason(exc: BaseException | None) -> str:
    """Why a task failed, for the report: the message of known failures, else the error type too."""
    if exc is None:
        return "cancelled"
    if isinstance(exc, (GitError, RevisionError)):
        text = str(exc)
    elif type(exc).__name__ == "KilledWorker":
        text = "the worker died while scanning it (out of memory?)"
    else:
        text = f"internal error: {type(exc).__name__}: {exc}"
    return redact_text(text)[:500]


def _scanned(
    spec: RepoSpec, revision: str | None, result: ScanResult, recorded: tuple[int | None, str]
) -> Outcome:
    active = [f for f in result.findings if not f.excused]
    limit = SEVERITY_RANK[result.fail_on]
    return Outcome(
        spec.name,
        "scanned",
        revision=revision,
        components=len(result.inventory.components),
        findings=len(active),
        by_severity={s: sum(1 for f in active if f.severity == s) for s in SEVERITIES},
        at_or_above=sum(1 for f in active if SEVERITY_RANK[f.severity] >= limit),
        incomplete=result.incomplete,
        run_id=recorded[0],
        store_problem=recorded[1],
    )


def _failure(fut: Future[Any]) -> str:
    try:
        return reason(fut.exception())
    except Exception as exc:  # a cancelled future has no exception to give
        return reason(exc)


def _inventories(
    client: Client, specs: Sequence[RepoSpec], retries: int, progress: Progress
) -> tuple[dict[Future[Any], RepoSpec], list[Outcome]]:
    """One task per repository; the futures of those read, and the repositories that failed."""
    from distributed import as_completed

    progress.stage("inventory", "repositories")
    by_future = {client.submit(tasks.inventory, s, retries=retries, pure=False): s for s in specs}
    read: dict[Future[Any], RepoSpec] = {}
    failed = []
    for n, fut in enumerate(as_completed(list(by_future)), 1):
        if fut.status == "finished":
            read[fut] = by_future[fut]
        else:
            failed.append(Outcome(by_future[fut].name, "failed", _failure(fut)))
        progress.advance(n, len(specs))
    progress.done(f"{len(read)} read, {len(failed)} failed")
    return read, failed


def _lookups(
    client: Client, read: list[Future[Any]], settings: tasks.Settings, retries: int
) -> tuple[Any, int, str]:
    """(answers: a future, {} when the lookups failed, None with --no-network; distinct; problem)."""
    layers = client.submit(tasks.union, read, pure=False)
    distinct = client.submit(tasks.size, layers, pure=False)
    if not settings.network and not settings.offline:
        return None, int(distinct.result()), ""
    answers: Any = client.submit(tasks.lookups, layers, settings, retries=retries, pure=False)
    problem = ""
    try:
        answers.result()
    except Exception as exc:
        problem = reason(exc)
        answers = {}  # every component unknown, the reason in the report
    return answers, int(distinct.result()), problem


def run(
    client: Client,
    specs: Sequence[RepoSpec],
    settings: tasks.Settings,
    progress: Progress,
    *,
    retries: int = 2,
    record: Recorder | None = None,
) -> FleetResult:
    """Scan every repository; a failing one is reported and never stops the others."""
    from distributed import as_completed

    started = _now()
    read, failed = _inventories(client, specs, retries, progress)
    outcomes = {o.repository: o for o in failed}
    progress.stage("lookups")
    answers, count, problem = _lookups(client, list(read), settings, retries)
    progress.done(f"{count} distinct components" + (f"; failed: {problem}" if problem else ""))

    progress.stage("assessment", "repositories")
    feeds_version = ""
    submit = client.submit
    assessing = {
        submit(tasks.assess, fut, answers, settings, retries=retries, pure=False): spec
        for fut, spec in read.items()
    }
    for n, fut in enumerate(as_completed(list(assessing)), 1):
        spec = assessing[fut]
        if fut.status == "finished":
            revision, result = fut.result()
            feeds_version = result.feed_version
            recorded = record(spec, revision, result) if record else (None, "")
            outcomes[spec.name] = _scanned(spec, revision, result, recorded)
        else:
            outcomes[spec.name] = Outcome(spec.name, "failed", _failure(fut))
        fut.release()  # the result is summarized and recorded: free it on the cluster
        progress.advance(n, len(assessing))
    progress.done(f"{sum(o.status == 'scanned' for o in outcomes.values())} assessed")
    meta = {
        "tool": __version__,
        "feeds": feeds_version,
        "profile": settings.config.profile,
        "fail_on": settings.config.fail_on,
        "started": started,
        "finished": _now(),
    }
    return FleetResult(tuple(outcomes[s.name] for s in specs), count, problem, meta)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
