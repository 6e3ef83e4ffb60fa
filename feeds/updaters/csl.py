"""Parse the U.S. Consolidated Screening List download (JSON or CSV) into normalized parties."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from feeds.errors import CslFormatError
from feeds.names import normalize

CSL_JSON_URL = (
    "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json"
)
CSL_CSV_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
# The documented CSV header (research/apis.md §11); every one must be present.
CSV_COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
)  # fmt: skip
# Individuals, vessels and aircraft are left out: the feed holds organizations only, and a
# person's listing must never become a name-matching rule for maintainers.
KEPT_TYPES = frozenset({None, "", "Entity"})
# Free-text country spellings seen in CSL address fields (OpenSanctions keeps the same mapping).
COUNTRY_NAMES = {
    "china": "CN", "china prc": "CN", "peoples republic of china": "CN",
    "peoples republic of china prc": "CN", "prc": "CN", "hong kong": "HK", "macau": "MO",
    "macao": "MO", "russia": "RU", "russian federation": "RU", "iran": "IR",
    "islamic republic of iran": "IR", "north korea": "KP", "north korea dprk": "KP",
    "korea north": "KP", "democratic peoples republic of korea": "KP", "cuba": "CU",
    "venezuela": "VE", "crimea occupied": "UA",
}  # fmt: skip
# Share of records that may lack a name or list before the whole download counts as malformed.
MAX_BAD_SHARE = 0.01
_LIST_CODE = re.compile(r"\(([A-Z][A-Z0-9-]*)(?: List)?\)")


@dataclass(frozen=True)
class ParsedCsl:
    """A raw download, decoded: format, all rows as dicts, rows skipped for lack of name/list."""

    format: str
    rows: list[dict[str, Any]]
    skipped: int


def parse(raw: bytes) -> ParsedCsl:
    """Decode the raw file; anything not in the documented JSON or CSV shape raises CslFormatError."""
    if not raw.strip():
        raise CslFormatError("the download is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CslFormatError(f"the download is not UTF-8 (byte {exc.start})") from None
    if text.lstrip().startswith("{"):
        fmt, rows = "json", _json_rows(text)
    else:
        fmt, rows = "csv", _csv_rows(text)
    if not rows:
        raise CslFormatError("the download holds no records")
    good = [
        r
        for r in rows
        if isinstance(r.get("name"), str) and r["name"].strip() and isinstance(r.get("source"), str)
    ]
    skipped = len(rows) - len(good)
    if skipped > MAX_BAD_SHARE * len(rows):
        raise CslFormatError(f"{skipped} of {len(rows)} records lack a name or source list")
    return ParsedCsl(fmt, good, skipped)


def _json_rows(text: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CslFormatError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, list):
        raise CslFormatError('expected a JSON object with a "results" list')
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            raise CslFormatError(f"results[{i}] is not an object")
    return results


def _csv_rows(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CslFormatError(f"not a CSL CSV: missing columns {', '.join(missing[:5])}")
    rows = []
    try:
        for row in reader:
            if None in row:  # more cells than header columns: a broken row
                raise CslFormatError(f"line {reader.line_num}: more cells than columns")
            rows.append(_csv_record(row))
    except csv.Error as exc:
        raise CslFormatError(f"invalid CSV at line {reader.line_num}: {exc}") from None
    return rows


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def _csv_record(row: dict[str, str]) -> dict[str, Any]:
    # The CSV joins list cells with "; "; an address is "street, city, state, postal, COUNTRY".
    addresses = []
    for text in _split(row.get("addresses")):
        parts = [p.strip() for p in text.split(",")]
        addresses.append(
            {"address": text, "city": parts[-4] if len(parts) >= 4 else None, "country": parts[-1]}
        )
    return {
        "id": row.get("_id"),
        "source": row.get("source"),
        "type": row.get("type") or None,
        "name": row.get("name"),
        "alt_names": _split(row.get("alt_names")),
        "addresses": addresses,
        "programs": _split(row.get("programs")),
        "federal_register_notice": row.get("federal_register_notice") or None,
        "start_date": row.get("start_date") or None,
        "end_date": row.get("end_date") or None,
        "source_information_url": row.get("source_information_url") or None,
    }


def country_code(value: Any) -> str | None:
    """ISO alpha-2 from a CSL country value: a code ("CN") or free text ("China (PRC)")."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_NAMES.get(normalize(text))


def list_code(source: str) -> str:
    """``Entity List (EL) - Bureau of Industry and Security`` → ``EL``."""
    found = _LIST_CODE.search(source)
    if found:
        return found.group(1)
    return re.sub(r"[^A-Z]+", "-", source.upper()).strip("-")[:20] or "OTHER"


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    # An alt_names item may itself hold several names joined with "; ".
    return [
        n.strip() for item in items if isinstance(item, str) for n in item.split("; ") if n.strip()
    ]


def _clean_name(name: str, source_list_url: Any) -> str:
    name = name.replace("and any successor, sub-unit, or subsidiary thereof", "").strip(" ,")
    if isinstance(source_list_url, str) and "bis.doc.gov" in source_list_url:
        name = name.replace("?s ", "'s ")  # BIS rows carry "?" for a lost apostrophe
    return " ".join(name.split())


def _date(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    return None


def normalize_party(row: dict[str, Any], jurisdictions: Iterable[str]) -> dict[str, Any] | None:
    """A snapshot record for a row whose addresses lie in ``jurisdictions``, else None."""
    if row.get("type") not in KEPT_TYPES:
        return None
    addresses = []
    for a in row.get("addresses") or []:
        code = country_code(a.get("country")) if isinstance(a, dict) else None
        if code:
            city = a.get("city")
            addresses.append(
                {"city": city.strip(), "country": code}
                if isinstance(city, str) and city.strip()
                else {"country": code}
            )
    countries = sorted({a["country"] for a in addresses})
    if not set(countries).intersection(jurisdictions):
        return None
    source = row["source"].strip()
    name = _clean_name(row["name"], row.get("source_list_url"))
    alt = [n for n in dict.fromkeys(_names(row.get("alt_names"))) if n != name]
    fr = row.get("federal_register_notice")
    url = row.get("source_information_url")
    return {
        "id": str(row.get("id") or row.get("_id") or row.get("entity_number") or name),
        "list": list_code(source),
        "source": source,
        "type": row.get("type") or None,
        "name": name,
        "alt_names": alt,
        "countries": countries,
        "addresses": addresses,
        "programs": [p for p in row.get("programs") or [] if isinstance(p, str)],
        "federal_register_notice": fr.strip() if isinstance(fr, str) and fr.strip() else None,
        "start_date": _date(row.get("start_date")),
        "end_date": _date(row.get("end_date")),
        "source_information_url": url if isinstance(url, str) and url else None,
    }
