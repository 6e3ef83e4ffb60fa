"""The sticky PR comment: created once, then updated in place, against a loopback GitHub API."""

from __future__ import annotations

import json

import pytest

from scanner.github import action as ghaction
from scanner.github import comment as ghcomment
from tests.action.conftest import PullRequest
from tests.loopback import LoopbackServer, Reply

TOKEN = "ghs_" + "T0k3n" * 8
LIST = "/repos/octo/app/issues/7/comments"


@pytest.fixture
def github() -> LoopbackServer:
    with LoopbackServer() as server:
        yield server  # type: ignore[misc]


def _calls(server: LoopbackServer) -> list[tuple[str, str]]:
    return [(seen.method, seen.path.partition("?")[0]) for seen in server.requests]


@pytest.mark.usefixtures("with_diff", "no_network")
def test_comment_is_created_then_updated_in_place(
    pull_request: PullRequest, github: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = {"id": 99, "body": "<!-- icts-scan -->\nold report", "user": {"type": "Bot"}}
    other = {"id": 5, "body": "LGTM", "user": {"type": "User"}}
    # One route serves both the listing (GET) and the creation (POST), in this order:
    # run 1 lists (nothing), creates; run 2 lists (finds ours).
    github.route(LIST, Reply.json([other]), Reply.json(ours, status=201), Reply.json([other, ours]))
    github.route("/repos/octo/app/issues/comments/99", Reply.json(ours))
    env = pull_request.env(comment="true", github_token=TOKEN)
    env["ICTS_SCAN_GITHUB_API_URL"] = github.base_url

    assert ghaction.run(env) == 1
    assert ghaction.run(env) == 1
    captured = capsys.readouterr()

    assert _calls(github) == [
        ("GET", LIST),
        ("POST", LIST),
        ("GET", LIST),
        ("PATCH", "/repos/octo/app/issues/comments/99"),
    ]
    posted, patched = github.requests[1], github.requests[3]
    for seen in (posted, patched):
        body = json.loads(seen.body)["body"]
        assert body.startswith("<!-- icts-scan -->")
        assert "pkg:npm/%40antv/event-emitter@0.1.3" in body and "antv/util" not in body
        assert seen.headers["authorization"] == f"Bearer {TOKEN}"
        assert seen.headers["content-type"] == "application/json"
    assert "per_page=100" in github.requests[0].path
    assert TOKEN not in captured.out + captured.err
    assert "::warning" not in captured.out


@pytest.mark.usefixtures("with_diff", "no_network")
def test_fork_pull_requests_get_no_comment(
    pull_request: PullRequest, github: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env = pull_request.env(fork=True, comment="true", github_token=TOKEN)
    env["ICTS_SCAN_GITHUB_API_URL"] = github.base_url
    assert ghaction.run(env) == 1
    assert github.requests == []
    assert "from a fork; the job summary has the report" in capsys.readouterr().out
    assert "event-emitter" in pull_request.summary()  # the summary works on forks


def test_a_forbidden_write_is_a_warning(github: LoopbackServer) -> None:
    github.route(LIST, Reply.json([]), Reply.json({"message": "denied"}, status=403))
    event = {
        "pull_request": {
            "number": 7,
            "base": {"repo": {"full_name": "octo/app"}},
            "head": {"repo": {"full_name": "octo/app"}},
        }
    }
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    warnings = ghcomment.post_sticky("pull_request", event, env, TOKEN, "report", 1)
    (warning,) = warnings
    assert "HTTP 403" in warning and "pull-requests: write" in warning
    assert TOKEN not in warning


def test_nothing_new_and_nothing_said_before_stays_quiet(github: LoopbackServer) -> None:
    github.route(LIST, Reply.json([]))
    event = {
        "pull_request": {
            "number": 7,
            "base": {"repo": {"full_name": "octo/app"}},
            "head": {"repo": {"full_name": "octo/app"}},
        }
    }
    env = {"GITHUB_API_URL": github.base_url}  # the runner's own API (GitHub Enterprise Server)
    assert ghcomment.post_sticky("pull_request", event, env, TOKEN, "report", 0) == []
    assert _calls(github) == [("GET", LIST)]


def test_long_listings_are_paged(github: LoopbackServer) -> None:
    page = [{"id": n, "body": "chatter"} for n in range(100)]
    github.route(LIST, Reply.json(page), Reply.json([{"id": 700, "body": "<!-- icts-scan -->"}]))
    github.route("/repos/octo/app/issues/comments/700", Reply.json({"id": 700}))
    event = {
        "pull_request": {
            "number": 7,
            "base": {"repo": {"full_name": "octo/app"}},
            "head": {"repo": {"full_name": "octo/app"}},
        }
    }
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    assert ghcomment.post_sticky("pull_request", event, env, TOKEN, "new report", 0) == []
    assert [seen.path for seen in github.requests[:2]] == [
        f"{LIST}?per_page=100&page=1",
        f"{LIST}?per_page=100&page=2",
    ]
    assert _calls(github)[2] == ("PATCH", "/repos/octo/app/issues/comments/700")
    assert json.loads(github.requests[2].body)["body"].startswith("<!-- icts-scan -->")
