"""Hostile shapes that were super-linear: each finishes far inside a generous alarm now.

Sizes are chosen so that the old code took minutes (or, for globs, years); the alarm is
no timing assertion, only a bound that turns a hang into a failure.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import pytest

from sbom.ecosystems.dotnet import _xml as dotnet_xml
from sbom.ecosystems.github import gitmodules
from sbom.ecosystems.java import pom
from sbom.read import parse_bytes
from sbom.xmltags import simple_values, start_tags
from scanner.monorepo.workspaces import matches, members

MiB = 1024 * 1024


class Hung(Exception):
    pass


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_repeated_globstars_match_in_linear_time() -> None:
    # 12 "**" over 30 segments tried ~10^9 splits; 8 already took 25 s.
    path = "/".join(["a"] * 30)
    with alarm(20):
        assert not matches("/".join(["**"] * 200 + ["x"]), path)
        assert matches("/".join(["**", "a"] * 20), path)
        assert matches("**/a/*/**", path) and not matches("a/**/b", path)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("packages/*", "packages/a", True),
        ("packages/*", "packages/a/b", False),
        ("packages/**", "packages", True),
        ("**", "", True),
        ("", "", True),
        ("a/**/b/**/c", "a/x/b/y/z/c", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/c", False),
    ],
)
def test_glob_meaning_is_kept(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected


@pytest.mark.parametrize(
    "opener", ["<!--", "<![CDATA[", "<?pi", "<module>x", "<module", "<module>a" + " " * 9]
)
def test_unterminated_xml_constructs_are_scanned_once(opener: str) -> None:
    # ~17 minutes for 1 MiB of "<!--" in the workspace pre-scan of a pom.xml.
    body = opener * (MiB // len(opener))
    with alarm(20):
        assert members("pom.xml", b"<project><modules>" + body.encode()) == ()
        result = parse_bytes(b"<project>" + body.encode(), "pom.xml", pom)
        assert result.components == () and result.issues
        dotnet_xml.TagLines("<Project>" + body)


def test_a_processing_instruction_full_of_comment_openers_is_linear() -> None:
    # Well-formed XML: a PI may hold "<!--"; the old tag scan restarted at each of them.
    deps = "<dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId>"
    deps += "<version>1</version></dependency></dependencies>"
    text = "<project><?pi " + "<!--" * (MiB // 4) + "?>" + deps + "</project>"
    with alarm(20):
        result = parse_bytes(text.encode(), "pom.xml", pom)
    assert [(c.purl, c.locations[0].line) for c in result.components] == [("pkg:maven/g/a@1", 1)]


def test_start_tags_skip_what_is_not_markup() -> None:
    text = "<a><!-- <b> --><![CDATA[<c>]]><?p <d> ?><x:e f='1'/><g>v</g><h></a>"
    assert [name for _, name in start_tags(text)] == ["a", "e", "g", "h"]
    assert list(simple_values("<m> one </m><!--<m>two</m>--><m></m><m>three</m >", "m")) == [
        "one",
        "three",
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda n: '[submodule "a"]\n\turl = x' + " " * n + "y\n",  # lazy value before \s*$
        lambda n: '[submodule "a"]\n\turl = x\\\n' + "y\\\n" * (n // 3) + "z\n",  # continuations
    ],
)
def test_gitmodules_lines_are_read_in_linear_time(make: Callable[[int], str]) -> None:
    with alarm(20):
        result = parse_bytes(make(MiB).encode(), ".gitmodules", gitmodules)
    assert not any(i.severity == "error" for i in result.issues)
