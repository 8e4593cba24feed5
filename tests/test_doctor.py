"""What an interrupted import leaves behind: invisible to every reader, removed on open, and
`cli.py doctor` (report, exit 0/1, --repair, --json); a database of an older release is healed."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import cli
from store import db, delivery, snapshots
from store.errors import DatabaseLockedError, SnapshotNotFound, StoreError
from store.importer import check_paths, import_paths

ROOT = Path(__file__).resolve().parent.parent
VALID = Path(__file__).resolve().parent / "resources" / "valid"


def _leave_pending(con: duckdb.DuckDBPyConnection, *, rows: int = 3) -> int:
    """What an import killed after its data rows but before its last write leaves: a pending
    record with its file list and data rows (the import of VALID's files, so duplicate detection
    would match it if it were complete)."""
    files = [snapshots.SourceFile(p.name, p.stem, snapshots.hashlib.sha256(p.read_bytes()).hexdigest(), 1)
             for p in sorted(VALID.iterdir())]
    sid = db.next_id(con, "snapshot_id_seq")
    con.execute(
        "INSERT INTO snapshots_all (snapshot_id, label, as_of, currency_unit, content_hash, state)"
        " VALUES (?, 'killed', DATE '2026-12-31', '万元', ?, 'pending')",
        [sid, snapshots.content_hash(files)],
    )
    for f in files:
        con.execute("INSERT INTO snapshot_files VALUES (?, ?, ?, ?, ?, NULL)", [sid, f.file_name, f.kind, f.sha256, 1])
    con.execute(
        "INSERT INTO projects (snapshot_id, project_id, name, status, start_month, duration_months, budget)"
        " SELECT ?, 'X' || i, 'x', 'active', DATE '2026-01-01', 6, 1.0 FROM range(?) t(i)",
        [sid, rows],
    )
    con.execute(
        "INSERT INTO status_reports (snapshot_id, project_id, report_date, planned_value, earned_value, actual_cost)"
        " SELECT ?, 'X' || i, DATE '2026-12-31', 1, 1, 1 FROM range(?) t(i)",
        [sid, rows],
    )
    return int(sid)


def _leave_orphans(con: duckdb.DuckDBPyConnection, snapshot_id: int = 99) -> None:
    """What the older release left after a kill: data and owned rows whose snapshot has no record."""
    con.execute(
        "INSERT INTO status_reports (snapshot_id, project_id, report_date, planned_value, earned_value, actual_cost)"
        " SELECT ?, 'O' || i, DATE '2026-10-31', 1, 1, 1 FROM range(5) t(i)",
        [snapshot_id],
    )
    con.execute("INSERT INTO weight_sets (snapshot_id, name, method, weights) VALUES (?, 'w', 'direct', '{}')",
                [snapshot_id])


@pytest.fixture
def imported(db_file: Path) -> Path:
    """A database holding snapshot 1 (VALID) and a pending snapshot 2 left by a killed import."""
    con = db.connect(db_file)
    import_paths(con, [VALID], label="2026-03")
    _leave_pending(con)
    con.close()
    return db_file


def test_pending_snapshot_is_invisible_to_every_reader(imported):
    con = db.connect(imported, clean=False)
    try:
        assert snapshots.find_debris(con).pending[0].snapshot_id == 2
        assert list(snapshots.list_snapshots(con)["snapshot_id"]) == [1]
        assert snapshots.latest_snapshot_id(con) == 1
        assert snapshots.snapshot_count(con) == 1
        with pytest.raises(SnapshotNotFound):
            snapshots.get_snapshot(con, 2)
        assert snapshots.read_table(con, "projects", 2).empty
        assert delivery.snapshot_keys(con) == (1,)
        assert list(delivery.portfolio_series(con)["snapshot_id"]) == [1]
        assert set(delivery.snapshot_series(con)["snapshot_id"]) == {1}
        # The pending record holds VALID's content hash; only a complete snapshot counts as a duplicate.
        files = [snapshots.SourceFile(p.name, "", snapshots.hashlib.sha256(p.read_bytes()).hexdigest(), 0)
                 for p in sorted(VALID.iterdir())]
        assert snapshots.find_by_content(con, files) == 1
        con.execute("DELETE FROM snapshots_all WHERE snapshot_id = 1")
        assert snapshots.find_by_content(con, files) is None
        assert check_paths([VALID], con=con).duplicate_of is None
    finally:
        con.close()


def test_cli_snapshots_lists_complete_snapshots_only(imported, capsys):
    # The CLI opens with cleanup; the pending snapshot is gone either way and never listed.
    assert cli.main(["snapshots", "--db", str(imported), "--json"]) == 0
    assert [r["snapshot_id"] for r in json.loads(capsys.readouterr().out)] == [1]


def test_open_removes_pending_snapshots_and_orphans_and_logs_it(imported, caplog):
    con = db.connect(imported, clean=False)
    _leave_orphans(con)
    con.close()
    with caplog.at_level(logging.WARNING, logger="lodestar.store"):
        con = db.connect(imported)
    try:
        assert snapshots.find_debris(con).clean
        assert con.execute("SELECT snapshot_id, state FROM snapshots_all").fetchall() == [(1, "complete")]
        assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 4  # VALID's projects only
    finally:
        con.close()
    [record] = caplog.records
    assert "pending snapshots [2]" in record.getMessage()
    assert "'status_reports': 5" in record.getMessage() and "'weight_sets': 1" in record.getMessage()


def test_failed_write_leaves_no_pending_record(con):
    bad = pd.DataFrame({"project_id": ["P1"], "no_such_column": [1]})
    with pytest.raises((duckdb.Error, StoreError)):  # DuckDB's, or the store's translation of it
        snapshots.create_snapshot(con, label="x", as_of=dt.date(2026, 3, 31), frames={"projects": bad},
                                  files=[snapshots.SourceFile("projects.csv", "projects", "a" * 64, 1)])
    assert snapshots.find_debris(con).clean
    assert con.execute("SELECT count(*) FROM snapshots_all").fetchone()[0] == 0


def test_import_commits_the_flip_last(con):
    """The record is pending while the data rows are written; complete (with its log entry) after."""
    seen = []
    original = snapshots._insert_frame

    def spy(c, table, sid, frame):
        seen.append(c.execute("SELECT state FROM snapshots_all WHERE snapshot_id = ?", [sid]).fetchone()[0])
        original(c, table, sid, frame)

    snapshots._insert_frame, saved = spy, snapshots._insert_frame
    try:
        report = import_paths(con, [VALID], label="2026-03")
    finally:
        snapshots._insert_frame = saved
    assert seen == ["pending"] * 8
    assert con.execute("SELECT state FROM snapshots_all").fetchall() == [("complete",)]
    assert con.execute("SELECT action FROM decision_log").fetchall() == [("import",)]
    assert report.snapshot_id == 1


def test_cleanup_leaves_an_import_of_this_process_in_progress_alone(db_file):
    """Another open of the same file in this process (its cleanup) while an import writes its rows."""
    con = db.connect(db_file)
    original = snapshots._insert_frame
    found_midway = []

    def open_again_midway(c, table, sid, frame):
        if table == "status_reports":
            other = db.connect(db_file)  # cleans up on open
            found_midway.append(snapshots.find_debris(other).clean)
            other.close()
        original(c, table, sid, frame)

    snapshots._insert_frame = open_again_midway
    try:
        report = import_paths(con, [VALID], label="2026-03")
    finally:
        snapshots._insert_frame = original
    try:
        assert found_midway == [True]
        assert report.snapshot_id == 1
        assert int(snapshots.list_snapshots(con).loc[0, "status_reports"]) == 4
    finally:
        con.close()


def test_doctor_clean_database_exits_0(db_file, capsys):
    db.connect(db_file).close()
    assert cli.main(["doctor", "--db", str(db_file)]) == 0
    assert capsys.readouterr().out.strip() == "No unfinished imports and no orphan rows: nothing to repair."


def test_doctor_missing_database_exits_2(tmp_path, capsys):
    assert cli.main(["doctor", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert not (tmp_path / "none.duckdb").exists()


def test_doctor_reports_then_repairs(imported, capsys):
    con = db.connect(imported, clean=False)
    _leave_orphans(con)
    con.close()
    assert cli.main(["doctor", "--db", str(imported)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith('Unfinished import: snapshot 2 "killed", started ')
    assert lines[1:] == [
        "  projects: 3 rows of unfinished imports",
        "  status_reports: 3 rows of unfinished imports",
        "  snapshot_files: 8 rows of unfinished imports",
        "  status_reports: 5 orphan rows (their snapshot does not exist)",
        "  weight_sets: 1 orphan rows (their snapshot does not exist)",
        "Found 20 rows and 1 unfinished snapshot records that no reader can see."
        " Run again with --repair to remove them.",
    ]
    assert cli.main(["doctor", "--db", str(imported)]) == 1  # reporting changed nothing
    capsys.readouterr()
    assert cli.main(["doctor", "--db", str(imported), "--repair", "--lang", "zh"]) == 1
    assert capsys.readouterr().out.strip().splitlines()[-1] == "已在一个事务中删除 20 行数据和 1 条未完成的快照记录。"
    assert cli.main(["doctor", "--db", str(imported)]) == 0
    con = db.connect(imported, clean=False)
    try:
        assert list(snapshots.list_snapshots(con)["status_reports"]) == [4]  # snapshot 1 untouched
    finally:
        con.close()


def test_doctor_json(imported, capsys):
    assert cli.main(["doctor", "--db", str(imported), "--json", "--repair"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["clean"] is False and payload["repaired"] is True
    assert [p["snapshot_id"] for p in payload["pending_snapshots"]] == [2]
    assert payload["pending_rows"] == {"projects": 3, "status_reports": 3, "snapshot_files": 8}
    assert payload["orphan_rows"] == {}
    assert cli.main(["doctor", "--db", str(imported), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "clean": True, "pending_snapshots": [], "pending_rows": {}, "orphan_rows": {}, "repaired": False,
    }


def _old_release_database(path: Path) -> None:
    """A file as the release before migration 040 left it after a kill: one snapshot, orphan rows."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    for version, name, file in db.migrations():
        if version < 40:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
    con.execute("INSERT INTO snapshots (label, as_of, content_hash) VALUES ('old', DATE '2026-03-31', 'h')")
    con.execute(
        "INSERT INTO projects (snapshot_id, project_id, name, status, start_month, duration_months, budget)"
        " VALUES (1, 'P1', 'kept', 'active', DATE '2026-01-01', 6, 1.0)"
    )
    _leave_orphans(con, snapshot_id=2)
    con.close()


