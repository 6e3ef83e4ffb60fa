"""Reading the ways registries write people: ``Name <email> (url)``, objects, e-mail lists."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

_HUMAN = re.compile(
    r"^\s*(?P<name>[^<(]*?)\s*(?:<(?P<email>[^>]*)>)?\s*(?:\((?P<url>[^)]*)\))?\s*$"
)
_EMAIL = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")


class Person(NamedTuple):
    """A person or account as a registry document declares it."""

    name: str | None
    email: str | None
    url: str | None


def person(value: Any) -> Person | None:
    """npm/composer style: ``{"name", "email", "url"}`` or ``"Name <email> (url)"``."""
    if isinstance(value, dict):
        fields = [value.get(k) for k in ("name", "email", "url")]
        name, email, url = (f.strip() if isinstance(f, str) and f.strip() else None for f in fields)
        return Person(name, email, url) if (name or email or url) else None
    if isinstance(value, str) and value.strip():
        m = _HUMAN.match(value[:1000])
        if m is None:
            return Person(value.strip()[:200], None, None)
        name, email, url = (m.group(k) or None for k in ("name", "email", "url"))
        return Person(name.strip() if name else None, email, url)
    return None


def emails(text: Any) -> list[str]:
    """Every e-mail address in a free-text field (``"A <a@x.org>, b@y.com"``)."""
    if not isinstance(text, str):
        return []
    return _EMAIL.findall(text[:5000])


def names_from_list(text: Any) -> list[str]:
    """Names from ``"A <a@x>, B <b@y>"``: the text before each address, comma-separated."""
    if not isinstance(text, str):
        return []
    out = []
    for part in text[:5000].split(","):
        name = part.split("<", 1)[0].strip().strip('"')
        if name and "@" not in name:
            out.append(name)
    return out
