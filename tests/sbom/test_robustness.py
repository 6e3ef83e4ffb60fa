"""Hostile and broken input: every parser raises nothing but ParseError, the core never raises."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sbom.errors import ParseError
from sbom.parser import Parser
from sbom.read import parse_bytes
from sbom.registry import PARSERS
from tests.sbom.truth import load_cases

SAMPLES: dict[str, bytes] = {}
for _case in load_cases():
    if _case.parser not in SAMPLES and _case.input.exists():
        # A prefix keeps mutation runs fast while still reaching real structure.
        SAMPLES[_case.parser] = _case.input.read_bytes()[:20000]

IDS = [p.NAME for p in PARSERS]


def _parse_strictly(parser: Parser, data: bytes) -> None:
    """Call the parser itself: anything but ParseError is a bug in the parser."""
    try:
        text = data.decode("utf-8", "replace")
        parser.parse(text, "fuzz/input")
    except (ParseError, RecursionError):
        pass


_INSERTS = [b"{", b"}", b"[", b'"', b"\n", b":", b"=", b"  ", b"@", b"\x00"]


def mutate(sample: bytes, seed: int) -> bytes:
    """Deletions, inserted syntax characters and a truncation, chosen by one seed."""
    rng = random.Random(seed)
    data = bytearray(sample)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randrange(len(data) or 1)
        if op < 0.4 and data:
            del data[pos : pos + rng.randint(1, 64)]
        elif op < 0.8:
            data[pos:pos] = rng.choice(_INSERTS)
        else:
            data = data[:pos]  # truncation
    return bytes(data)


@pytest.mark.parametrize("parser", PARSERS, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=512))
def test_random_bytes(parser: Parser, data: bytes) -> None:
    _parse_strictly(parser, data)


@pytest.mark.parametrize("parser", PARSERS, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_real_files(parser: Parser, seed: int) -> None:
    sample = SAMPLES.get(parser.NAME)
    if sample is None:
        pytest.skip("no sample")
    _parse_strictly(parser, mutate(sample, seed))


@pytest.mark.parametrize("parser", PARSERS, ids=IDS)
def test_core_turns_everything_into_issues(parser: Parser) -> None:
    cases = [
        b"",
        b"\xff\xfe\x00garbage",
        b"\xc3\x28 invalid utf-8",
        b"[" * 100000,
        b'{"a":' * 50000,
        b"a:\n" + b"  " * 10000 + b"b: 1\n",
        b"\x00\x01\x02binary",
    ]
    for data in cases:
        result = parse_bytes(data, "x/input", parser)
        for issue in result.issues:
            assert issue.path == "x/input"
            assert "could not parse (" not in issue.message, issue.message


def test_non_utf8_reports_line() -> None:
    parser = PARSERS[0]
    result = parse_bytes(b"line one\nline two \xff\n", "bad.txt", parser)
    assert result.issues and result.issues[0].line == 2
    assert "not UTF-8" in result.issues[0].message
