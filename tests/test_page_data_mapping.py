"""AppTest of the Data page's mapping step: an unrecognised export is mapped (best guesses
preselected), saved as a profile and imported; next month's file with the same headers is mapped by
the profile and imports with one click. Both languages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import db, decision_log, mapping_profiles
from store.mapping import from_toml
from tests.markdown_text import shown

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).resolve().parent / "resources" / "mapping"
HEADER = "Investment ID,Investment Title,Owning Bureau,Approved Cost (k$),Expected Savings (k$),Start Date,Planned Finish,Actual Finish,Lifecycle Phase"
MARCH = "\n".join([
    HEADER,
    "INV-001,Payroll,Finance,1200,300,2011-01-10T00:00:00,2012-06-30T00:00:00,2012-05-31T00:00:00,Closed",
    "INV-002,Grants,Programs,800.5,0,2025-11-03T00:00:00,2026-09-30T00:00:00,,Ongoing",
    "",
]).encode()
# Next month: the same headers in another order and case, other rows.
APRIL = "\n".join([
    "investment title,Investment ID,Owning Bureau,Approved Cost (k$),Expected Savings (k$),Start Date,Planned Finish,"
    "Actual Finish,LIFECYCLE PHASE",
    "Grants,INV-002,Programs,800.5,0,2025-11-03T00:00:00,2026-09-30T00:00:00,,Ongoing",
    "Archive,INV-005,Finance,75,10,2026-04-15T00:00:00,2026-10-31T00:00:00,,Ongoing",
    "Portal,INV-006,IT,90,5,2026-02-01T00:00:00,2026-03-31T00:00:00,2026-03-31T00:00:00,Closed",
    "",
]).encode()


@pytest.fixture
def app(data_page):
    return data_page  # conftest: the Data page through the router


def _by_key_end(widgets, end: str):
    (found,) = [w for w in widgets if w.key and w.key.endswith(end)]
    return found


def _select(at: AppTest, column: str):
    return _by_key_end(at.selectbox, f"_projects_{column}")


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception


def _texts(elements) -> list[str]:
    return [shown(e.value) for e in elements]


def test_map_save_import_then_next_month_in_one_click(app, db_file):
    at = app("en")
    _upload(at, "Investments_2026-03.csv", MARCH)
    assert "Map the columns of Investments_2026-03.csv" in _texts(at.subheader)
    assert "Closest is Projects" in " ".join(shown(str(v)) for d in at.dataframe for v in d.value.to_numpy().ravel())
    assert at.button(key="data_import").disabled
    # Best guesses, preselected, with their confidence.
    assert _select(at, "project_id").value == "Investment ID"
    assert _select(at, "budget").value == "Approved Cost (k$)"
    assert _select(at, "duration_months").value == "__months_between__"
    assert "Best guess (80% sure)" in _texts(at.caption)
    # A required column left unmapped is named in red.
    _select(at, "start_month").set_value("__not_mapped__").run()
    assert any("Required columns still unmapped: start_month (开始月份)" in shown(m.value) and m.value.startswith(":red[") for m in at.markdown)
    _select(at, "start_month").set_value("Start Date").run()
    # Status from the dates instead of the file's phase column.
    _select(at, "status").set_value("__from_dates__").run()
    assert _by_key_end(at.selectbox, "_projects_status_finish").value == "Actual Finish"
    assert "Every required column is mapped." in _texts(at.success)
    preview = at.dataframe[-1].value
    assert list(preview["duration_months"]) == [18, 11] and list(preview["status"]) == ["completed", "active"]

    _by_key_end(at.text_input, "_profile").set_value("Investments export")
    _by_key_end(at.button, "_apply").click().run()
    assert not at.exception
    assert "Mapping applied to Investments_2026-03.csv and saved as profile “Investments export”." in _texts(at.success)
    assert not at.button(key="data_import").disabled
    at.button(key="data_import").click().run()
    assert "Snapshot #1" in " ".join(_texts(at.success))

    con = db.cursor(db_file)
    assert con.execute("SELECT project_id, status, duration_months FROM projects ORDER BY 1").fetchall() == [
        ("INV-001", "completed", 18), ("INV-002", "active", 11)]
    (profile,) = mapping_profiles.list_profiles(con)
    assert profile.name == "Investments export" and profile.headers[0][0] == "Investment ID"
    entry = decision_log.entries(con, actions=["mapping_profile_save"]).iloc[0]
    assert json.loads(entry["details"])["columns"]["projects"][:2] == ["project_id", "name"]

    # Next month: recognised through the profile, the import needs one click.
    _upload(at, "Investments_2026-04.csv", APRIL)
    assert "Investments_2026-04.csv was mapped by the saved profile “Investments export”." in _texts(at.info)
    assert not [s for s in _texts(at.subheader) if s.startswith("Map the columns")]
    (as_of,) = [d for d in at.date_input if d.key and d.key.startswith("data_as_of_")]
    as_of.set_value(dt.date(2026, 4, 10))  # status from the dates compares with this as-of date
    at.button(key="data_import").click().run()
    assert "Snapshot #2" in " ".join(_texts(at.success))
    assert con.execute("SELECT project_id, status FROM projects WHERE snapshot_id = 2 ORDER BY 1").fetchall() == [
        ("INV-002", "active"), ("INV-005", "approved"), ("INV-006", "completed")]


def test_value_maps_with_best_guesses_and_the_step_in_chinese(app, db_file):
    at = app("zh")
    _upload(at, "导出.csv", MARCH)
    assert "映射 导出.csv 的列" in _texts(at.subheader)
    assert _by_key_end(at.selectbox, "_value_status_" + _digest("Closed")).value == "completed"
    assert _by_key_end(at.selectbox, "_value_status_" + _digest("Ongoing")).value == "active"
    assert "最佳推测（把握 80%）" in _texts(at.caption)
    _by_key_end(at.button, "_apply").click().run()
    assert "已对 导出.csv 应用映射。请查看校验报告后导入。" in _texts(at.success)
    at.button(key="data_import").click().run()
    assert not at.exception
    assert db.cursor(db_file).execute("SELECT status FROM projects ORDER BY project_id").fetchall() == [
        ("completed",), ("active",)]
    assert mapping_profiles.list_profiles(db.cursor(db_file)) == []  # no name: nothing saved


def test_a_recognised_file_missing_required_columns_gets_the_step(app, db_file):
    at = app("en")
    data = b"project_id,name,budget,Kick-off,End Date\nP1,One,100,2026-01-15,2026-06-30\nP2,Two,50,2026-05-01,2026-04-01\n"
    _upload(at, "projects.csv", data)
    assert "Map the columns of projects.csv" in _texts(at.subheader)
    assert _select(at, "project_id").value == "project_id" and "Best guess (100% sure)" in _texts(at.caption)
    _select(at, "start_month").set_value("Kick-off").run()
    _select(at, "duration_months").set_value("__months_between__").run()
    _by_key_end(at.selectbox, "_projects_duration_months_start").set_value("Kick-off").run()
    _select(at, "status").set_value("__constant__").run()
    _by_key_end(at.selectbox, "_projects_status_constant").set_value("proposed").run()
    assert list(at.dataframe[-1].value["duration_months"]) == [6, 1]
    _by_key_end(at.button, "_apply").click().run()
    warnings = [shown(str(v)) for d in at.dataframe for v in d.value.to_numpy().ravel()]
    assert "The finish (End Date) is before the start (Kick-off); the duration is taken as 1 month." in warnings
    at.button(key="data_import").click().run()
    assert db.cursor(db_file).execute("SELECT project_id, status, duration_months FROM projects ORDER BY 1").fetchall() == [
        ("P1", "proposed", 6), ("P2", "proposed", 1)]


def _digest(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()[:8]


def _saved_from_toml(db_file: Path, toml: str, csv: str, name: str) -> None:
    from store.import_read import RawFile
    from store.importer import raw_headers
    from store.mapping import FileMapping, Mapping

    (file,) = from_toml((RESOURCES / toml).read_text(encoding="utf-8")).files
    headers = raw_headers(RawFile(csv, (RESOURCES / csv).read_bytes()))
    con = db.connect(db_file)
    try:
        mapping = Mapping((FileMapping(file.kind, file.columns, file.match, file.values, tuple(headers)),))
        mapping_profiles.save_profile(con, name, mapping, actor="ana")
    finally:
        con.close()


def test_wide_export_with_timestamps_imports_through_a_saved_profile(app, db_file):
    _saved_from_toml(db_file, "investments.toml", "Investments_2026-03.csv", "investments")
    at = app("en")
    _upload(at, "Investments_2026-03.csv", (RESOURCES / "Investments_2026-03.csv").read_bytes())
    assert "Investments_2026-03.csv was mapped by the saved profile “investments”." in _texts(at.info)
    at.button(key="data_import").click().run()
    assert db.cursor(db_file).execute("SELECT count(*) FROM projects").fetchone() == (4,)


def test_cr_only_bank_export_imports_through_a_saved_profile(app, db_file):
    _saved_from_toml(db_file, "bank.toml", "bank_completed.csv", "bank")
    at = app("en")
    _upload(at, "bank_completed.csv", (RESOURCES / "bank_completed.csv").read_bytes())
    assert "bank_completed.csv was mapped by the saved profile “bank”." in _texts(at.info)
    at.button(key="data_import").click().run()
    assert db.cursor(db_file).execute("SELECT count(*) FROM projects WHERE status = 'completed'").fetchone() == (3,)
