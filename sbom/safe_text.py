"""Text hostile input cannot break: lone surrogates, control characters and malformed URIs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote

T = TypeVar("T")

# JSON input may spell a lone surrogate ("\ud800"): it decodes to a str that UTF-8 cannot
# encode. Pairs (an emoji written as two escapes) decode to one proper character.
SURROGATE = re.compile("[\ud800-\udfff]")
# What a JSON writer escapes beyond json.dumps' own C0 escapes: DEL and C1 controls (CSI
# acts on terminals), line and paragraph separators, bidi controls and lone surrogates.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Characters XML 1.0 cannot carry, plus DEL and C1 controls, which it should not.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A "%" that starts no escape, and every "#" after the first: what makes a URI malformed
# (cyclonedx-python-lib refuses both); other characters are percent-encoded below.
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URI_SAFE = "!#$%&()*+,/:;=?@~"
# A \\u escape (JSON, YAML, TOML) of a surrogate, after an even run of backslashes: a high
# one with its low partner is one character; a lone one is none. YAML's \\U0000D800 too.
_ESCAPE = re.compile(
    r"(?<!\\)((?:\\\\)*)(\\u(?:d[89ab][0-9a-f]{2}(\\ud[c-f][0-9a-f]{2})?|d[c-f][0-9a-f]{2})"
    r"|\\U0000d[89a-f][0-9a-f]{2})",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def lone_escapes(text: str) -> tuple[str, list[int]]:
    """``text`` with every escaped lone surrogate written ``\\ufffd``, and where each one was.

    Such an escape decodes to a string UTF-8 cannot encode, which would fail the file (or a
    writer) later; U+FFFD keeps the rest of the file readable.
    """
    if "\\u" not in text and "\\U" not in text:
        return text, []
    found: list[int] = []

    def fix(m: re.Match[str]) -> str:
        if m.group(3):  # a proper pair
            return m.group()
        found.append(m.start(2))
        return m.group(1) + "\\ufffd"

    return _ESCAPE.sub(fix, text), found


def no_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (so that UTF-8 can encode it)."""
    return SURROGATE.sub("\ufffd", text) if not text.isascii() else text


def show_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as its ``\\uXXXX`` escape, visibly."""
    if text.isascii():
        return text
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def scrub(value: T, fix: Callable[[str], str] = no_surrogates) -> T:
    """A copy of a frozen dataclass, tuple, dict or str with ``fix`` applied to every string.

    ``fix`` defaults to replacing lone surrogates by U+FFFD. Unchanged parts stay the same
    objects, so clean input costs one look at each string.
    """
    out: Any = value
    if isinstance(value, str):
        out = fix(value)
    elif isinstance(value, tuple):
        items = tuple(scrub(v, fix) for v in value)
        out = value if all(a is b for a, b in zip(items, value, strict=True)) else items
    elif isinstance(value, dict):
        pairs = {scrub(k, fix): scrub(v, fix) for k, v in value.items()}
        changed = any(k not in value or value[k] is not v for k, v in pairs.items())
        out = pairs if changed else value
    elif is_dataclass(value) and not isinstance(value, type):
        new = {f.name: scrub(getattr(value, f.name), fix) for f in fields(value)}
        changes = {k: v for k, v in new.items() if v is not getattr(value, k)}
        out = replace(value, **changes) if changes else value
    return out  # type: ignore[no-any-return]


def count_surrogates(text: str) -> int:
    """How many lone surrogates ``text`` holds."""
    return 0 if text.isascii() else len(SURROGATE.findall(text))


def json_text(text: str) -> str:
    """JSON text made safe to write and to show: unsafe characters as their ``\\u`` escape.

    Only for text from ``json.dumps``: there these characters occur only inside string
    literals, where the escape means the same character, so nothing is lost.
    """
    if text.isascii():
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: characters it cannot (or should not) shown as ``\\uXXXX``."""
    return XML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def uri(text: str) -> str:
    """A well-formed URI reference for ``text``: what is not URI syntax is percent-encoded.

    A stray ``%`` becomes ``%25``, a second ``#`` ``%23``, a lone surrogate the escape of
    U+FFFD, spaces, quotes, brackets and controls their escapes; a valid ASCII URL is unchanged.
    """
    text = _BAD_PERCENT.sub("%25", no_surrogates(text))
    head, hashmark, fragment = text.partition("#")
    text = head + hashmark + fragment.replace("#", "%23")
    text = quote(text, safe=_URI_SAFE)
    if not _SCHEME.match(text):
        # A relative reference: a colon in its first segment would read as a scheme.
        cut = min((i for i in map(text.find, "/?#") if i >= 0), default=len(text))
        text = text[:cut].replace(":", "%3A") + text[cut:]
    return text
