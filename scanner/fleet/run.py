"""A fleet on Dask: inventories in parallel, the union looked up once, each repository assessed and recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sbom import __version__
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
    """Not waived."""
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
    active = [f for f in result.findings if not f.waiver]
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
    outcomes: dict[str, Outcome] = {}
    by_future: dict[Future[Any], RepoSpec] = {}
    progress.stage("inventory", "repositories")
    for spec in specs:
        by_future[client.submit(tasks.inventory, spec, retries=retries, pure=False)] = spec
    read: list[Future[Any]] = []
    for n, fut in enumerate(as_completed(list(by_future)), 1):
        if fut.status == "finished":
            read.append(fut)
        else:
            outcomes[by_future[fut].name] = Outcome(
                by_future[fut].name, "failed", reason(fut.exception())
            )
        progress.advance(n, len(specs))
    progress.done(f"{len(read)} read, {len(outcomes)} failed")

    progress.stage("lookups")
    layers = client.submit(tasks.union, read, pure=False)
    distinct = client.submit(tasks.size, layers, pure=False)
    answers: Any = None
    problem = ""
    if settings.network or settings.offline:
        answers = client.submit(tasks.lookups, layers, settings, retries=retries, pure=False)
        try:
            answers.result()
        except Exception as exc:
            problem = reason(exc)
            answers = {}  # every component unknown, the reason in the report
    count = int(distinct.result()) if read else 0
    progress.done(f"{count} distinct components" + (f"; failed: {problem}" if problem else ""))

    progress.stage("assessment", "repositories")
    feeds_version = ""
    assessing = {
        client.submit(tasks.assess, fut, answers, settings, retries=retries, pure=False): by_future[
            fut
        ]
        for fut in read
    }
    for n, fut in enumerate(as_completed(list(assessing)), 1):
        spec = assessing[fut]
        if fut.status == "finished":
            revision, result = fut.result()
            feeds_version = result.feed_version
            recorded = record(spec, revision, result) if record else (None, "")
            outcomes[spec.name] = _scanned(spec, revision, result, recorded)
        else:
            outcomes[spec.name] = Outcome(spec.name, "failed", reason(fut.exception()))
        fut.release()
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
