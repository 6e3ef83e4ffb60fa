"""GitHub Action driver: runs scan or diff, then writes summary, outputs, annotations, PR comment."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.config import PROFILES, SEVERITIES
from scanner.github.comment import post_sticky
from scanner.github.workflow import active, annotation_lines, emit, set_output, workflow_command
from scanner.report.markdown import MARKER
from scanner.text import document

PR_EVENTS = ("pull_request", "pull_request_target", "merge_group")
SUMMARY_LIMIT = 1024 * 1024  # bytes per step summary; over it the upload fails
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0", "")


class ActionError(Exception):
    """A wrong input or event for the action (exit code 2)."""


@dataclass(frozen=True)
class Settings:
    """The action's inputs and the runner's environment, checked."""

    workspace: str
    out: str
    path: str
    mode: str
    base: str | None
    head: str | None
    fail_on: str | None
    profile: str | None
    config: str | None
    sarif: str | None
    comment: bool
    offline: bool
    token: str
    event_name: str
    event: Mapping[str, Any]
    debug: bool


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value not in _TRUE + _FALSE:
        raise ActionError(f"input {name[6:].lower().replace('_', '-')}: expected true or false")
    return value in _TRUE


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = env.get(name, "").strip()
    if value and value not in allowed:
        label = name[6:].lower().replace("_", "-")
        raise ActionError(f"input {label}: {value!r} is not one of {', '.join(allowed)}")
    return value or None


def _revisions(event_name: str, event: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Base and head commits as the event payload names them (dependency-review's rule)."""
    if event_name in ("pull_request", "pull_request_target"):
        pr = event.get("pull_request") or {}
        return (pr.get("base") or {}).get("sha"), (pr.get("head") or {}).get("sha")
    if event_name == "merge_group":
        group = event.get("merge_group") or {}
        return group.get("base_sha"), group.get("head_sha")
    return None, None


def settings(env: Mapping[str, str]) -> Settings:
    """Read INPUT_* and GITHUB_* variables; ActionError names the input at fault."""
    workspace = os.path.abspath(env.get("GITHUB_WORKSPACE") or os.getcwd())
    temp = env.get("RUNNER_TEMP") or os.path.join(workspace, ".icts-scan")
    event_name = env.get("GITHUB_EVENT_NAME", "")
    event: Mapping[str, Any] = {}
    if env.get("GITHUB_EVENT_PATH"):
        try:
            with open(env["GITHUB_EVENT_PATH"], encoding="utf-8") as fh:
                event = json.load(fh)
        except (OSError, ValueError) as exc:
            raise ActionError(f"cannot read the event payload: {exc}") from None
    mode = _choice(env, "INPUT_MODE", ("auto", "pr", "full")) or "auto"
    if mode == "auto":
        mode = "pr" if event_name in PR_EVENTS else "full"
    base, head = _revisions(event_name, event) if mode == "pr" else (None, None)
    if mode == "pr" and not (base and head):
        raise ActionError(
            f"mode pr needs a pull_request or merge_group event (this is {event_name or 'none'}); "
            "use mode: full"
        )
    path = os.path.normpath(os.path.join(workspace, env.get("INPUT_PATH", "").strip() or "."))
    if not os.path.isdir(path):
        raise ActionError(f"input path: {path} is not a folder")
    config = env.get("INPUT_CONFIG", "").strip()
    sarif = env.get("INPUT_SARIF", "").strip()
    return Settings(
        workspace=workspace,
        out=os.path.join(temp, "icts-scan"),
        path=path,
        mode=mode,
        base=base,
        head=head,
        fail_on=_choice(env, "INPUT_FAIL_ON", SEVERITIES),
        profile=_choice(env, "INPUT_PROFILE", PROFILES),
        config=os.path.join(workspace, config) if config else None,
        sarif=os.path.join(workspace, sarif) if sarif else None,
        comment=_flag(env, "INPUT_COMMENT"),
        offline=_flag(env, "INPUT_OFFLINE"),
        token=env.get("INPUT_GITHUB_TOKEN", ""),
        event_name=event_name,
        event=event,
        debug=env.get("RUNNER_DEBUG") == "1",
    )


