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
BOT = {"login": "github-actions[bot]", "type": "Bot"}
EVENT = {
    "pull_request": {
        "number": 7,
        "base": {"repo": {"full_name": "octo/app"}},
        "head": {"repo": {"full_name": "octo/app"}},
    }
}


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
    ours = {"id": 99, "body": "<!-- icts-scan -->\nold report", "user": BOT}
    other = {"id": 5, "body": "LGTM", "user": {"login": "octocat", "type": "User"}}
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
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    warnings = ghcomment.post_sticky("pull_request", EVENT, env, TOKEN, "report", 1)
    (warning,) = warnings
    assert "HTTP 403" in warning and "pull-requests: write" in warning
    assert TOKEN not in warning


def test_nothing_new_and_nothing_said_before_stays_quiet(github: LoopbackServer) -> None:
    github.route(LIST, Reply.json([]))
    env = {"GITHUB_API_URL": github.base_url}  # the runner's own API (GitHub Enterprise Server)
    assert ghcomment.post_sticky("pull_request", EVENT, env, TOKEN, "report", 0) == []
    assert _calls(github) == [("GET", LIST)]


def test_long_listings_are_paged(github: LoopbackServer) -> None:
    page = [{"id": n, "body": "chatter"} for n in range(100)]
    ours = {"id": 700, "body": "<!-- icts-scan -->", "user": BOT}
    github.route(LIST, Reply.json(page), Reply.json([ours]))
    github.route("/repos/octo/app/issues/comments/700", Reply.json({"id": 700}))
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    assert ghcomment.post_sticky("pull_request", EVENT, env, TOKEN, "new report", 0) == []
    assert [seen.path for seen in github.requests[:2]] == [
        f"{LIST}?per_page=100&page=1",
        f"{LIST}?per_page=100&page=2",
    ]
    assert _calls(github)[2] == ("PATCH", "/repos/octo/app/issues/comments/700")
    assert json.loads(github.requests[2].body)["body"].startswith("<!-- icts-scan -->")


def test_a_marker_in_someone_elses_comment_is_never_edited(github: LoopbackServer) -> None:
    # Anyone can paste the marker; editing their comment would put our report under their name.
    forged = {"id": 5, "body": "<!-- icts-scan -->\nall clear", "user": {"login": "mallory"}}
    quoted = {"id": 6, "body": "> <!-- icts-scan -->", "user": {"login": "github-actions"}}
    github.route(LIST, Reply.json([forged, quoted]), Reply.json({"id": 8}, status=201))
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    assert ghcomment.post_sticky("pull_request", EVENT, env, TOKEN, "report", 1) == []
    assert _calls(github) == [("GET", LIST), ("POST", LIST)]


def test_our_comment_is_found_behind_a_forged_one(github: LoopbackServer) -> None:
    forged = {"id": 5, "body": "<!-- icts-scan -->", "user": {"login": "mallory"}}
    ours = {"id": 9, "body": "<!-- icts-scan -->\nold", "user": {"login": "GitHub-Actions[bot]"}}
    github.route(LIST, Reply.json([forged, ours]))
    github.route("/repos/octo/app/issues/comments/9", Reply.json(ours))
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    assert ghcomment.post_sticky("pull_request", EVENT, env, TOKEN, "report", 0) == []
    assert _calls(github)[-1] == ("PATCH", "/repos/octo/app/issues/comments/9")


def test_a_personal_token_writes_as_its_own_user(github: LoopbackServer) -> None:
    pat = "github_pat_" + "x" * 30
    github.route("/user", Reply.json({"login": "release-bot", "type": "User"}))
    bot = {"id": 5, "body": "<!-- icts-scan -->", "user": BOT}
    mine = {"id": 6, "body": "<!-- icts-scan -->", "user": {"login": "release-bot"}}
    github.route(LIST, Reply.json([bot, mine]))
    github.route("/repos/octo/app/issues/comments/6", Reply.json(mine))
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    assert ghcomment.post_sticky("pull_request", EVENT, env, pat, "report", 1) == []
    assert _calls(github) == [
        ("GET", "/user"),
        ("GET", LIST),
        ("PATCH", "/repos/octo/app/issues/comments/6"),
    ]
    assert github.requests[0].headers["authorization"] == f"Bearer {pat}"


def test_an_installation_token_without_prefix_is_the_actions_bot(github: LoopbackServer) -> None:
    # GitHub Enterprise Server before token prefixes: /user is refused to an installation.
    github.route(
        "/user", Reply.json({"message": "Resource not accessible by integration"}, status=403)
    )
    ours = {"id": 9, "body": "<!-- icts-scan -->", "user": BOT}
    github.route(LIST, Reply.json([ours]))
    github.route("/repos/octo/app/issues/comments/9", Reply.json(ours))
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    assert ghcomment.post_sticky("pull_request", EVENT, env, "a" * 40, "report", 1) == []
    assert _calls(github)[-1] == ("PATCH", "/repos/octo/app/issues/comments/9")


def test_an_unknown_identity_writes_nothing(github: LoopbackServer) -> None:
    github.route("/user", Reply.json({"message": "boom"}, status=500))
    env = {"ICTS_SCAN_GITHUB_API_URL": github.base_url}
    (warning,) = ghcomment.post_sticky("pull_request", EVENT, env, "ghp_" + "y" * 36, "r", 1)
    assert warning.startswith("cannot tell whose token this is, so no PR comment")
    assert all(method == "GET" for method, _ in _calls(github))
