"""The snapshot spine: migrations, atomic create, duplicate detection, rename, delete."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from store import db, decision_log, snapshots
from store.errors import DuplicateSnapshot, SnapshotNotFound


def _projects(n: int = 2) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": [f"P{i}" for i in range(n)],
            "name": [f"项目{i}" for i in range(n)],
            "status": ["proposed"] * n,
            "start_month": [dt.date(2026, 3, 1)] * n,
            "duration_months": [6] * n,
            "budget": [100.0] * n,
            "depends_on": [[] for _ in range(n)],
        }
    )


def _files(tag: str = "a") -> list[snapshots.SourceFile]:
    return [snapshots.SourceFile("projects.csv", "projects", tag * 64, 2, "utf-8")]


def test_migrations_recorded_once(db_file):
    con = db.connect(db_file)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()]
    assert versions == [v for v, _, _ in db.migrations()]
    con.close()
    con = db.connect(db_file)  # reopening applies nothing twice
    assert db.migrate(con) == []
    con.close()


def test_create_and_read_back(con):
    sid = snapshots.create_snapshot(
        con, label="2026-03", as_of=dt.date(2026, 3, 31), frames={"projects": _projects()}, files=_files()
    )
    listing = snapshots.list_snapshots(con)
    assert listing.loc[0, "snapshot_id"] == sid
    assert listing.loc[0, "projects"] == 2
    back = snapshots.read_table(con, "projects", sid)
    assert list(back["name"]) == ["项目0", "项目1"]
    assert back.loc[0, "mandatory"] == False  # noqa: E712 (column default)
    log = decision_log.entries(con, actions=["import"])
    assert list(log["snapshot_id"]) == [sid]


def test_duplicate_files_refused(con):
    sid = snapshots.create_snapshot(con, label="x", as_of=dt.date(2026, 3, 31), frames={"projects": _projects()}, files=_files())
    with pytest.raises(DuplicateSnapshot) as info:
        snapshots.create_snapshot(con, label="y", as_of=dt.date(2026, 3, 31), frames={"projects": _projects()}, files=_files())
    assert info.value.params["snapshot_id"] == sid
    assert snapshots.snapshot_count(con) == 1


def test_failed_write_leaves_nothing(con):
    snapshots.create_snapshot(con, label="x", as_of=dt.date(2026, 3, 31), frames={"projects": _projects()}, files=_files())
    bad = _projects().drop(columns=["name"])  # NOT NULL column missing: the insert fails midway
    with pytest.raises(Exception):  # noqa: B017 (DuckDB's constraint error)
        snapshots.create_snapshot(con, label="bad", as_of=dt.date(2026, 4, 30), frames={"projects": bad}, files=_files("b"))
    assert snapshots.snapshot_count(con) == 1
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM snapshot_files").fetchone()[0] == 1


def test_rename_and_delete(con):
    sid = snapshots.create_snapshot(con, label="x", as_of=dt.date(2026, 3, 31), frames={"projects": _projects()}, files=_files())
    snapshots.rename_snapshot(con, sid, "三月")
    assert snapshots.get_snapshot(con, sid).label == "三月"
    snapshots.delete_snapshot(con, sid)
    with pytest.raises(SnapshotNotFound):
        snapshots.get_snapshot(con, sid)
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 0
    assert set(decision_log.entries(con)["action"]) == {"import", "snapshot_rename", "snapshot_delete"}


def test_transaction_commits_together_or_not_at_all(con):
    with db.transaction(con):
        con.execute("INSERT INTO decision_log (action, summary) VALUES ('import', 'kept')")
    with pytest.raises(RuntimeError), db.transaction(con):
        con.execute("INSERT INTO decision_log (action, summary) VALUES ('import', 'dropped')")
        raise RuntimeError("stop half way")
    assert list(decision_log.entries(con)["summary"]) == ["kept"]


def test_release_writes_arrow_frames_and_empties_them(con):
    """The importer's write: Arrow-backed frames, each let go once inserted (smallest first). The
    rows read back are those of the same frames written as plain pandas, and the log counts them."""
    import pyarrow as pa

    projects = _projects(3)
    projects.loc[1, "depends_on"] = ["P0"]
    demand = pd.DataFrame({"project_id": ["P0", "P0", "P2"], "role": ["dev", "qa", "dev"],
                           "month_offset": [0, 1, 2], "fte": [1.5, 0.25, 2.0]})
    plain = snapshots.create_snapshot(con, label="plain", as_of=dt.date(2026, 3, 31),
                                      frames={"projects": projects, "demand": demand}, files=_files("a"))
    arrow = {name: pa.Table.from_pandas(f, preserve_index=False).to_pandas(types_mapper=pd.ArrowDtype)
             for name, f in (("projects", projects), ("demand", demand))}
    assert all(isinstance(t, pd.ArrowDtype) for f in arrow.values() for t in f.dtypes)
    released = snapshots.create_snapshot(con, label="arrow", as_of=dt.date(2026, 3, 31), frames=arrow,
                                         files=_files("b"), release=True)
    assert arrow == {}
    for table in ("projects", "demand"):
        pd.testing.assert_frame_equal(snapshots.read_table(con, table, released), snapshots.read_table(con, table, plain))
    back = snapshots.read_table(con, "projects", released)
    assert back["depends_on"].map(list).tolist() == [[], ["P0"], []]
    assert back["start_month"].tolist() == [pd.Timestamp(2026, 3, 1)] * 3
    log = decision_log.entries(con, actions=["import"])
    details = [json.loads(d) if isinstance(d, str) else d for d in log.sort_values("snapshot_id")["details"]]
    assert [d["rows"] for d in details] == [{"projects": 3, "demand": 3}] * 2
