"""Change control: impact of a change request, scope creep, and the store's raise / decide / carry rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.changes import ChangeRequest, change_impact, scope_creep, shift_remaining
from analytics.errors import InvalidInput
from store import changes, decision_log, delivery
from store.errors import PermissionDenied, StoreError
from store.users import Actor
from tests import changes_data as cd

D = dt.date


def _committed_demand() -> pd.DataFrame:
    rows = cd.DEMAND[cd.DEMAND["project_id"].isin(["P1", "P2"])].merge(cd.PROJECTS, on="project_id")
    months = [(pd.Timestamp(s) + pd.DateOffset(months=int(o))).date() for s, o in zip(rows["start_month"], rows["month_offset"], strict=True)]
    return pd.DataFrame({"role": rows["role"], "month": months, "demand_fte": rows["fte"]})


def _impact(request: ChangeRequest):
    return change_impact(request, cd.PROJECTS, cd.CHANGES, as_of=cd.AS_OF, committed_demand=_committed_demand(),
                         project_demand=cd.DEMAND[cd.DEMAND["project_id"] == request.project_id],
                         capacity=cd.CAPACITY, horizon_months=cd.HORIZON)


def test_shift_moves_only_the_remaining_work():
    rows = cd.DEMAND[cd.DEMAND["project_id"] == "P1"]
    moved = shift_remaining(rows, "2026-01", "2026-03", 2)
    assert moved["month_offset"].tolist() == [0, 1, 4, 5, 6, 7]  # January and February are done
    assert shift_remaining(rows, "2026-01", "2026-03", -5)["month_offset"].tolist() == [0, 1, 2, 2, 2, 2]


def test_impact_on_budget_finish_portfolio_and_load():
    impact = _impact(ChangeRequest("P1", "New module", budget_delta=20.0, schedule_delta_months=2))
    assert (impact.baseline_budget, impact.current_budget, impact.new_budget) == (100.0, 110.0, 130.0)
    assert (impact.baseline_finish, impact.current_finish, impact.new_finish) == ("2026-06", "2026-07", "2026-09")
    # committed P1 100 + P2 50 + approved CR-1's 10; the change adds its 20
    assert (impact.portfolio_budget, impact.new_portfolio_budget) == (160.0, 180.0)
    # dev before: P1 (already moved a month by CR-1) in 04-07, P2 in 03-06: 2 FTE in 04, 05, 06 against 1.5
    before = impact.load_before.cells.set_index("month")["demand_fte"]
    after = impact.load_after.cells.set_index("month")["demand_fte"]
    assert before.loc["2026-03":"2026-09"].tolist() == [1.0, 2.0, 2.0, 2.0, 1.0, 0.0, 0.0]
    assert after.loc["2026-03":"2026-09"].tolist() == [1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0]
    (dev,) = impact.roles
    assert (dev.role, dev.over_months_before, dev.over_months_after) == ("dev", 3, 1)
    assert dev.peak_before == pytest.approx(2 / 1.5) and dev.peak_after == pytest.approx(2 / 1.5)


def test_a_budget_only_change_to_a_proposal_leaves_the_portfolio_and_load():
    impact = _impact(ChangeRequest("P3", "Cheaper", budget_delta=-5.0))
    assert impact.new_budget == 25.0 and impact.new_portfolio_budget == impact.portfolio_budget == 160.0
    assert impact.roles == ()


def test_bad_requests_are_refused():
    with pytest.raises(InvalidInput):
        ChangeRequest("P1", "  ")
    with pytest.raises(InvalidInput):
        _impact(ChangeRequest("P9", "x"))


def test_scope_creep_per_month_and_cumulative():
    creep = scope_creep(cd.CHANGES, cd.PROJECTS)
    assert creep.to_dict("records") == [
        {"project_id": "P1", "month": "2026-02", "budget_delta": 10.0, "cumulative": 10.0, "original_budget": 100.0,
         "cumulative_share": 0.1},
        # the portfolio: of the committed and completed projects' budgets, P1 100 + P2 50
        {"project_id": "", "month": "2026-02", "budget_delta": 10.0, "cumulative": 10.0, "original_budget": 150.0,
         "cumulative_share": 10 / 150},
    ]
    more = pd.concat([cd.CHANGES, pd.DataFrame([{"cr_id": "X", "project_id": "P2", "raised_on": D(2026, 4, 2),
                                                 "budget_delta": 5.0, "status": "approved", "decided_on": None}])])
    portfolio = scope_creep(more, cd.PROJECTS).query("project_id == ''")
    assert portfolio["month"].tolist() == ["2026-02", "2026-03", "2026-04"]
    assert portfolio["cumulative"].tolist() == [10.0, 10.0, 15.0]
    assert portfolio["cumulative_share"].tolist() == pytest.approx([10 / 150, 10 / 150, 15 / 150])
    assert scope_creep(cd.CHANGES.iloc[[1]], cd.PROJECTS).empty


def test_store_raise_decide_log_and_carry(con):
    first = cd.write(con)
    listed = changes.list_requests(con, first)
    assert listed["cr_id"].tolist() == ["CR-1", "CR-3", "CR-2"] and set(listed["origin"]) == {"import"}
    cr_id = changes.raise_request(con, first, ChangeRequest("P2", "Second site", 8.0, 1), raised_on=D(2026, 3, 20))
    assert cr_id == "APP-0001"
    changes.decide(con, first, cr_id, "approved", "Fits the reserve", decided_on=D(2026, 3, 25))
    changes.decide(con, first, "CR-2", "rejected", "Next phase")
    listed = changes.list_requests(con, first).set_index("cr_id")
    assert listed.loc["APP-0001", ["status", "decision_reason", "origin"]].tolist() == ["approved", "Fits the reserve", "app"]
    assert listed.loc["CR-2", ["status", "origin"]].tolist() == ["rejected", "import"] and len(listed) == 4
    log = decision_log.entries(con, limit=10)
    assert {"change_raise", "change_decide"} <= set(log["action"])
    with pytest.raises(StoreError) as again:
        changes.decide(con, first, "CR-2", "approved", "changed our mind")
    assert again.value.key == "changes.error.not_open"
    with pytest.raises(StoreError):
        changes.decide(con, first, "CR-1", "approved", " ")
    # the next snapshot: without a register, the app's requests and decisions carry over; with one naming
    # CR-2, the import wins
    second = cd.write(con, label="2026-04", as_of=D(2026, 4, 30), changes=None)
    carried = changes.list_requests(con, second).set_index("cr_id")
    assert sorted(carried.index) == ["APP-0001", "CR-2"] and carried.loc["CR-2", "status"] == "rejected"
    third = cd.write(con, label="2026-05", as_of=D(2026, 5, 31), changes=cd.CHANGES.iloc[[1]].assign(status="approved"))
    taken_over = changes.list_requests(con, third).set_index("cr_id")
    assert taken_over.loc["CR-2", "status"] == "approved" and "APP-0001" in taken_over.index


def test_roles_and_deletion(con):
    from store.snapshots import delete_snapshot, find_debris

    first = cd.write(con)
    viewer = Actor("v@example.com", "V", "viewer")
    analyst = Actor("a@example.com", "A", "analyst")
    with pytest.raises(PermissionDenied):
        changes.raise_request(con, first, ChangeRequest("P1", "x"), actor=viewer)
    cr_id = changes.raise_request(con, first, ChangeRequest("P1", "x"), actor=analyst)
    with pytest.raises(PermissionDenied):
        changes.decide(con, first, cr_id, "approved", "ok", actor=analyst)
    with pytest.raises(StoreError):
        changes.raise_request(con, first, ChangeRequest("P9", "unknown project"))
    delete_snapshot(con, first)
    assert con.execute("SELECT count(*) FROM change_requests_app").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM change_requests").fetchone()[0] == 0
    assert find_debris(con).clean


def test_committed_demand_of_the_store_matches_the_hand_frame(con):
    first = cd.write(con)
    stored = delivery.committed_demand(con, first)
    assert stored["demand_fte"].sum() == _committed_demand()["demand_fte"].sum() == 10.0
