"""Weight sets on a real DuckDB file: save, list, activate (exactly one), delete, fallback, decision log."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from store import decision_log
from store.errors import NotFound, SnapshotNotFound
from store.snapshots import create_snapshot
from store.weights import (
    InvalidWeightSet,
    activate_weight_set,
    active_weights,
    delete_weight_set,
    file_weights,
    get_weight_set,
    list_weight_sets,
    save_weight_set,
)


def _snapshot(con, weights=(4.0, 3.0, 1.0), label="2026-03") -> int:
    objectives = pd.DataFrame(
        {"objective_id": ["growth", "efficiency", "compliance"], "name": ["Growth", "Efficiency", "Compliance"],
         "weight": list(weights)}
    )
    return create_snapshot(con, label=label, as_of=dt.date(2026, 3, 31), frames={"objectives": objectives}, files=[])


def _active_count(con, snapshot_id: int) -> int:
    return con.execute(
        "SELECT count(*) FROM weight_sets WHERE snapshot_id = ? AND is_active", [snapshot_id]
    ).fetchone()[0]


def test_without_a_saved_set_the_file_weights_are_normalised(con):
    sid = _snapshot(con)
    set_id, weights = active_weights(con, sid)
    assert set_id is None
    assert weights == pytest.approx({"growth": 0.5, "efficiency": 0.375, "compliance": 0.125})


def test_missing_file_weights_take_the_mean_and_all_missing_is_equal(con):
    sid = _snapshot(con, weights=(4.0, None, 2.0))
    # growth 4, compliance 2, efficiency missing -> mean 3; total 9.
    assert file_weights(con, sid) == pytest.approx({"growth": 4 / 9, "efficiency": 3 / 9, "compliance": 2 / 9})
    sid2 = _snapshot(con, weights=(None, None, None), label="other")
    assert active_weights(con, sid2) == (None, pytest.approx({"growth": 1 / 3, "efficiency": 1 / 3, "compliance": 1 / 3}))


def test_save_activate_and_only_one_active(con):
    sid = _snapshot(con)
    first = save_weight_set(con, snapshot_id=sid, name="Board March", method="direct",
                            weights={"growth": 2, "efficiency": 1, "compliance": 1}, actor="li", activate=True)
    assert active_weights(con, sid) == (first, pytest.approx({"growth": 0.5, "efficiency": 0.25, "compliance": 0.25}))
    matrix = [[1, 3, None], [1 / 3, 1, 2], [None, 0.5, 1]]
    second = save_weight_set(con, snapshot_id=sid, name="AHP workshop", method="ahp_eigen",
                             weights={"growth": 0.6, "efficiency": 0.3, "compliance": 0.1},
                             objective_ids=["growth", "efficiency", "compliance"], matrix=matrix,
                             consistency_ratio=0.0, actor="wang")
    # Saving does not activate unless asked.
    assert active_weights(con, sid)[0] == first
    activate_weight_set(con, second, actor="wang")
    assert _active_count(con, sid) == 1
    assert active_weights(con, sid) == (second, pytest.approx({"growth": 0.6, "efficiency": 0.3, "compliance": 0.1}))
    stored = get_weight_set(con, second)
    assert stored.method == "ahp_eigen" and stored.created_by == "wang" and stored.is_active
    assert stored.matrix == {"objective_ids": ["growth", "efficiency", "compliance"],
                             "values": [[1.0, 3.0, None], [1 / 3, 1.0, 2.0], [None, 0.5, 1.0]]}
    assert stored.consistency_ratio == 0.0
    listing = list_weight_sets(con, sid)
    assert list(listing["weight_set_id"]) == [second, first]
    assert list(listing["is_active"]) == [True, False]


def test_weights_are_stored_normalised(con):
    sid = _snapshot(con)
    set_id = save_weight_set(con, snapshot_id=sid, name="raw", method="direct",
                             weights={"growth": 30, "efficiency": 20, "compliance": 50})
    assert get_weight_set(con, set_id).weights == pytest.approx({"growth": 0.3, "efficiency": 0.2, "compliance": 0.5})


def test_activation_is_per_snapshot(con):
    a, b = _snapshot(con, label="a"), _snapshot(con, label="b")
    set_a = save_weight_set(con, snapshot_id=a, name="A", method="direct", weights={"growth": 1}, activate=True)
    set_b = save_weight_set(con, snapshot_id=b, name="B", method="direct", weights={"efficiency": 1}, activate=True)
    assert active_weights(con, a)[0] == set_a and active_weights(con, b)[0] == set_b
    assert _active_count(con, a) == 1 and _active_count(con, b) == 1


def test_delete_active_falls_back_to_file_weights(con):
    sid = _snapshot(con)
    set_id = save_weight_set(con, snapshot_id=sid, name="x", method="direct", weights={"growth": 1}, activate=True)
    delete_weight_set(con, set_id, actor="li")
    assert active_weights(con, sid)[0] is None
    with pytest.raises(NotFound):
        get_weight_set(con, set_id)


def test_every_write_is_in_the_decision_log(con):
    sid = _snapshot(con)
    set_id = save_weight_set(con, snapshot_id=sid, name="Board", method="direct",
                             weights={"growth": 1, "efficiency": 1}, actor="li", activate=True)
    activate_weight_set(con, set_id, actor="zhao")
    delete_weight_set(con, set_id, actor="zhao")
    log = decision_log.entries(con, snapshot_id=sid)
    assert list(log["action"]) == ["weights_delete", "weights_activate", "weights_activate", "weights_save", "import"]
    saved = json.loads(log.iloc[3]["details"])
    assert saved["weight_set_id"] == set_id and saved["weights"] == {"growth": 0.5, "efficiency": 0.5}
    assert log.iloc[3]["actor"] == "li" and log.iloc[2]["actor"] == "li" and log.iloc[1]["actor"] == "zhao"


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"name": " ", "method": "direct", "weights": {"growth": 1}}, "strategy.error.name_required"),
        ({"name": "n", "method": "vote", "weights": {"growth": 1}}, "strategy.error.unknown_method"),
        ({"name": "n", "method": "direct", "weights": {"revenue": 1}}, "strategy.error.unknown_objective"),
        ({"name": "n", "method": "direct", "weights": {"growth": -1, "efficiency": 2}}, "strategy.error.zero_weights"),
        ({"name": "n", "method": "direct", "weights": {"growth": 0}}, "strategy.error.zero_weights"),
        ({"name": "n", "method": "ahp_eigen", "weights": {"growth": 1}, "matrix": [[1, 2]]},
         "strategy.error.matrix_shape"),
    ],
)
def test_bad_weight_sets_are_refused_and_nothing_is_written(con, kwargs, key):
    sid = _snapshot(con)
    with pytest.raises(InvalidWeightSet) as caught:
        save_weight_set(con, snapshot_id=sid, **kwargs)
    assert caught.value.key == key
    assert list_weight_sets(con, sid).empty


def test_unknown_snapshot_and_unknown_set(con):
    with pytest.raises(SnapshotNotFound):
        save_weight_set(con, snapshot_id=99, name="n", method="direct", weights={"growth": 1})
    with pytest.raises(NotFound):
        activate_weight_set(con, 42)
    with pytest.raises(NotFound):
        delete_weight_set(con, 42)
