"""The Consolidated Screening List updater, on saved raw files in the documented format."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import feeds
from feeds.errors import CslFormatError
from feeds.manifest import MANIFEST
from feeds.updaters import csl, snapshot

from .conftest import CSL_EDGE, CSL_SAMPLE, CSL_SAMPLE_CSV

WHEN = dt.datetime(2026, 11, 28, 5, 0, tzinfo=dt.timezone.utc)
COUNTRIES = ["CN", "CU", "HK", "IR", "KP", "MO", "RU", "VE"]


def build(raw: bytes) -> dict[str, Any]:
    return snapshot.build_snapshot(raw, source_url="test", retrieved=WHEN, jurisdictions=COUNTRIES)


def test_sample_keeps_parties_in_profile_jurisdictions() -> None:
    raw = CSL_SAMPLE.read_bytes()
    doc = build(raw)
    meta = doc["meta"]
    assert meta == {
        "source_url": "test",
        "retrieved": "2026-11-28T05:00:00Z",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "raw_bytes": len(raw),
        "raw_format": "json",
        "raw_records": 11,
        "records": 9,
        "jurisdictions": COUNTRIES,
        "complete": True,
    }
    records = doc["records"]
    assert isinstance(records, list)
    names = {r["name"] for r in records}
    assert "Kaspersky Labs Limited" not in names  # United Kingdom
    assert "Test Flying Academy of South Africa" not in names
    huawei = next(r for r in records if r["name"] == "Huawei Technologies Co., Ltd.")
    assert huawei["list"] == "EL" and huawei["countries"] == ["CN"]
    assert (huawei["federal_register_notice"], huawei["start_date"]) == (
        "84 FR 22961",
        "2019-05-16",
    )
    assert huawei["addresses"] == [{"city": "Shenzhen", "country": "CN"}]
    pdvsa = next(r for r in records if r["name"] == "PETROLEOS DE VENEZUELA, S.A.")
    assert (pdvsa["list"], pdvsa["programs"], pdvsa["alt_names"]) == (
        "SDN",
        ["VENEZUELA-EO13850"],
        ["PDVSA"],
    )


def test_csv_download_gives_the_same_parties() -> None:
    from_json = build(CSL_SAMPLE.read_bytes())["records"]
    from_csv = build(CSL_SAMPLE_CSV.read_bytes())["records"]
    assert isinstance(from_json, list) and isinstance(from_csv, list)
    key = [
        (r["id"], r["list"], r["name"], r["countries"], r["start_date"], r["alt_names"])
        for r in from_json
    ]
    assert key == [
        (r["id"], r["list"], r["name"], r["countries"], r["start_date"], r["alt_names"])
        for r in from_csv
    ]


def test_normalization_edge_cases() -> None:
    records = build(CSL_EDGE.read_bytes())["records"]
    assert isinstance(records, list)
    by_id = {r["id"]: r for r in records}
    optics = by_id["sample-01"]
    assert optics["name"] == "Example's Optics Co., Ltd."  # BIS "?" apostrophe and successor clause
    assert optics["alt_names"] == [
        "Example Optics",
        "Example Photonics",
    ]  # "; "-joined aliases split
    assert optics["countries"] == ["CN"]  # free-text "China (PRC)"
    assert by_id["sample-02"]["countries"] == ["HK"]
    assert by_id["sample-05"]["start_date"] is None  # not a date: dropped, not guessed
    assert (
        "sample-03" not in by_id and "sample-04" not in by_id
    )  # individuals and vessels are left out
    assert "sample-06" not in by_id  # Germany


def test_list_codes_and_countries() -> None:
    assert csl.list_code("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert csl.list_code("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"
    assert (
        csl.list_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department")
        == "NS-MBS"
    )
    assert csl.country_code("north korea (dprk)") == "KP"
    assert csl.country_code("ru") == "RU"
    assert csl.country_code("Atlantis") is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"<html>Service Unavailable</html>", "missing columns"),
        (b'{"results": [', "invalid JSON"),
        (b'{"data": []}', '"results" list'),
        (b'{"results": "nope"}', '"results" list'),
        (b'{"results": []}', "no records"),
        (b'{"results": [1, 2]}', "is not an object"),
        (b'{"results": [{"source": "Entity List (EL)"}]}', "lack a name"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_malformed_downloads_are_rejected(raw: bytes, message: str) -> None:
    with pytest.raises(CslFormatError, match=message.replace("(", r"\(")):
        build(raw)


def test_truncated_csv_is_rejected() -> None:
    text = CSL_SAMPLE_CSV.read_text(encoding="utf-8")
    broken = text.splitlines()[0] + "\n" + "x," * 40 + "\n"
    with pytest.raises(CslFormatError, match="more cells than columns"):
        build(broken.encode())


def test_update_replaces_snapshot_and_rehashes(data_copy: Path) -> None:
    result = snapshot.update(
        data_copy,
        CSL_SAMPLE.read_bytes(),
        source_url="sample",
        retrieved=WHEN,
        complete=False,
        note="sample",
    )
    assert (result.records, result.raw_records) == (9, 11)
    fs = feeds.load(data_copy)
    assert (
        fs.csl is not None and fs.csl.meta.source_url == "sample" and fs.csl.meta.complete is False
    )
    assert [p.name for p, _ in fs.screen("AO Kaspersky Lab")] == ["AO Kaspersky Lab"]


def test_malformed_update_keeps_previous_snapshot(data_copy: Path) -> None:
    before = (data_copy / snapshot.SNAPSHOT).read_bytes(), (data_copy / MANIFEST).read_bytes()
    with pytest.raises(CslFormatError):
        snapshot.update(data_copy, b'{"results": "truncated', source_url="bad", retrieved=WHEN)
    assert (
        (data_copy / snapshot.SNAPSHOT).read_bytes(),
        (data_copy / MANIFEST).read_bytes(),
    ) == before
    assert not [
        p for p in (data_copy / "csl").iterdir() if p.name.startswith(".")
    ]  # no temp files left
    feeds.load(data_copy)


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes, dict[str, str]]]] = {}

    def do_GET(self) -> None:
        status, body, headers = self.routes.get(self.path, (404, b"not found", {}))
        self.send_response(status)
        for k, v in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetch_from_loopback(server: str) -> None:
    body = CSL_SAMPLE.read_bytes()
    _Handler.routes = {
        "/consolidated.json": (200, body, {}),
        "/short.json": (200, body[:100], {"Content-Length": str(len(body))}),
        "/error.json": (503, b"busy", {}),
    }
    assert snapshot.fetch(f"{server}/consolidated.json", timeout=5) == body
    with pytest.raises(CslFormatError, match="download failed"):
        snapshot.fetch(f"{server}/error.json", timeout=5)
    with pytest.raises(CslFormatError, match="larger than"):
        snapshot.fetch(f"{server}/consolidated.json", timeout=5, max_bytes=100)
    with pytest.raises(CslFormatError, match="not an http"):
        snapshot.fetch("file:///etc/passwd")


def test_fetch_detects_truncation(server: str) -> None:
    body = CSL_SAMPLE.read_bytes()

    class Short(_Handler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:50])
            self.wfile.flush()
            self.close_connection = True

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Short)
    thread = threading.Thread(target=httpd.handle_request, daemon=True)
    thread.start()
    try:
        with pytest.raises(CslFormatError):
            snapshot.fetch(f"http://127.0.0.1:{httpd.server_address[1]}/x", timeout=5)
    finally:
        thread.join(5)
        httpd.server_close()


def test_sample_fixture_is_the_documented_format() -> None:
    doc = json.loads(CSL_SAMPLE.read_text(encoding="utf-8"))
    documented = {
        "id", "source", "entity_number", "type", "programs", "name", "title", "alt_names", "addresses",
        "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
        "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag",
        "vessel_owner", "remarks", "source_list_url", "source_information_url", "citizenships", "dates_of_birth",
        "nationalities", "places_of_birth", "ids",
    }  # fmt: skip
    for record in doc["results"]:
        assert set(record) == documented
        assert set(record["addresses"][0]) == {"address", "city", "state", "postal_code", "country"}
    header = CSL_SAMPLE_CSV.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == csl.CSV_COLUMNS
