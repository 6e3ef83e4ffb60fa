"""``icts-scan feeds``: verify, list, show, stats, update, through scanner.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

from .conftest import CSL_SAMPLE, edit_json


def test_verify_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "feed version " in out


def test_verify_reports_problems_and_exits_1(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_json(data_copy, "profiles.json", lambda doc: doc["records"][0].update(colour="red"))
    assert main(["feeds", "--data-dir", str(data_copy), "verify"]) == 1
    out = capsys.readouterr().out
    assert "error: profiles.json: record 'icts' (#1): field colour: unknown key" in out
    assert out.rstrip().endswith("1 problem(s)")


def test_rehash_accepts_a_reviewed_edit(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_json(
        data_copy,
        "profiles.json",
        lambda doc: doc["records"][0].update(title="Reviewed"),
        rehash_after=False,
    )
    assert main(["feeds", "--data-dir", str(data_copy), "verify"]) == 1
    assert main(["feeds", "--data-dir", str(data_copy), "verify", "--rehash"]) == 0
    assert main(["feeds", "--data-dir", str(data_copy), "verify"]) == 0
    assert "rewrote" in capsys.readouterr().out


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "list", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    records = {r["id"]: r for r in doc["entities"]}
    assert len(records) >= 150 and "nebius" not in records
    riot = records["riot-games"]
    assert riot["parents"] == ["tencent"]
    assert riot["linked"] == {
        "link": "ownership",
        "jurisdiction": "CN",
        "via": "tencent",
        "verified": True,
        "profile": "icts",
    }
    assert {"kind", "value", "src"} <= set(riot["identifiers"][0])
    assert all(s["url"].startswith("http") for s in riot["sources"])
    assert any(li["list"] == "DOD-1260H" and li["entity"] == "tencent" for li in riot["listings"])


def test_list_text_and_negative_controls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "list"]) == 0
    assert (
        "riot-games\tRiot Games, Inc.\tUS\townership CN via tencent\tparents: tencent"
        in capsys.readouterr().out
    )
    assert main(["feeds", "list", "--negative-controls"]) == 0
    out = capsys.readouterr().out
    assert "jetbrains\tJetBrains s.r.o.\tCZ\tnot linked" in out
    assert main(["feeds", "list", "--profile", "nope"]) == 2


def test_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "show", "kaspersky-lab-inc"]) == 0
    out = capsys.readouterr().out
    assert "parent: kaspersky-ao (AO Kaspersky Lab, RU)" in out
    assert "PROHIBITION: Final Determination: Kaspersky Lab, Inc. (89 FR 52434" in out
    assert "source S-lg-fr-2024-13532: https://www.federalregister.gov/d/2024-13532" in out
    assert main(["feeds", "show", "riot-games", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "riot-games"
    assert main(["feeds", "show", "npmmirror"]) == 0
    assert json.loads(capsys.readouterr().out)["operator"] == "cnpm"
    assert main(["feeds", "show", "no-such-id"]) == 2
    assert "no entity or record with id 'no-such-id'" in capsys.readouterr().err


def test_show_names_a_familys_exclusions_and_identifier_dates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["feeds", "show", "tencent-cloud"]) == 0
    out = capsys.readouterr().out
    assert "tencentcloud-sdk-python* excluding tencentcloud-sdk-python-ctrip" in out
    assert main(["feeds", "show", "tencent-cloud", "--format", "json"]) == 0
    idents = json.loads(capsys.readouterr().out)["identifiers"]
    [family] = [i for i in idents if i["value"] == "tencentcloud-sdk-python*"]
    assert family["excludes"] == ["tencentcloud-sdk-python-ctrip"]
    # A namespace that changed hands says when: Alibaba's groupId until the donation.
    assert main(["feeds", "show", "apache-rocketmq"]) == 0
    assert "maven_group_prefix: com.alibaba.rocketmq until 2016-11" in capsys.readouterr().out


def test_stats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "stats", "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entities"] >= 150
    assert stats["coverage"]["entities >= 150"] is True
    assert stats["facts"] == stats["facts_verified"] + stats["facts_unverified"]
    assert stats["csl"]["complete"] is False
    assert main(["feeds", "stats"]) == 0
    assert "identifiers_by_kind:" in capsys.readouterr().out


def test_update_from_file(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "feeds",
        "--data-dir",
        str(data_copy),
        "update",
        "--from",
        str(CSL_SAMPLE),
        "--sample",
        "test sample",
    ]
    assert main(args) == 0
    assert "9 parties in profile jurisdictions (of 11 raw records)" in capsys.readouterr().out
    assert main(["feeds", "--data-dir", str(data_copy), "verify"]) == 0


def test_update_rejects_malformed_and_keeps_snapshot(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "consolidated.json"
    bad.write_text('{"results": [{"name": 1}]}', encoding="utf-8")
    snapshot = data_copy / "csl" / "snapshot.json"
    before = snapshot.read_bytes()
    assert main(["feeds", "--data-dir", str(data_copy), "update", "--from", str(bad)]) == 1
    assert "CSL update rejected, previous snapshot kept" in capsys.readouterr().err
    assert snapshot.read_bytes() == before
    assert (
        main(
            [
                "feeds",
                "--data-dir",
                str(data_copy),
                "update",
                "--from",
                str(tmp_path / "missing.json"),
            ]
        )
        == 2
    )


def test_feeds_without_subcommand_is_usage_error() -> None:
    assert main(["feeds"]) == 2
