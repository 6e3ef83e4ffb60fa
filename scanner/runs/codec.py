"""Plain data (JSON report, store rows) back into the scan's types, and the parts reports lack."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sbom.model import Component, Hash, Location
from scanner.assess.acceptances import Acceptance, AcceptanceUse
from scanner.assess.model import Evidence, Finding
from scanner.assess.policy import Waiver, WaiverUse
from scanner.enrich.model import Fact, Provenance, SourceStatus
from scanner.pipeline import Stage

Data = Mapping[str, Any]


class DataError(ValueError):
    """Plain data that does not describe a scan result; the message names the field."""


def _known(cls: type, data: Data, what: str) -> dict[str, Any]:
    """The keys ``cls`` takes; newer keys (a later report version's extras) are left out."""
    if not isinstance(data, Mapping):
        raise DataError(f"{what}: expected an object, got {type(data).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _tuples(value: Any) -> Any:
    """JSON arrays back into the tuples the frozen types hold (nested ones too)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _build(cls: type, data: Data, what: str, **converted: Any) -> Any:
    try:
        known = {k: _tuples(v) for k, v in _known(cls, data, what).items()}
        return cls(**{**known, **converted})
    except TypeError as exc:  # a required field is missing
        raise DataError(f"{what}: {exc}") from None


def _locations(items: Any) -> tuple[tuple[str, int | None], ...]:
    return tuple((str(loc["path"]), loc.get("line")) for loc in items or ())


def component_data(c: Component) -> dict[str, Any]:
    """Every field of a component (the JSON report keeps fewer: no hashes, no download URLs)."""
    data = dataclasses.asdict(c)
    data["hashes"] = [{"alg": h.alg, "value": h.value} for h in c.hashes]
    data["resolved"], data["registries"] = list(c.resolved), list(c.registries)
    data["locations"] = [{"path": loc.path, "line": loc.line} for loc in c.locations]
    return data


def component_from(data: Data, what: str = "component") -> Component:
    """A component from ``component_data`` or a JSON report's component entry."""
    return _build(  # type: ignore[no-any-return]
        Component,
        data,
        what,
        hashes=tuple(Hash(h["alg"], h["value"]) for h in data.get("hashes") or ()),
        resolved=tuple(data.get("resolved") or ()),
        registries=tuple(data.get("registries") or ()),
        locations=tuple(Location(p, line) for p, line in _locations(data.get("locations"))),
    )


def fact_data(f: Fact) -> dict[str, Any]:
    """A fact as the JSON report writes it (attrs as an object)."""
    return {**dataclasses.asdict(f), "attrs": dict(f.attrs)}


def fact_from(data: Data, what: str = "fact") -> Fact:
    attrs = data.get("attrs") or {}
    return _build(Fact, data, what, attrs=tuple(sorted(attrs.items())))  # type: ignore[no-any-return]


def status_from(data: Data, what: str = "status") -> SourceStatus:
    return _build(SourceStatus, data, what)  # type: ignore[no-any-return]


def provenance_from(purl: str, data: Data, what: str = "provenance") -> Provenance:
    """``{"facts": [...], "statuses": [...]}`` as a component's provenance."""
    facts = tuple(fact_from(f, f"{what}.facts") for f in data.get("facts") or ())
    statuses = tuple(status_from(s, f"{what}.statuses") for s in data.get("statuses") or ())
    return Provenance(purl, facts, statuses)


def finding_from(data: Data, what: str = "finding") -> Finding:
    """A finding from ``report.common.finding_data`` (its ``id`` is derived, so dropped)."""
    evidence = tuple(_build(Evidence, e, f"{what}.evidence") for e in data.get("evidence") or ())
    return _build(  # type: ignore[no-any-return]
        Finding, data, what, evidence=evidence, locations=_locations(data.get("locations"))
    )


def waiver_use_data(u: WaiverUse) -> dict[str, Any]:
    """A waiver and how it fared, as the JSON report writes it."""
    return {
        **dataclasses.asdict(u.waiver),
        "state": u.state,
        "findings": u.findings,
        "note": u.note,
    }


def waiver_use_from(data: Data, what: str = "waiver") -> WaiverUse:
    waiver = _build(Waiver, data, what)
    return WaiverUse(
        waiver,
        str(data.get("state", "")),
        int(data.get("findings") or 0),
        str(data.get("note", "")),
    )


def acceptance_use_data(u: AcceptanceUse) -> dict[str, Any]:
    """An acceptance and how it fared, as the JSON report writes it."""
    return {**dataclasses.asdict(u.acceptance), "state": u.state, "findings": u.findings}


def acceptance_use_from(data: Data, what: str = "acceptance") -> AcceptanceUse:
    accepted = _build(Acceptance, data, what)
    return AcceptanceUse(accepted, str(data.get("state", "")), int(data.get("findings") or 0))


def stage_from(data: Data, what: str = "stage") -> Stage:
    return _build(Stage, data, what)  # type: ignore[no-any-return]
