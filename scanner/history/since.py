"""What is new in a repository's latest run since its previous one, compared as ``diff`` compares revisions."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sbom.model import Inventory
from scanner.assess.acceptances import AcceptanceUse
from scanner.assess.model import Finding
from scanner.assess.policy import WaiverUse, exit_code
from scanner.diff.changes import DiffResult, Revision, compare
from scanner.enrich.model import Enriched
from scanner.pipeline import ScanResult
from scanner.store import StoreError, load
from scanner.store.engine import Store
from scanner.store.load import Run


@dataclass(frozen=True)
class SinceLastRun:
    """The latest run against the one before it (everything is new when there is none)."""

    repository: str
    run: Run
    previous: Run | None
    diff: DiffResult
    gone: tuple[Finding, ...]
    """Findings of the previous run (not waived or accepted) whose identity the latest run no longer has."""
    expired: tuple[WaiverUse, ...]
    """Waivers that expired since the previous run."""
    expired_acceptances: tuple[AcceptanceUse, ...] = ()
    """Scope acceptances (accepted risks) that expired since the previous run."""

    def exit_code(self, fail_on: str | None = None, strict: bool = False) -> int:
        """1 for a new, unwaived finding at or above fail-on (the run's own by default)."""
        return exit_code(
            self.diff.new_findings, fail_on or self.diff.fail_on, self.diff.incomplete, strict
        )


def label(run: Run) -> Revision:
    return Revision(f"run {run.id} of {run.started}", run.revision)


def _empty(result: ScanResult) -> ScanResult:
    return replace(
        result,
        inventory=Inventory(root=result.inventory.root),
        enriched=Enriched(),
        findings=(),
        waivers=(),
        stages=(),
        project=None,
    )


def since_last_run(store: Store, repository: str, run_id: int | None = None) -> SinceLastRun:
    """Compare ``run_id`` (default: the latest run) with the run of the repository before it."""
    with store.begin() as conn:
        if run_id is None:
            latest = load.runs(conn, repository, limit=1)
            head_run = latest[0] if latest else None
        else:
            head_run = load.run(conn, run_id)
            if head_run is not None and head_run.repository != repository:
                head_run = None
        if head_run is None:
            known = load.repositories(conn)
            shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
            which = f"run {run_id} of {repository}" if run_id else f"runs of {repository}"
            raise StoreError(
                f"{store.label}: no {which}" + (f" (recorded: {shown})" if known else "")
            )
        base_run = load.previous(conn, head_run)
        head = load.result(conn, head_run.id)
        base = load.result(conn, base_run.id) if base_run else _empty(head)
    before = Revision("no earlier run") if base_run is None else label(base_run)
    d = compare(before, base, label(head_run), head)
    now = {f.identity for f in head.findings}
    gone = tuple(f for f in base.findings if not f.excused and f.identity not in now)
    was = {u.waiver.id: u.state for u in base.waivers}
    expired = tuple(
        u for u in head.waivers if u.state == "expired" and was.get(u.waiver.id) != "expired"
    )
    had = {u.acceptance.id: u.state for u in base.acceptances}
    lapsed = tuple(
        u
        for u in head.acceptances
        if u.state == "expired" and had.get(u.acceptance.id) != "expired"
    )
    return SinceLastRun(repository, head_run, base_run, d, gone, expired, lapsed)
