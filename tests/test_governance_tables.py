"""Every table issue 20 adds belongs to a snapshot: deleted with it, and cleaned as an orphan or pending row."""

from __future__ import annotations

import pytest

from analytics.changes import ChangeRequest
from store import changes, gate
from store.snapshots import SNAPSHOT_TABLES, delete_snapshot, find_debris, remove_debris
from tests import changes_data, scorecard_data
from tests import report_helpers as h

NEW_TABLES = ("targets", "change_requests", "change_requests_app", "gate_decisions", "weight_set_participants")


def _count(con, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def filled(con):
    """One row or more in each new table, all of one snapshot."""
    from store.weights import save_weight_set

    frames = {**h.snapshot_frames(), "targets": scorecard_data.TARGETS,
              "change_requests": changes_data.CHANGES.assign(project_id="P3")}
    snapshot_id = h.make_snapshot(con, frames=frames)
    changes.raise_request(con, snapshot_id, ChangeRequest("P3", "More scope", 5.0))
    scenario_id = h.make_scenario(con, snapshot_id)
    gate.record_decisions(con, scenario_id, {"P1": ("approve", "go")})
    ids = list(frames["objectives"]["objective_id"])
    save_weight_set(con, snapshot_id=snapshot_id, name="g", method="ahp_eigen", weights=dict.fromkeys(ids, 1.0),
                    objective_ids=ids, participants=[("Li", [[1.0] * len(ids)] * len(ids), 0.0)])
    assert all(_count(con, t) > 0 for t in NEW_TABLES)
    return snapshot_id


def test_the_new_tables_are_snapshot_tables():
    assert set(NEW_TABLES) <= set(SNAPSHOT_TABLES)


def test_deleted_with_the_snapshot(con, filled):
    delete_snapshot(con, filled)
    assert {t: _count(con, t) for t in NEW_TABLES} == dict.fromkeys(NEW_TABLES, 0)


def test_orphans_are_found_and_removed(con, filled):
    con.execute("DELETE FROM snapshots_all WHERE snapshot_id = ?", [filled])  # as a crash would leave them
    found = find_debris(con)
    assert set(NEW_TABLES) <= set(found.orphan_rows)
    remove_debris(con)
    assert {t: _count(con, t) for t in NEW_TABLES} == dict.fromkeys(NEW_TABLES, 0)
