"""Digest normalization: SRI strings, ``alg:hex`` pairs and base64 to CycloneDX Hash records."""

from __future__ import annotations

import base64
import binascii
import re

from sbom.model import Hash

# CycloneDX algorithm names, keyed by the spellings lockfiles use.
ALGORITHMS: dict[str, str] = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha-1": "SHA-1",
    "sha256": "SHA-256",
    "sha-256": "SHA-256",
    "sha384": "SHA-384",
    "sha-384": "SHA-384",
    "sha512": "SHA-512",
    "sha-512": "SHA-512",
    "sha3-256": "SHA3-256",
    "sha3-512": "SHA3-512",
    "blake2b256": "BLAKE2b-256",
    "blake2b-256": "BLAKE2b-256",
    "blake3": "BLAKE3",
}

_HEX = re.compile(r"[0-9a-f]+")
_HEX_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128}


def from_hex(alg: str, value: str) -> Hash | None:
    """A Hash from an algorithm name and hex digest; None if either is not recognized."""
    name = ALGORITHMS.get(alg.lower())
    value = value.strip().lower()
    if name is None or not value:
        return None
    expected = _HEX_LENGTHS.get(name)
    if expected is not None and len(value) != expected:
        return None
    if not _HEX.fullmatch(value):
        return None
    return Hash(name, value)


def from_pair(text: str, sep: str = ":") -> Hash | None:
    """``sha256:abcd…`` or ``sha256=abcd…`` → Hash."""
    alg, found, value = text.partition(sep)
    return from_hex(alg, value) if found else None


def from_sri(integrity: str) -> tuple[Hash, ...]:
    """Subresource-integrity string (``sha512-<base64> sha1-<base64>``) → Hashes."""
    out: list[Hash] = []
    for part in integrity.split():
        alg, found, b64 = part.partition("-")
        if not found:
            continue
        try:
            raw = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            continue
        h = from_hex(alg, raw.hex())
        if h is not None:
            out.append(h)
    return tuple(out)


def from_base64(alg: str, b64: str) -> Hash | None:
    """A base64 digest (NuGet contentHash, go.sum h1:) → Hash."""
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return None
    return from_hex(alg, raw.hex())
