"""`python cli.py kpis`: JSON figures pinned on the two-snapshot portfolio, text table, refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from store import db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def built(db_file, delivery_ids):
    return db_file, delivery_ids


def test_json_latest_snapshot(built, capsys):
    path, ids = built
    assert cli.main(["kpis", "--db", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["snapshot"]["snapshot_id"] == ids["2026-03"]
    p = report["portfolio"]
    assert (p["pv"], p["ev"], p["ac"], p["bac"]) == (240, 232, 240, 530)
    assert p["cpi"] == pytest.approx(232 / 240) and p["spi"] == pytest.approx(232 / 240)
    # Closed work (P4, P5 completed) has nothing left: its EAC is its AC, 130 + 25. The work in flight
    # (P1, P2, P3: PV 90, EV 82, AC 85, BAC 380) is forecast at its own CPI 82/85.
    assert p["eac"] == pytest.approx(130 + 25 + 85 + (380 - 82) / (82 / 85))
    assert p["etc"] == pytest.approx((380 - 82) / (82 / 85))
    assert p["tcpi"] == pytest.approx((380 - 82) / (380 - 85))
    assert p["vac"] == pytest.approx(530 - (130 + 25 + 85 + (380 - 82) / (82 / 85)))
    assert (p["closed_count"], p["closed_unreported_count"]) == (2, 0)
    assert p["milestone_hit_rate"] == pytest.approx(0.8)
    # one health count, in flight only, as the pages show it: P1 critical, P2 healthy, P3 watch
    assert p["health"] == {"healthy": 1, "watch": 1, "critical": 1}
    projects = {row["project_id"]: row for row in report["projects"]}
    assert list(projects) == ["P1", "P2", "P3", "P4", "P5"]
    p1 = projects["P1"]
    assert {k: p1[k] for k in ("pv", "ev", "ac", "bac")} == {"pv": 50, "ev": 40, "ac": 45, "bac": 100}
    assert p1["spi"] == pytest.approx(0.8) and p1["cpi"] == pytest.approx(40 / 45)
    assert p1["eac"] == pytest.approx(45 + 60 / (40 / 45))
    assert p1["health"] == "critical" and p1["reasons"][0] == "spi_low"
    p3 = projects["P3"]   # active without a report: nulls, on watch
    assert (p3["pv"], p3["spi"], p3["cpi"], p3["eac"], p3["health"]) == (None, None, None, None, "watch")
    assert projects["P4"]["health"] == "watch"   # completed over budget: CPI 0.92
    # completed: nothing left to do
    assert (projects["P4"]["eac"], projects["P4"]["etc"], projects["P4"]["tcpi"]) == (130, 0, None)
    assert projects["P2"]["health"] == "healthy"


def test_json_chosen_snapshot_and_method(built, capsys):
    path, ids = built
    assert cli.main(["kpis", "--db", str(path), "--snapshot", str(ids["2026-02"]), "--eac-method", "budget", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["eac_method"] == "budget"
    assert report["portfolio"]["eac"] == pytest.approx(201 + 320 - 198)
    assert [r["project_id"] for r in report["projects"]] == ["P1", "P2", "P4", "P5"]


def test_text_table_in_chinese(built, capsys):
    path, _ = built
    assert cli.main(["kpis", "--db", str(path), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "快照 2026-03" in out and "严重" in out and "P3" in out


def test_subprocess_run(built):
    path, _ = built
    done = subprocess.run([sys.executable, "cli.py", "kpis", "--db", str(path), "--json"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["portfolio"]["bac"] == 530


def test_missing_database_refused(tmp_path, capsys):
    assert cli.main(["kpis", "--db", str(tmp_path / "none.duckdb"), "--json"]) == 2
    assert "No database file" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_unknown_snapshot_refused(built, capsys):
    path, _ = built
    assert cli.main(["kpis", "--db", str(path), "--snapshot", "99", "--json"]) == 2
    assert "99" in capsys.readouterr().err


def test_empty_database_refused(db_file, capsys):
    db.connect(db_file).close()
    assert cli.main(["kpis", "--db", str(db_file)]) == 2
    assert "no snapshot" in capsys.readouterr().err