def command(s: Settings, report: str, markdown: str) -> list[str]:
    """The icts-scan arguments: ``diff`` on pull requests, ``scan`` otherwise."""
    argv = ["-v"] if s.debug else []
    if s.mode == "pr":
        argv += ["diff", s.path, "--base", str(s.base), "--head", str(s.head)]
    else:
        argv += ["scan", s.path]
    argv += ["--report", "table", "--report", f"json={report}", "--report", f"markdown={markdown}"]
    if s.sarif:
        argv += ["--report", f"sarif={s.sarif}"]
    # Only what the user set: the policy file's fail-on and profile win over silence.
    for flag, value in (("--fail-on", s.fail_on), ("--profile", s.profile), ("--config", s.config)):
        if value:
            argv += [flag, value]
    return [*argv, "--offline"] if s.offline else argv


@contextlib.contextmanager
def _scan_env(s: Settings) -> Iterator[None]:
    """GITHUB_TOKEN for the GitHub API lookups of the scan, restored afterwards."""
    added = bool(s.token) and not s.offline and not os.environ.get("GITHUB_TOKEN")
    if added:
        os.environ["GITHUB_TOKEN"] = s.token
    try:
        yield
    finally:
        if added:
            os.environ.pop("GITHUB_TOKEN", None)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return ""


def _execute(s: Settings, report: str, markdown: str, sbom: str) -> int:
    """Scan (or diff) and write the SBOM; the exit code of the scan."""
    from scanner.cli import main as cli

    for stale in (report, markdown, sbom, s.sarif):
        # A second use of the action in one job must not publish the first one's results.
        if stale and os.path.isfile(stale):
            os.remove(stale)
    what = f"diff {s.base}..{s.head}" if s.mode == "pr" else "full scan"
    workflow_command("group", f"icts-scan {what} of {os.path.relpath(s.path, s.workspace)}")
    try:
        with _scan_env(s):
            code = cli(command(s, report, markdown))
        if cli(["sbom", s.path, "-o", sbom]) != 0:
            workflow_command("warning", "the SBOM could not be written", title="icts-scan")
    finally:
        workflow_command("endgroup")
    return code


def run(env: Mapping[str, str]) -> int:
    """The whole action step; returns the scan's (or diff's) exit code."""
    try:
        s = settings(env)
    except ActionError as exc:
        workflow_command("error", str(exc), title="icts-scan")
        return 2
    os.makedirs(s.out, exist_ok=True)
    report, markdown = os.path.join(s.out, "report.json"), os.path.join(s.out, "report.md")
    sbom = os.path.join(s.out, "sbom.cdx.json")
    try:
        code = _execute(s, report, markdown, sbom)
    except Exception:  # exit 1 means "findings": a crash must not look like one
        document(traceback.format_exc(), file=sys.stderr)
        workflow_command("error", "internal error; the log has the traceback", title="icts-scan")
        return 2
    try:
        doc: Mapping[str, Any] = json.loads(_read(report))
    except ValueError:
        hint = " (pr mode reads the base commit: check out with fetch-depth: 0)"
        message = f"no report was written (exit code {code})" + hint * (s.mode == "pr")
        workflow_command("error", message, title="icts-scan")
        return code or 2
    body = _read(markdown) or f"{MARKER}\n## icts-scan\n\nNo report.\n"
    if env.get("GITHUB_STEP_SUMMARY") and len(body.encode()) < SUMMARY_LIMIT:
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(body)
    for line in annotation_lines(doc, s.path, s.workspace):
        emit(line)
    count = len(active(doc))
    if env.get("GITHUB_OUTPUT"):
        # A diff report lists what the change introduced; its summary may count the head too.
        total = doc.get("summary", {}).get("head_findings", count)
        for name, value in (
            ("findings", str(total)),
            ("new-findings", str(count)),
            ("mode", s.mode),
            ("report-file", report),
            ("markdown-file", markdown),
            ("sarif-file", s.sarif if s.sarif and os.path.isfile(s.sarif) else ""),
            ("sbom-file", sbom if os.path.isfile(sbom) else ""),
        ):
            set_output(env["GITHUB_OUTPUT"], name, value)
    if s.comment:
        for warning in post_sticky(s.event_name, s.event, env, s.token, body, count):
            workflow_command("warning", warning, title="icts-scan")
    return code


def main() -> None:
    """``python -m scanner.github.action``."""
    sys.exit(run(os.environ))


if __name__ == "__main__":
    main()
