"""Any two snapshots compared: added, removed, status, budget, schedule and score changes (tests/diff_data.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.snapshot_diff import snapshot_diff
from store import snapshot_diff as store_diff
from store.errors import SnapshotNotFound
from tests import diff_data


def _diff(con, reverse: bool = False):
    first, second = diff_data.write(con)
    a, b = (second, first) if reverse else (first, second)
    return snapshot_diff(store_diff.compare_projects(con, a, b), store_diff.strategic_scores(con, a),
                         store_diff.strategic_scores(con, b))


def test_every_kind_of_change(con):
    diff = _diff(con)
    table = diff.table.set_index("project_id")
    assert list(diff.table["project_id"]) == ["P4", "P3", "P1", "P2", "P5"]
    assert table["change"].to_dict() == {"P4": "added", "P3": "removed", "P1": "changed", "P2": "changed",
                                         "P5": "unchanged"}
    assert table.loc["P1", ["budget_change", "budget_change_pct", "slip_days", "finish_move_months"]].tolist() == \
        [20.0, 0.2, 15, 0]
    assert table.loc["P1", ["prev_score", "score", "score_change"]].tolist() == pytest.approx([60.0, 80.0, 20.0])
    assert table.loc["P2", ["prev_status", "status", "status_changed"]].tolist() == ["approved", "active", True]
    assert table.loc["P2", ["prev_planned_finish", "planned_finish", "finish_move_months"]].tolist() == \
        ["2026-06", "2026-07", 1]
    assert pd.isna(table.loc["P4", "prev_budget"]) and table.loc["P4", "budget"] == 30.0
    assert diff.counts == {"added": 1, "removed": 1, "changed": 2, "unchanged": 1, "status_changed": 1,
                           "budget_changed": 1, "schedule_changed": 2, "score_changed": 1}
    assert diff.budget_change_total == 20.0


def test_the_other_way_round(con):
    diff = _diff(con, reverse=True)
    table = diff.table.set_index("project_id")
    assert table.loc["P4", "change"] == "removed" and table.loc["P3", "change"] == "added"
    assert table.loc["P1", "budget_change"] == -20.0 and table.loc["P1", "slip_days"] == -15


def test_refusals(con):
    first, _ = diff_data.write(con)
    with pytest.raises(SnapshotNotFound):
        store_diff.compare_projects(con, first, 99)
    with pytest.raises(InvalidInput):
        snapshot_diff(pd.DataFrame({"project_id": []}))


# ----- the command line and the Delivery page --------------------------------------------------------------


@pytest.fixture
def diff_db(db_file, monkeypatch):
    from store import db

    con = db.connect(db_file)
    try:
        ids = diff_data.write(con)
    finally:
        con.close()
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    return db_file, ids


def test_cli_diff_json_and_text(diff_db, capsys):
    import json

    import cli

    path, (first, second) = diff_db
    assert cli.main(["diff", "--db", str(path), "--from", str(first), "--to", str(second), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["changed"] == 2 and report["budget_change_total"] == 20.0
    p1 = next(p for p in report["projects"] if p["project_id"] == "P1")
    assert (p1["budget_change"], p1["slip_days"], p1["forecast_finish"]) == (20.0, 15, "2026-07-15")
    assert cli.main(["diff", "--db", str(path), "--from", str(first), "--to", str(second), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "有变化  P2  CRM  已批准 → 进行中  计划完成移动（月） +1" in out
    assert cli.main(["diff", "--db", str(path), "--from", str(first), "--to", "99"]) == 2
    assert cli.main(["diff", "--db", str(path), "--from", str(first), "--to", str(first)]) == 2


def test_delivery_page_compares_two_snapshots_and_downloads_safe_files(diff_db, downloads):
    import csv
    import io

    from openpyxl import load_workbook

    from tests import delivery_data

    _, (first, second) = diff_db
    at = delivery_data.open_clean("views/delivery.py", "en", second)
    assert at.selectbox(key="diff.from").value == first and at.selectbox(key="diff.to").value == second
    table = next(d.value for d in at.dataframe if "Budget change" in d.value.columns)
    assert list(table["Project"]) == ["P4", "P3", "P1", "P2"]  # unchanged P5 hidden by default
    assert list(table["Change"]) == ["added", "removed", "changed", "changed"]
    assert table.set_index("Project").loc["P2", ["Status before", "Status after"]].tolist() == ["Approved", "Active"]
    name = "Snapshot comparison 2026-03 · 2026-03-31 to 2026-04 · 2026-04-30"
    rows = list(csv.reader(io.StringIO(downloads[f"{name}.csv"].decode("utf-8-sig"))))
    assert rows[0][:3] == ["Project", "Name", "Change"]
    assert rows[2][1] == "'=HYPERLINK(\"x\")"  # neutralised: a spreadsheet shows it as text
    sheet = load_workbook(io.BytesIO(downloads[f"{name}.xlsx"])).active
    assert sheet.cell(3, 2).value == "=HYPERLINK(\"x\")" and sheet.cell(3, 2).data_type == "s"
    at.selectbox(key="diff.from").set_value(second)
    delivery_data.rerun(at, second)
    assert "Choose two different snapshots." in [i.value for i in at.info]