@pytest.mark.duckdb_only  # builds a file as an old release wrote it
def test_old_release_database_is_detected_and_healed(db_file, capsys):
    _old_release_database(db_file)
    assert cli.main(["doctor", "--db", str(db_file), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["orphan_rows"] == {"status_reports": 5, "weight_sets": 1}
    assert payload["pending_snapshots"] == []
    assert cli.main(["doctor", "--db", str(db_file), "--repair"]) == 1
    capsys.readouterr()
    assert cli.main(["doctor", "--db", str(db_file)]) == 0
    con = db.connect(db_file)
    try:
        assert snapshots.get_snapshot(con, 1).label == "old"  # existing snapshots are complete
        assert list(snapshots.list_snapshots(con)["projects"]) == [1]
    finally:
        con.close()


# --- the file held by another process (issue 13 §5) -----------------------------------------------------

HOLD = "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)"


@pytest.fixture
def held(db_file: Path):
    """The database file, held open by a real second process (as the running app holds it)."""
    db.connect(db_file).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield db_file
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(("lang", "advice"), [
    ("en", "Stop the app (or the other command) and try again, or use a shared server database"),
    ("zh", "请先停止应用（或另一个命令）后重试，或改用共享的服务器数据库"),
])
@pytest.mark.duckdb_only  # one process per file: a server database is never locked
def test_locked_database_says_what_to_do(held, lang, advice, capsys):
    for argv in (["snapshots"], ["doctor"], ["import", "--label", "x", str(VALID)]):
        assert cli.main([*argv, "--db", str(held), "--lang", lang]) == 1
        err = capsys.readouterr().err
        assert str(held) in err and advice in err and "PID" in err


@pytest.mark.duckdb_only
def test_locked_database_in_a_cli_process_has_no_traceback(held):
    done = subprocess.run([sys.executable, "cli.py", "snapshots", "--db", str(held)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"The database file {held} is in use by another program (PID ")


def test_lock_message_names_the_holding_process():
    text = 'IO Error: Could not set lock on file "/x.duckdb": Conflicting lock is held in /usr/bin/python3 (PID 4242).'
    assert DatabaseLockedError(text, path="/x.duckdb").params["holder"] == " (PID 4242)"
    assert DatabaseLockedError("lock", path="/x.duckdb").params["holder"] == ""


def test_a_file_that_is_no_database_is_named_not_called_locked(tmp_path, capsys):
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database", encoding="utf-8")
    assert cli.main(["snapshots", "--db", str(text)]) == 1
    assert capsys.readouterr().err.startswith(f"The database file {text} could not be opened: ")
    assert cli.main(["snapshots", "--db", str(text / "x.duckdb"), "--lang", "zh"]) == 1  # a file where a folder must be
    assert capsys.readouterr().err.startswith(f"无法打开数据库文件 {text / 'x.duckdb'}：")
