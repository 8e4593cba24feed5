"""Business cases (analytics/cases.py, store/cases.py, `cli.py cases`): NPV, IRR and payback pinned on a
hand-worked example, the derived flows without a cash_flows file, and the contract file imported for real."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import pyxirr

import cli
from analytics.cases import (
    annual_irr,
    business_cases,
    discount_factors,
    payback_offset,
    project_flows,
    start_npv,
    value_at_horizon_start,
)
from analytics.errors import InvalidInput
from store import snapshots
from store.contract import KINDS, kind_from_file_name
from store.importer import import_paths

# The worked example of docs/business-cases.md: cost 100 at offset 0, benefit 10 a month at offsets 1..12,
# r = 10 % a year compounded monthly, so v = 1.1^(-1/12) and NPV = -100 + 10 (v + v^2 + ... + v^12).
V = 1.1 ** (-1 / 12)
HAND_NPV = -100 + 10 * V * (1 - V**12) / (1 - V)
EXAMPLE = pd.DataFrame({"project_id": ["A"] * 13, "month_offset": range(13), "cost": [100.0] + [0.0] * 12,
                        "benefit": [0.0] + [10.0] * 12})
ONE = pd.DataFrame({"project_id": ["A"], "duration_months": [1], "budget": [100.0], "expected_benefit": [120.0]})


def test_the_worked_example_npv_irr_and_paybacks():
    (case,) = business_cases(ONE, None, EXAMPLE, rate=0.10)
    assert pytest.approx(14.004878293306, abs=1e-9) == HAND_NPV
    assert case.npv == pytest.approx(HAND_NPV, abs=1e-9)
    # the monthly IRR m zeroes 10 (1 - (1+m)^-12) / m - 100; the annual rate is (1+m)^12 - 1
    monthly = (1 + case.irr) ** (1 / 12) - 1
    assert 10 * (1 - (1 + monthly) ** -12) / monthly - 100 == pytest.approx(0, abs=1e-9)
    assert case.irr == pytest.approx(0.4129989841, abs=1e-9)
    # cumulative net: -100, -90, ..., 0 at offset 10; discounted: -4.2 at offset 10, +5.0 at offset 11
    assert case.payback_month_offset == 10
    assert -100 + 10 * sum(V**k for k in range(1, 11)) < 0 < -100 + 10 * sum(V**k for k in range(1, 12))
    assert case.discounted_payback_month_offset == 11
    assert (case.total_cost, case.total_benefit, case.source) == (100.0, 120.0, "cash_flows")


def test_npv_agrees_with_pyxirr_at_the_equivalent_monthly_rate():
    net = np.array([-100.0] + [10.0] * 12)
    assert pyxirr.npv(1.1 ** (1 / 12) - 1, net.tolist()) == pytest.approx(HAND_NPV, abs=1e-9)


def test_without_cash_flows_the_budget_is_spent_then_the_benefit_spread_over_the_benefit_months():
    # one month of cost 100, then 120 over 12 months = the worked example exactly
    (case,) = business_cases(ONE, None, None, rate=0.10, benefit_months=12)
    assert case.npv == pytest.approx(HAND_NPV, abs=1e-9) and case.source == "derived"
    two = pd.DataFrame({"project_id": ["B"], "duration_months": [2], "budget": [60.0], "expected_benefit": [360.0]})
    flows = project_flows(two)  # default 36 benefit months, 10 a month from offset 2
    assert flows["cost"].tolist()[:2] == [30.0, 30.0] and flows["benefit"].tolist()[:2] == [0.0, 0.0]
    assert flows["month_offset"].tolist() == list(range(38)) and flows["benefit"].tolist()[2:] == [10.0] * 36
    profile = pd.DataFrame({"project_id": ["B", "B"], "month_offset": [0, 1], "planned_spend": [3.0, 1.0]})
    assert project_flows(two, profile)["cost"].tolist()[:2] == [45.0, 15.0]


def test_irr_is_none_when_the_flows_never_change_sign_and_payback_none_when_never_reached():
    assert annual_irr(np.array([-10.0, -5.0])) is None and annual_irr(np.array([3.0, 4.0])) is None
    assert payback_offset(np.array([-10.0, 2.0, 2.0])) is None
    assert payback_offset(np.array([0.0, -10.0, 5.0, 5.0])) == 3   # counted from the first outflow
    assert payback_offset(np.array([5.0, -1.0])) == 0               # never below zero: nothing to recover
    (case,) = business_cases(ONE.assign(expected_benefit=0.0), None, None, rate=0.1)
    assert case.irr is None and case.payback_month_offset is None and case.npv == pytest.approx(-100.0)


def test_start_npv_and_the_value_at_the_horizon_start():
    assert start_npv(ONE, None, EXAMPLE, rate=0.1).to_dict() == pytest.approx({"A": HAND_NPV})
    assert value_at_horizon_start(HAND_NPV, 12, 0.1) == pytest.approx(HAND_NPV / 1.1)
    assert discount_factors([0, 6], 0.21).tolist() == pytest.approx([1.0, 1 / 1.1])


@pytest.mark.parametrize("rate", [-1.0, -2.0, math.nan, math.inf])
def test_a_bad_rate_is_refused(rate):
    with pytest.raises(InvalidInput) as caught:
        business_cases(ONE, rate=rate)
    assert caught.value.key == "cases.invalid_rate"


def test_bad_benefit_months_and_negative_flows_are_refused():
    with pytest.raises(InvalidInput):
        business_cases(ONE, benefit_months=0)
    with pytest.raises(InvalidInput):
        business_cases(ONE, None, EXAMPLE.assign(cost=-1.0))


# --- the contract file, imported for real, and the CLI --------------------------------------------------

PROJECTS = (
    "project_id,name,category,status,start_month,duration_months,budget,expected_benefit\n"
    "A,Example,IT,proposed,2026-05,1,100,120\n"
    "B,Derived,IT,proposed,2026-05,2,60,360\n"
)
FLOWS_ZH = "项目编号,相对月份,现金流出,现金流入\r\nA,0,100,0\r\n" + "".join(f"A,{k},0,10\r\n" for k in range(1, 13))


@pytest.fixture
def imported(tmp_path: Path, con) -> int:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    (folder / "现金流.csv").write_bytes(FLOWS_ZH.encode("gb18030"))
    report = import_paths(con, [folder], label="cases", as_of=dt.date(2026, 4, 30))
    assert report.snapshot_id is not None, report.problems
    return report.snapshot_id


def test_the_kind_is_optional_and_goes_with_its_snapshot(con, imported):
    kind = KINDS["cash_flows"]
    assert [c.name for c in kind.columns] == ["project_id", "month_offset", "cost", "benefit"]
    assert kind_from_file_name("现金流.csv") == kind_from_file_name("cash_flows.csv") == "cash_flows"
    assert "cash_flows" in snapshots.DATA_TABLES
    assert len(snapshots.read_table(con, "cash_flows", imported)) == 13
    snapshots.delete_snapshot(con, imported)
    assert con.execute("SELECT count(*) FROM cash_flows").fetchone() == (0,)


def test_an_unknown_project_in_cash_flows_is_refused(tmp_path: Path, con):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    (folder / "cash_flows.csv").write_text("project_id,month_offset,cost,benefit\nZZ,0,1,0\nA,0,-1,0\n", encoding="utf-8")
    report = import_paths(con, [folder], label="bad", as_of=dt.date(2026, 4, 30))
    assert report.snapshot_id is None
    assert {p.code for p in report.problems if p.severity == "error"} >= {"unknown_project"}
    assert len(report.errors) == 2


def test_cli_cases_json_and_text(db_file: Path, imported, capsys):
    assert cli.main(["cases", "--db", str(db_file), "--discount-rate", "0.1", "--benefit-months", "12", "--json"]) == 0
    rows = {r["project_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["A"]["npv"] == pytest.approx(HAND_NPV, abs=1e-9) and rows["A"]["payback_month_offset"] == 10
    assert rows["A"]["discounted_payback_month_offset"] == 11 and rows["A"]["source"] == "cash_flows"
    # B: 30, 30 out, then 360 / 12 = 30 a month from offset 2: back to zero at offset 3
    assert rows["B"]["payback_month_offset"] == 3 and rows["B"]["source"] == "derived"
    assert cli.main(["cases", "--db", str(db_file), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "净现值" in out and "年折现率 8%" in out.replace("8.0%", "8%")


def test_cli_cases_refuses_a_bad_rate_and_a_missing_database(db_file: Path, imported, tmp_path: Path, capsys):
    assert cli.main(["cases", "--db", str(db_file), "--discount-rate", "-1.5"]) == 2
    assert "-1.5" in capsys.readouterr().err
    assert cli.main(["cases", "--db", str(tmp_path / "none.duckdb")]) == 2


def test_cli_optimize_with_the_npv_objective(db_file: Path, imported, capsys):
    argv = ["optimize", "--db", str(db_file), "--objective", "npv", "--discount-rate", "0.1", "--json"]
    assert cli.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    # A (NPV 14.0 with its cash flows, starting in the horizon's second month) and B (derived: 60 out,
    # 360 in over 36 months, clearly positive) are both taken; A is worth HAND_NPV / 1.1^(1/12) there
    assert out["objective_kind"] == "npv" and {p["project_id"] for p in out["selected"]} == {"A", "B"}
    a = next(p for p in out["selected"] if p["project_id"] == "A")
    assert a["value"] == pytest.approx(HAND_NPV / 1.1 ** (1 / 12), abs=1e-9)


def test_alternatives_are_ordered_by_the_documented_rule_with_the_deciding_reason():
    from analytics.cases import BusinessCase, compare_alternatives

    def case(pid, value):
        return BusinessCase(pid, value, None, None, None, 0.0, 0.0, "derived")

    projects = pd.DataFrame({
        "project_id": ["A", "B", "C", "D", "E", "F"], "name": list("ABCDEF"),
        "status": ["proposed"] * 5 + ["cancelled"], "risk_score": [3.0, 2.0, 2.0, 1.0, None, 1.0],
        "exclusive_group": ["G", "G", "G", "G", None, "G"],
    })
    cases = [case("A", -5.0), case("B", 10.0), case("C", 20.0), case("D", 10.0), case("E", 1.0), case("F", 99.0)]
    values = {"A": 99.0, "B": 50.0, "C": 50.0, "D": 50.0}
    demand = pd.DataFrame({"project_id": ["B", "B"], "role": ["dev", "dev"], "month_offset": [0, 1], "fte": [1.0, 2.5]})
    rows = compare_alternatives(projects, cases, values, demand, {"D"})
    # C (higher NPV than B and D), then D (same value and NPV as B, lower risk), B, and A last: NPV < 0
    assert [(r.project_id, r.rank, r.reason, r.next_project_id) for r in rows] == [
        ("C", 1, "npv", "D"), ("D", 2, "risk", "B"), ("B", 3, "npv_sign", "A"), ("A", 4, "last", None)]
    assert rows[2].peak_fte == {"dev": 2.5} and [r.in_plan for r in rows] == [False, True, False, False]


def test_orphan_rows_of_the_new_tables_are_found_and_removed(con):
    con.execute("INSERT INTO cash_flows VALUES (99, 'A', 0, 1.0, 0.0)")
    con.execute("INSERT INTO lessons VALUES (99, 'A', DATE '2026-01-01', NULL, 'x', NULL)")
    con.execute("INSERT INTO captured_lessons (snapshot_id, project_id, recorded_on, lesson) VALUES (99, 'A', DATE '2026-01-01', 'y')")
    found = snapshots.find_debris(con)
    assert {t: found.orphan_rows.get(t) for t in ("cash_flows", "lessons", "captured_lessons")} == \
        {"cash_flows": 1, "lessons": 1, "captured_lessons": 1}
    snapshots.remove_debris(con)
    assert con.execute("SELECT (SELECT count(*) FROM cash_flows) + (SELECT count(*) FROM lessons)"
                       " + (SELECT count(*) FROM captured_lessons)").fetchone() == (0,)
