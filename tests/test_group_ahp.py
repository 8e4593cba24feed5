"""Group AHP: each person's CR, the geometric-mean aggregate (hand-worked), file alignment, storage, the page."""

from __future__ import annotations

import pytest

from analytics.ahp import AhpInputError
from analytics.ahp_csv import MatrixFileError, parse_matrix_csv
from analytics.ahp_group import Participant, align_matrix, group_ahp
from store import decision_log, weights
from store.snapshots import delete_snapshot
from tests.test_page_strategy import OBJECTIVES, _open, _run, strategy_db  # noqa: F401 (a fixture)

ONE = ((1.0, 2.0, 4.0), (0.5, 1.0, 2.0), (0.25, 0.5, 1.0))  # consistent: weights 4/7, 2/7, 1/7
TWO = ((1.0, 0.5, 1.0), (2.0, 1.0, 2.0), (1.0, 0.5, 1.0))   # consistent: weights 1/4, 1/2, 1/4


def test_aggregate_is_the_element_wise_geometric_mean():
    group = group_ahp([Participant("Li", ONE), Participant("Wang", TWO)])
    # sqrt(2 * 0.5) = 1, sqrt(4 * 1) = 2, sqrt(2 * 2) = 2: consistent again, weights 0.4, 0.4, 0.2
    assert group.aggregated[0] == pytest.approx((1.0, 1.0, 2.0))
    assert group.result.weights == pytest.approx([0.4, 0.4, 0.2])
    assert group.result.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    (li, li_result), (wang, wang_result) = group.participants
    assert li.name == "Li" and li_result.weights == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert wang_result.weights == pytest.approx([0.25, 0.5, 0.25])


def test_each_persons_cr_and_refusals():
    shaky = ((1.0, 9.0, 1 / 9), (1 / 9, 1.0, 9.0), (9.0, 1 / 9, 1.0))
    group = group_ahp([Participant("A", shaky), Participant("B", ONE)])
    assert group.participants[0][1].consistency_ratio > 1.0 and group.participants[1][1].consistency_ratio < 1e-9
    with pytest.raises(AhpInputError):
        group_ahp([Participant("A", ONE), Participant(" A ", TWO)])
    with pytest.raises(AhpInputError):
        group_ahp([])


def test_files_are_read_and_put_in_the_objectives_order():
    names, matrix = parse_matrix_csv("li.csv", "\ufeff,效率,增长,合规\n效率,1,1/2,2\n增长,2,1,4\n合规,1/2,1/4,1\n".encode())
    aligned = align_matrix(names, matrix, ["G", "E", "C"], {"G": "增长", "E": "效率", "C": "合规"}, file="li.csv")
    assert aligned == ((1.0, 2.0, 4.0), (0.5, 1.0, 2.0), (0.25, 0.5, 1.0))
    with pytest.raises(AhpInputError):
        align_matrix(["G", "E"], [[1, 2], [0.5, 1]], ["G", "E", "C"], {}, file="short.csv")
    with pytest.raises(MatrixFileError):
        parse_matrix_csv("bad.csv", b",a,b\na,1,x\nb,,1\n")


def test_the_set_keeps_its_participants(con):
    import datetime as dt

    import pandas as pd

    from store.snapshots import create_snapshot

    objectives = pd.DataFrame({"objective_id": ["G", "E", "C"], "name": ["Growth", "Efficiency", "Compliance"]})
    sid = create_snapshot(con, label="x", as_of=dt.date(2026, 1, 31), files=[], frames={"objectives": objectives})
    group = group_ahp([Participant("Li", ONE), Participant("Wang", TWO)])
    set_id = weights.save_weight_set(
        con, snapshot_id=sid, name="Board", method="ahp_eigen", weights=dict(zip("GEC", group.result.weights, strict=True)),
        objective_ids=["G", "E", "C"], matrix=group.aggregated, consistency_ratio=group.result.consistency_ratio,
        participants=[(p.name, p.matrix, r.consistency_ratio) for p, r in group.participants])
    stored = weights.participants(con, set_id)
    assert stored["participant"].tolist() == ["Li", "Wang"]
    assert stored["matrix"][1]["values"][0] == [1.0, 0.5, 1.0]
    assert weights.get_weight_set(con, set_id).weights == pytest.approx({"G": 0.4, "E": 0.4, "C": 0.2})
    assert '"participants": [{"name": "Li"' in decision_log.entries(con, limit=1).iloc[0]["details"]
    weights.delete_weight_set(con, set_id)
    assert weights.participants(con, set_id).empty
    other = weights.save_weight_set(con, snapshot_id=sid, name="Again", method="ahp_eigen", weights={"G": 1.0},
                                    participants=[("Li", ONE, 0.0)], objective_ids=["G", "E", "C"])
    delete_snapshot(con, sid)
    assert weights.participants(con, other).empty


def test_page_records_people_in_turn_and_from_files(strategy_db):  # noqa: F811 (the imported fixture)
    path, snapshot_id = strategy_db
    at = _open("en", snapshot_id)
    at.radio(key="strategy.method").set_value("ahp")
    _run(at, snapshot_id)
    at.text_input(key="strategy.group.name").set_value("Li")
    _run(at, snapshot_id)
    at.button(key="strategy.group.add").click()
    _run(at, snapshot_id)
    ids = [o[0] for o in OBJECTIVES]
    equal = ",".join(["", *ids]) + "\n" + "\n".join(",".join([i, *["1"] * len(ids)]) for i in ids) + "\n"
    uploader = at.get("file_uploader")[0]
    uploader.set_value([("Wang.csv", equal.encode(), "text/csv")])
    _run(at, snapshot_id)
    at.button(key="strategy.group.add_files").click()
    _run(at, snapshot_id)
    table = next(d.value for d in at.dataframe if "Participant" in d.value.columns)
    assert table["Participant"].tolist() == ["Li", "Wang", "Group (geometric mean)"]
    assert table.iloc[1, 1] == "0.000" and table.iloc[1, 2] == "20.0%"
    at.text_input(key="strategy.group.save_name").set_value("Board 2026")
    _run(at, snapshot_id)
    at.button(key="strategy.group.save").click()
    _run(at, snapshot_id)
    assert [s.value for s in at.success][0].startswith("Weight set")
    sets = next(d.value for d in at.dataframe if "participants" in d.value.columns)
    assert sets["participants"].tolist() == ["Li, Wang"]
    from store import db

    con = db.connect(path)
    try:
        saved = weights.list_weight_sets(con, snapshot_id).iloc[0]
        assert saved["name"] == "Board 2026"
        assert weights.participants(con, int(saved["weight_set_id"]))["participant"].tolist() == ["Li", "Wang"]
    finally:
        con.close()
