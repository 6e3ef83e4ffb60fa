"""Sigstore verification of PEP 740 and npm attestations, loaded only when verification is asked for."""

from __future__ import annotations

import importlib
import json
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

# The libraries (pypi-attestations, sigstore: cryptography, pydantic, tuf...) are an optional
# extra. They are imported here, by name, only when a source asks for a verdict, so that a
# default scan and the pre-commit hook never pay for them.
INSTALL_HINT = "pip install 'icts-scan[verify]'"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITLAB_ISSUER = "https://gitlab.com"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Verdict:
    """Whether an attestation verified; ``detail`` says why not (``failed: …``, ``skipped: …``)."""

    verified: bool
    detail: str
    claims: tuple[tuple[str, str], ...] = ()
    """Fulcio certificate extensions (dotted OID → text) of a verified attestation."""
    transient: bool = False
    """This run could not verify (no library, no trust root): what rests on the verdict must
    not be kept for a later scan, which may well verify (scanner/enrich/memo.py)."""

    def claim(self, oid: str) -> str | None:
        """A certificate claim by its last OID arc (``"13"`` = Source Repository Digest)."""
        return dict(self.claims).get(f"1.3.6.1.4.1.57264.1.{oid}")


NOT_REQUESTED = Verdict(False, "not requested")


def requested(ctx: object) -> bool:
    """Whether this run asked for verification (``Context.verify``; off by default)."""
    return bool(getattr(ctx, "verify", False))


def refresh_wanted(ctx: object) -> bool:
    """Refresh Sigstore's trust root over TUF unless offline or told to use the local copy."""
    return not (getattr(ctx, "offline", False) or getattr(ctx, "verify_offline", False))


def _import(name: str) -> Any:
    """Import an optional module (tests replace this to simulate a missing or fake library)."""
    return importlib.import_module(name)


class _TrustRoot:
    """Prepares Sigstore's trust root once per process and remembers why it could not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._problems: dict[bool, str] = {}

    def problem(self, verifier_cls: Any, refresh: bool) -> str:
        """Empty when ready; else why not. Later verifications read the prepared local copy."""
        with self._lock:
            if refresh not in self._problems:
                try:
                    # Refreshing contacts Sigstore's TUF repository (not in the endpoint table);
                    # without refresh, the root cached by an earlier refresh or shipped with
                    # sigstore is used.
                    verifier_cls.production(offline=not refresh)
                    self._problems[refresh] = ""
                except Exception as exc:  # network, TUF metadata, disk: all mean "not verified"
                    how = "could not be refreshed (TUF)" if refresh else "has no usable local copy"
                    self._problems[refresh] = f"Sigstore trust root {how}: {_why(exc)}"
            return self._problems[refresh]

    def clear(self) -> None:
        with self._lock:
            self._problems.clear()


TRUST = _TrustRoot()


def _why(exc: BaseException) -> str:
    """An exception as one bounded line (pydantic errors span many)."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]


def _libraries(*names: str) -> list[Any] | Verdict:
    try:
        modules = [_import(name) for name in names]
    except ImportError as exc:
        why = f"skipped: {exc.name or 'a library'} is not installed ({INSTALL_HINT})"
        return Verdict(False, why, transient=True)
    except Exception as exc:  # a broken install is a reason to skip, not to crash the source
        why = f"skipped: the verification libraries failed to load: {_why(exc)}"
        return Verdict(False, why, transient=True)
    # sigstore warns on every offline trust-root load; the warning is expected here.
    logging.getLogger("sigstore._internal.tuf").setLevel(logging.ERROR)
    return modules


def pypi_bundle(bundle: Mapping[str, Any], filename: str, sha256: object, refresh: bool) -> Verdict:
    """Verify every attestation of one PEP 740 bundle against its publisher and the file digest.

    The digest is the JSON API's ``digests.sha256``, so a success binds the publisher to the
    exact bytes PyPI serves; it proves the publisher identity, not who controls that account.
    """
    loaded = _libraries("pypi_attestations", "sigstore.verify")
    if isinstance(loaded, Verdict):
        return loaded
    attestations, sigstore_verify = loaded
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        return Verdict(False, "skipped: no sha256 digest for the file in the JSON API")
    problem = TRUST.problem(sigstore_verify.Verifier, refresh)
    if problem:
        return Verdict(False, f"skipped: {problem}", transient=True)
    claims: dict[str, str] = {}
    try:
        model = attestations.AttestationBundle.model_validate(dict(bundle))
        dist = attestations.Distribution(name=filename, digest=sha256)
        if not model.attestations:
            return Verdict(False, "failed: the bundle holds no attestation")
        for attestation in model.attestations:
            attestation.verify(model.publisher, dist, offline=True)
            claims.update(attestation.certificate_claims)
    except Exception as exc:  # any failure, including a library bug, leaves the fact unsigned
        return Verdict(False, f"failed: {_why(exc)}")
    return Verdict(True, "verified", tuple(sorted(claims.items())))


def npm_bundle(
    bundle: Mapping[str, Any],
    *,
    purl: str,
    sha512_hex: str | None,
    repository: str,
    build_config: str | None,
    refresh: bool,
) -> Verdict:
    """Verify an npm SLSA provenance bundle: signer identity, then subject name and digest.

    The certificate must come from the CI issuer of ``repository``'s host and name that
    repository (and, on GitHub, the workflow ``build_config``); the signed statement must be
    about ``purl`` with the registry's ``dist.integrity`` digest.
    """
    issuer = {"github.com": GITHUB_ISSUER, "gitlab.com": GITLAB_ISSUER}.get(
        repository.split("/")[2] if repository.count("/") >= 3 else ""
    )
    if issuer is None:
        return Verdict(False, f"skipped: no known Sigstore issuer for {repository[:200]}")
    if not sha512_hex:
        return Verdict(False, "skipped: the packument gives no sha512 dist.integrity")
    loaded = _libraries("sigstore.models", "sigstore.verify", "sigstore.verify.policy")
    if isinstance(loaded, Verdict):
        return loaded
    models, sigstore_verify, policy = loaded
    problem = TRUST.problem(sigstore_verify.Verifier, refresh)
    if problem:
        return Verdict(False, f"skipped: {problem}", transient=True)
    rules = [policy.OIDCIssuerV2(issuer), policy.OIDCSourceRepositoryURI(repository)]
    if build_config and issuer == GITHUB_ISSUER:
        rules.append(policy.OIDCBuildConfigURI(build_config))
    try:
        parsed = models.Bundle.from_json(json.dumps(dict(bundle)))
        verifier = sigstore_verify.Verifier.production(offline=True)
        _, payload = verifier.verify_dsse(parsed, policy.AllOf(rules))
        statement = json.loads(payload)
        subjects = statement.get("subject") if isinstance(statement, dict) else None
        ok = any(
            isinstance(s, dict)
            and unquote(str(s.get("name"))) == unquote(purl)
            and isinstance(s.get("digest"), dict)
            and s["digest"].get("sha512") == sha512_hex
            for s in subjects or ()
        )
        if not ok:
            return Verdict(False, "failed: the statement's subject is not this package's tarball")
    except Exception as exc:  # any failure, including a library bug, leaves the fact unsigned
        return Verdict(False, f"failed: {_why(exc)}")
    return Verdict(True, "verified")
