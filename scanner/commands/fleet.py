"""``icts-scan fleet``: many repositories on a Dask cluster, each package looked up once for all."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.commands import options, store_options
from scanner.text import echo


def register(sub: Any) -> None:
    """Add the ``fleet`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "fleet",
        help="scan many repositories on a Dask cluster (local processes or an existing scheduler)",
        description="Read every repository's lockfiles from git objects (a shallow bare clone "
        "for URLs, no checkout) in parallel, look up the union of their components once, then "
        "assess each repository and record it with --store. A repository that fails is "
        "reported with its reason and never stops the others.",
    )
    p.add_argument(
        "repos", nargs="?", metavar="REPOS.txt", help="one git URL or local path per line"
    )
    p.add_argument(
        "--github-org",
        metavar="ORG",
        help="every repository of this GitHub organization ($GITHUB_TOKEN)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="an existing Dask scheduler (default: a local cluster)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="local cluster worker processes (default: CPUs, at most 8)",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="retries of a repository's task (default: 2)",
    )
    options.add_reports(p, "table, json or markdown")
    options.add_policy(p)
    options.add_lookups(p)
    p.add_argument(
        "--strict", action="store_true", help="exit 3 when a repository failed or is incomplete"
    )
    store_options.add_store(p, store_options.STORE_HELP + "; records one run per repository")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="progress on stderr (default: on; plain lines when not a terminal)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Scan the fleet; 0 ok, 1 findings at or above fail-on, 2 usage/store, 3 incomplete (strict)."""
    import os

    from scanner import config as configuration
    from scanner.fleet import report
    from scanner.fleet.cluster import ClusterError, connect
    from scanner.fleet.github_org import OrgError, list_org
    from scanner.fleet.repos import ListError, read_list
    from scanner.fleet.run import run as run_fleet
    from scanner.fleet.tasks import Settings
    from scanner.net.endpoints import EndpointError
    from scanner.progress import Progress, choose
    from scanner.store import StoreError

    targets, problem = options.report_targets(args.report, report.FORMATS)
    if problem:
        return options.error(problem)
    if bool(args.repos) == bool(args.github_org):
        return options.error("give a REPOS.txt file or --github-org ORG (one of them)")
    if (args.workers is not None and args.workers < 1) or args.retries < 0:
        return options.error("--workers must be at least 1 and --retries at least 0")
    try:
        cfg = options.load_policy(args, None)
        if args.github_org:
            specs, problems = list_org(args.github_org, os.environ, cfg.endpoints), list[str]()
        else:
            specs, problems = read_list(args.repos)
    except (configuration.ConfigError, EndpointError, ListError, OrgError) as exc:
        return options.error(str(exc))
    for line in problems:
        echo(f"icts-scan: error: {line}", file=sys.stderr)
    if problems or not specs:
        return options.error(
            "no repositories to scan" if not problems else "fix the repository list"
        )
    store = None
    if args.store:
        try:
            store = store_options.open_store(args.store)
        except StoreError as exc:
            return options.error(str(exc))
    settings = Settings(
        cfg,
        offline=args.offline or cfg.offline,
        network=not args.no_network,
        verify=args.verify_attestations,
    )
    progress = Progress(choose(args.progress, sys.stderr), sys.stderr)

    def record(spec: Any, revision: str | None, result: Any) -> tuple[int | None, str]:
        if store is None:
            return None, ""
        from scanner.store.record import record as write

        try:
            return write(
                store, result, repository=spec.name, revision=revision, kind="fleet"
            ).run_id, ""
        except StoreError as exc:
            return None, str(exc)

    try:
        with connect(args.scheduler, args.workers) as client:
            fleet = run_fleet(
                client, specs, settings, progress, retries=args.retries, record=record
            )
    except ClusterError as exc:
        return options.error(str(exc))
    finally:
        if store is not None:
            store.close()
    for o in fleet.failed:
        echo(f"icts-scan: failed: {o.repository}: {o.reason}", file=sys.stderr)
    s = report.summary(fleet)
    progress.finish(
        f"{s['scanned']} scanned, {s['failed']} failed, {s['distinct_components']} distinct components"
    )
    options.write_reports(targets, lambda fmt: report.render(fmt, fleet))
    return report.exit_code(fleet, args.strict)
