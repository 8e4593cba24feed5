"""The recommendation pack: every figure of the hand-made scenario in tests/report_helpers.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from numpy.testing import assert_allclose

from analytics.errors import InvalidInput
from analytics.months import add_months, month_index
from reports.pack import (
    HIRES_AND_OTHER,
    assemble_pack,
    build_pack,
    fiscal_year,
    read_pack_inputs,
)
from reports.text import ReportText
from store import weights
from store.scenarios import ScenarioNotFound
from tests import report_helpers as h

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def scenario(con):
    snapshot_id = h.make_snapshot(con)
    return snapshot_id, h.make_scenario(con, snapshot_id)


def test_summary_figures(con, scenario):
    pack = build_pack(con, scenario[1], generated_on=DAY)
    s = pack.summary
    assert (pack.scenario_name, pack.is_recommended, pack.rationale) == ("方案A", True, "价值最高且人力可行")
    assert (pack.snapshot_label, pack.as_of, pack.currency_unit, pack.generated_on) == ("2026 年 1 月快照", dt.date(2026, 1, 1), "万元", DAY)
    assert (s.status, s.objective, s.greedy_objective) == ("optimal", 220.0, 200.0)
    assert s.uplift_over_greedy == pytest.approx(0.10)                       # (220 - 200) / 200
    assert (s.selected_count, s.committed_count, s.left_out_count) == (2, 1, 2)
    assert (s.total_cost, s.new_cost, s.committed_cost) == (800.0, 500.0, 300.0)
    assert (s.new_spend, s.committed_spend) == pytest.approx((500.0, 300.0))  # all inside the horizon here
    assert (s.budget, s.budget_headroom) == (1000.0, 200.0)
    assert s.strategic_value_selected == pytest.approx(92 + 48)
    assert s.strategic_value_available == pytest.approx(92 + 48 + 76 + 12)
    assert s.strategic_coverage == pytest.approx(140 / 228)
    assert s.expected_benefit_selected == 750.0                               # P1 600 + P2 150
    assert (s.hire_cost, s.peak_utilisation, s.peak_role, s.peak_month) == (10.0, 1.0, "开发", "2026-02")
    assert (s.over_allocated_cells, s.horizon_start, s.horizon_end) == (0, "2026-01", "2026-12")


def test_selected_and_left_out(con, scenario):
    pack = build_pack(con, scenario[1], generated_on=DAY)
    assert [p.project_id for p in pack.selected] == ["P1", "P2", "P3"]  # new by start month, then committed
    p1 = pack.selected[0]
    assert (p1.start_month, p1.end_month, p1.requested_start_month, p1.duration_months) == ("2026-02", "2026-05", "2026-01", 4)
    assert (p1.department, p1.status, p1.expected_benefit, p1.committed, p1.forced_in) == ("信息部", "proposed", 600.0, False, False)
    assert_allclose([p.strategic_value for p in pack.selected], [92.0, 48.0, 80.0])
    assert pack.selected[1].forced_in and pack.selected[1].name == h.INJECTION
    assert [p.project_id for p in pack.left_out] == ["P4", "P5"]             # highest strategic value first
    p4, p5 = pack.left_out
    assert [r.code for r in p4.reasons] == ["capacity", "budget"] and p4.price_of_forcing == 12.5
    assert p5.forcing_infeasible and p5.price_of_forcing is None and p5.strategic_value == pytest.approx(12.0)


def test_budget_by_year_and_category(con, scenario):
    pack = build_pack(con, scenario[1], generated_on=DAY)
    (year,) = pack.budget_by_year
    assert (year.fiscal_year, year.spend, year.cap) == (2026, 800.0, 900.0)
    assert dict(year.by_category) == pytest.approx({"数字化": 700.0, "运营": 100.0})
    assert [(c.category, c.spend) for c in pack.budget_by_category] == [("数字化", 700.0), ("运营", 100.0)]
    assert [c.share for c in pack.budget_by_category] == pytest.approx([0.875, 0.125])
    assert pack.categories == ("数字化", "运营")


def test_role_load_and_summary(con, scenario):
    pack = build_pack(con, scenario[1], generated_on=DAY)
    assert len(pack.role_load) == 24 and pack.months[0] == "2026-01" and pack.months[-1] == "2026-12"
    march = next(r for r in pack.role_load if r.role == "开发" and r.month == "2026-03")
    assert (march.demand_fte, march.capacity_fte, march.hired_fte) == (2.4, 2.0, 0.5)
    assert march.utilisation == pytest.approx(2.4 / 2.5)
    dev, test = pack.role_summary
    assert (dev.role, dev.peak_utilisation, dev.peak_month, dev.months_over_capacity, dev.hired_fte_months) == ("开发", 1.0, "2026-02", 0, 0.5)
    assert (test.role, test.peak_utilisation, test.peak_month) == ("测试", 0.25, "2026-03")


def test_weights_frontier_marginals_and_names(con, scenario):
    pack = build_pack(con, scenario[1], generated_on=DAY)
    assert (pack.weights.weight_set_id, pack.weights.method, pack.weights.consistency_ratio) == (None, "file", None)
    assert [(w.objective_id, w.name) for w in pack.weight_lines] == [("O1", "营收增长"), ("O2", "客户体验")]
    assert_allclose([w.weight for w in pack.weight_lines], [0.6, 0.4])
    assert [p.budget for p in pack.frontier] == [300.0, 800.0, 1300.0]
    assert pack.names_of(("P1", "P9")) == ("智慧园区一期", "P9")
    assert [(m.resource, m.value_per_unit, m.method) for m in pack.marginal_values] == [("开发", 4.2, "resolve"), ("budget", 0.15, "lp_dual")]


def test_risks_and_decisions(con, scenario):
    pack = build_pack(con, scenario[1], generated_on=DAY)
    assert [(f.code, dict(f.params)) for f in pack.risks] == [
        ("capacity_tight", {"role": "开发", "peak": 1.0, "month": "2026-02"}),
        ("high_risk", {"count": 1, "threshold": 4.0, "names": (h.INJECTION,)}),
    ]
    assert [f.code for f in pack.decisions] == ["approve", "deferred", "hiring", "forced_in", "close_call"]
    assert dict(pack.decisions[0].params) == {"count": 2, "cost": 500.0, "first_month": "2026-02"}
    assert dict(pack.decisions[1].params)["names"] == ("智慧园区一期",)
    assert dict(pack.decisions[2].params) == {"fte_months": 0.5, "roles": ("开发",), "cost": 10.0}
    assert dict(pack.decisions[4].params) == {"name": "Data lake", "price": 12.5, "cost": 500.0}


def test_ahp_weight_set_named_in_the_parameters_is_used(con):
    snapshot_id = h.make_snapshot(con)
    set_id = weights.save_weight_set(con, snapshot_id=snapshot_id, name="董事会 AHP", method="ahp_eigen",
                                     weights={"O1": 0.25, "O2": 0.75}, consistency_ratio=0.12)
    from store import scenarios

    scenario_id = scenarios.save_scenario(con, snapshot_id=snapshot_id, name="AHP", params=h.params(weight_set_id=set_id),
                                          payload=h.payload())
    pack = build_pack(con, scenario_id, generated_on=DAY)
    assert (pack.weights.weight_set_id, pack.weights.name, pack.weights.method) == (set_id, "董事会 AHP", "ahp_eigen")
    assert pack.weights.consistency_ratio == pytest.approx(0.12)
    # P1 under 0.25/0.75: 100 * (0.25 * 5 + 0.75 * 4) / 5 = 85
    assert pack.selected[0].strategic_value == pytest.approx(85.0)
    assert ("weights_inconsistent", {"cr": pytest.approx(0.12)}) in [(f.code, dict(f.params)) for f in pack.risks]
    weights.delete_weight_set(con, set_id)
    after = build_pack(con, scenario_id, generated_on=DAY)
    # the scenario kept the weights it was solved with: same name, method, CR and scores, flagged deleted
    assert after.weights.missing and (after.weights.name, after.weights.method) == ("董事会 AHP", "ahp_eigen")
    assert dict(after.weights.weights) == pytest.approx({"O1": 0.25, "O2": 0.75})
    assert "weights_missing" in [f.code for f in after.risks]
    assert after.selected[0].strategic_value == pytest.approx(85.0)
    assert ReportText("en").weight_set_label(after) == (
        f"董事会 AHP (#{set_id}, since deleted; the weights as solved, kept with the scenario)")


def test_scenario_saved_without_its_weights_falls_back_to_the_file_weights(con):
    # scenarios saved by 0.1.0 kept only the set's id and name
    snapshot_id = h.make_snapshot(con)
    set_id = weights.save_weight_set(con, snapshot_id=snapshot_id, name="Old", method="direct",
                                     weights={"O1": 0.25, "O2": 0.75})
    from store import scenarios

    payload = dict(h.payload(), weight_set={"weight_set_id": set_id, "name": "Old"})
    scenario_id = scenarios.save_scenario(con, snapshot_id=snapshot_id, name="Old", params=h.params(weight_set_id=set_id),
                                          payload=payload)
    # save_scenario now records the weights themselves: put the row back as 0.1.0 stored it
    con.execute("UPDATE scenarios SET result = ? WHERE scenario_id = ?", [json.dumps(payload), scenario_id])
    weights.delete_weight_set(con, set_id)
    after = build_pack(con, scenario_id, generated_on=DAY)
    assert after.weights.missing and after.weights.method == "file"
    assert after.selected[0].strategic_value == pytest.approx(92.0)  # file weights
    assert ReportText("zh").weight_set_label(after) == f"权重方案 Old #{set_id}（已删除，显示文件权重）"


def test_fiscal_years_starting_in_april_and_spend_outside_projects(con, scenario):
    inputs = read_pack_inputs(con, scenario[1])
    result = h.result()
    # 10 of hired staff in March 2026, as the optimiser counts it in spend_by_month
    spend = dict(result.spend_by_month)
    spend["2026-03"] += 10.0
    inputs = dataclasses.replace(
        inputs,
        params=h.params(fiscal_year_start_month=4, annual_budget_caps={2025: 400.0, 2026: 600.0}),
        result=dataclasses.replace(result, spend_by_month=spend, total_cost=810.0),
    )
    pack = assemble_pack(inputs, generated_on=DAY)
    fy2025, fy2026 = pack.budget_by_year
    # FY2025 = Jan-Mar 2026: 100 + 200 + 260; FY2026 = Apr-Dec 2026: 150 + 100
    assert (fy2025.fiscal_year, fy2025.spend, fy2025.cap) == (2025, 560.0, 400.0)
    assert (fy2026.fiscal_year, fy2026.spend, fy2026.cap) == (2026, 250.0, 600.0)
    # P1 100/month Feb-Mar + P3 100/month Jan-Mar = 500 digital; P2 50 in March = 50 operations; 10 hires
    assert dict(fy2025.by_category) == pytest.approx({"数字化": 500.0, "运营": 50.0, HIRES_AND_OTHER: 10.0})
    assert dict(fy2026.by_category) == pytest.approx({"数字化": 200.0, "运营": 50.0})
    assert pack.categories == ("数字化", "运营", HIRES_AND_OTHER)
    assert ("annual_cap_tight", 2025) in [(f.code, f.params.get("year")) for f in pack.risks]


def test_a_scenario_without_solution_has_no_pack(con, scenario):
    inputs = read_pack_inputs(con, scenario[1])
    failed = dataclasses.replace(inputs, result=dataclasses.replace(inputs.result, status="infeasible", objective=None))
    with pytest.raises(InvalidInput) as error:
        assemble_pack(failed)
    assert error.value.key == "report.error.no_solution"


def test_unknown_scenario(con):
    with pytest.raises(ScenarioNotFound):
        build_pack(con, 999)


def test_month_helpers():
    assert month_index("2026-03") - month_index("2025-12") == 3
    assert add_months("2026-11", 3) == "2027-02"
    assert [fiscal_year(m, 4) for m in ("2026-03", "2026-04", "2027-03")] == [2025, 2026, 2026]
    assert fiscal_year("2026-12") == 2026
    with pytest.raises(InvalidInput):
        month_index("March")


def test_spend_inside_the_horizon_counts_only_its_months(con, scenario):
    inputs = read_pack_inputs(con, scenario[1])
    result = h.result()
    # horizon Feb 2026 - Jan 2027: P3 (committed, Jan-Mar at 100 a month) spends 200 inside it
    spend = {m: v for m, v in result.spend_by_month.items() if m != "2026-01"} | {"2027-01": 0.0}
    inputs = dataclasses.replace(inputs, params=h.params(horizon_start="2026-02"),
                                 result=dataclasses.replace(result, spend_by_month=spend, total_cost=700.0))
    s = assemble_pack(inputs, generated_on=DAY).summary
    assert (s.new_spend, s.committed_spend, s.total_cost) == pytest.approx((500.0, 200.0, 700.0))
    assert (s.new_cost, s.committed_cost) == (500.0, 300.0)  # budgets are whole
    assert (s.horizon_start, s.horizon_end) == ("2026-02", "2027-01")


def test_many_loaded_roles_are_named_three_at_a_time(con, scenario):
    inputs = read_pack_inputs(con, scenario[1])
    result = h.result()
    roles = {f"角色{i}": {"2026-01": 1.0 - i / 100} for i in range(5)}  # 100 %, 99 %, ... 96 %
    capacity = {r: {"2026-01": 1.0} for r in roles}
    inputs = dataclasses.replace(inputs, result=dataclasses.replace(result, load=roles, capacity=capacity, hires={}))
    risks = assemble_pack(inputs, generated_on=DAY).risks
    assert [(f.code, f.params.get("role")) for f in risks[:4]] == [
        ("capacity_tight", "角色0"), ("capacity_tight", "角色1"), ("capacity_tight", "角色2"), ("capacity_more", None)]
    assert dict(risks[3].params) == {"count": 2, "roles": ("角色3", "角色4")}
