"""The core reader: size limits, decoding, and turning any parser failure into a ParseIssue."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import replace

from sbom import limits
from sbom.errors import ParseError
from sbom.model import ParseIssue, ParseResult, SourceFile
from sbom.parser import Parser
from sbom.safe_text import lone_escapes

# Large real lockfiles are a few MB; 64 MiB leaves room while bounding memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


def read_limited(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes; ParseError over ``max_bytes`` or for anything but a file.

    Opened without blocking, so that a FIFO in the scanned tree cannot hang the scan.
    OSError when it cannot be read at all.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("not a regular file; skipped")
        if info.st_size > max_bytes:
            raise ParseError(
                f"file is {info.st_size} bytes, over the {max_bytes}-byte limit; skipped"
            )
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while being read
        raise ParseError(f"file is over the {max_bytes}-byte limit; skipped")
    return data


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM); a UTF-16 BOM is honored; anything else is a ParseError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError("invalid UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(f"not UTF-8 text (byte {exc.start})", line) from None


def escapes_fixed(text: str, path: str) -> tuple[str, ParseIssue | None]:
    """``text`` with escaped lone surrogates read as U+FFFD, and a warning saying where."""
    text, found = lone_escapes(text)
    if not found:
        return text, None
    line = text.count("\n", 0, found[0]) + 1
    message = (
        f"{len(found)} escaped lone surrogate(s) such as \\ud800 (no character; "
        "UTF-8 cannot write one) read as U+FFFD"
    )
    return text, ParseIssue(path, line, message, "warning")


def parse_bytes(
    data: bytes, path: str, parser: Parser, max_components: int | None = None
) -> ParseResult:
    """Run one parser on one file's bytes; never raises.

    A file with more than ``max_components`` components (default: ``limits.per_file()``)
    yields nothing but an issue.
    """
    limit = max_components or limits.per_file()
    try:
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ParseError("binary content, not a text file")
        text, escaped = escapes_fixed(decode(data, path), path)
        with limits.counting(limit):
            result = parser.parse(text, path)
        if len(result.components) > limit:
            raise ParseError(limits.over_file(len(result.components), limit))
        if escaped is not None:
            result = replace(result, issues=(*result.issues, escaped))
        if result.issues:
            # Every issue names the format that raised it, however it was raised.
            prefix = parser.NAME + ": "
            issues = tuple(
                i if i.message.startswith(prefix) else replace(i, message=prefix + i.message)
                for i in result.issues
            )
            result = replace(result, issues=issues)
        return result
    except ParseError as exc:
        return ParseResult(issues=(ParseIssue(path, exc.line, f"{parser.NAME}: {exc.message}"),))
    except limits.TooManyComponents:
        message = f"{parser.NAME}: {limits.over_file(None, limit)}"
        return ParseResult(issues=(ParseIssue(path, None, message),))
    except RecursionError:
        return ParseResult(
            issues=(ParseIssue(path, None, f"{parser.NAME}: input nested too deeply"),)
        )
    except MemoryError:
        return ParseResult(
            issues=(ParseIssue(path, None, f"{parser.NAME}: input too large to parse"),)
        )
    except Exception as exc:  # one bad file must never abort a scan
        message = f"{parser.NAME}: could not parse ({type(exc).__name__}: {exc})"
        return ParseResult(issues=(ParseIssue(path, None, message),))


def read_and_parse(
    abspath: str, relpath: str, parser: Parser, max_bytes: int = MAX_FILE_BYTES
) -> tuple[SourceFile | None, ParseResult]:
    """Read a file within the size limit and parse it; IO errors become issues."""
    try:
        data = read_limited(abspath, max_bytes)
    except ParseError as exc:
        issue = ParseIssue(relpath, None, f"{parser.NAME}: {exc.message}")
        return None, ParseResult(issues=(issue,))
    except OSError as exc:
        return None, ParseResult(
            issues=(ParseIssue(relpath, None, f"cannot read: {exc.strerror or exc}"),)
        )
    result = parse_bytes(data, relpath, parser)
    source = SourceFile(
        path=relpath,
        format=parser.NAME,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        components=len(result.components),
    )
    return source, result
