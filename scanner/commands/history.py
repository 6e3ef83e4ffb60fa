"""``icts-scan history``: what is new since the last run, trends, and who depends on an entity or namespace."""

from __future__ import annotations

import argparse
from typing import Any

from scanner.commands import options, store_options
from scanner.config import SEVERITIES

QUESTIONS = ("new", "trends", "depends")


def register(sub: Any) -> None:
    """Add the ``history`` subcommand and its three questions."""
    p: argparse.ArgumentParser = sub.add_parser(
        "history",
        help="ask the results store: new since the last run, trends, who depends on X",
        description="Answer from the runs recorded with --store: what the latest run of a "
        "repository has that the one before it had not (new components and findings, findings "
        "gone, provenance changes, waivers that expired), findings over time by severity and "
        "entity, and which repositories depend on an entity or a namespace.",
    )
    questions = p.add_subparsers(dest="question", metavar="QUESTION", required=True)
    new = questions.add_parser("new", help="what is new in a repository's latest run")
    new.add_argument(
        "path", nargs="?", default=".", help="folder whose repository to ask about (default: .)"
    )
    new.add_argument(
        "--repository",
        metavar="NAME",
        help="the repository's name in the store (default: as scan names PATH)",
    )
    new.add_argument(
        "--run", dest="run_id", type=int, metavar="ID", help="this run instead of the latest"
    )
    new.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="exit 1 for a new finding at or above this (default: the run's)",
    )
    new.add_argument("--strict", action="store_true", help="exit 3 when either run is incomplete")
    trends = questions.add_parser("trends", help="findings per day by severity and entity")
    trends.add_argument("--repository", metavar="NAME", help="only this repository (default: all)")
    trends.add_argument("--since", metavar="YYYY-MM-DD", type=_date, help="from this day on")
    depends = questions.add_parser(
        "depends", help="which repositories depend on an entity or namespace"
    )
    which = depends.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--entity",
        metavar="ID",
        help="a knowledge-base entity id or name (owned entities included)",
    )
    which.add_argument(
        "--namespace", metavar="TYPE/NS", help="a purl namespace, e.g. npm/@antv, maven/com.alibaba"
    )
    which.add_argument(
        "--package", metavar="PURL", help="a package at any version, e.g. pkg:npm/lodash"
    )
    for q in (new, trends, depends):
        store_options.add_store(
            q, "the results store to ask (SQLite file or postgresql://…)", required=True
        )
        formats = "table, json, markdown" + (" or sarif" if q is new else "")
        options.add_reports(q, formats)
        q.set_defaults(run=run)


def _date(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def run(args: argparse.Namespace) -> int:
    """Answer; 0, or 1 for new findings at or above --fail-on (``new``), 2 usage or store errors."""
    from scanner.history import render, render_new
    from scanner.store import StoreError

    known = render_new.NEW_FORMATS if args.question == "new" else render.FORMATS
    targets, problem = options.report_targets(args.report, known)
    if problem:
        return options.error(problem)
    code = 0
    try:
        with store_options.open_store(args.store, existing=True) as store:
            if args.question == "new":
                from scanner.fleet.gitops import identity
                from scanner.history.since import since_last_run

                name = args.repository or identity(args.path)[0]
                answer = since_last_run(store, name, args.run_id)
                texts = {fmt: render_new.render_new(fmt, answer) for fmt in dict(targets)}
                code = answer.exit_code(args.fail_on, args.strict)
            elif args.question == "trends":
                from scanner.history.trends import trends

                days = trends(store, args.repository, args.since)
                texts = {fmt: render.render_trends(fmt, days) for fmt in dict(targets)}
            else:
                from scanner.history.depends import dependents

                question = args.entity or args.namespace or args.package
                if args.namespace and "/" not in args.namespace:
                    return options.error("--namespace takes TYPE/NAMESPACE, e.g. npm/@antv")
                found = dependents(
                    store, entity=args.entity, namespace=args.namespace, package=args.package
                )
                texts = {fmt: render.render_depends(fmt, question, found) for fmt in dict(targets)}
    except StoreError as exc:
        return options.error(str(exc))
    options.write_reports(targets, texts.__getitem__)
    return code
