"""A small hand-made snapshot and scenario for the export tests, with every figure worked out by hand.

Five projects over a 12-month horizon from 2026-01 (money in 万元):
- P1 智慧园区一期: proposal, earliest start 2026-01, 4 months, 400; chosen to start 2026-02 (ends 2026-05).
- P2 `=HYPERLINK("http://x","y")`: proposal, 2 months, 100, risk 4.5, forced in; starts 2026-03.
- P3 ERP 升级: active (committed), 2026-01, 3 months, 300.
- P4 Data lake: proposal, 500, left out (capacity, budget), price of forcing 12.5.
- P5 -负面示例 (a name starting with "-"): proposal depending on P4, left out, forcing infeasible.

Spend by month (cost spread evenly): Jan 100, Feb 200, Mar 250, Apr 150, May 100 = 800 in total;
by category 数字化 700 (P1 + P3), 运营 100 (P2). Objective weights from the file: O1 0.6, O2 0.4, so
strategic values (100 * sum w * score / 5) are P1 92, P2 48, P3 80, P4 76, P5 12 (O2 missing = 0).
Role 开发 (capacity 2 FTE every month, 0.5 FTE hired in March): load Jan 1, Feb 2, Mar 2.4, Apr 1,
May 1 -> peak utilisation 100 % in 2026-02; role 测试: 0.5 FTE in Mar and Apr -> peak 25 %.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd

from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    Reason,
    SelectedProject,
    SelectionParams,
    SelectionResult,
    explanations_to_dict,
    frontier_to_dict,
)
from store import scenarios
from store.snapshots import SourceFile, create_snapshot

INJECTION = '=HYPERLINK("http://x","y")'
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def _d(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def snapshot_frames() -> dict[str, pd.DataFrame]:
    projects = pd.DataFrame(
        [
            ("P1", "智慧园区一期", "数字化", "信息部", "proposed", _d("2026-01"), _d("2026-06"), 4, 400.0, 600.0, 2.0, False, [], None),
            ("P2", INJECTION, "运营", "运营部", "proposed", _d("2026-03"), None, 2, 100.0, 150.0, 4.5, False, [], None),
            ("P3", "ERP 升级", "数字化", "信息部", "active", _d("2026-01"), None, 3, 300.0, 350.0, 3.0, False, [], None),
            ("P4", "Data lake", "运营", "数据部", "proposed", _d("2026-02"), _d("2026-08"), 5, 500.0, 700.0, 3.5, False, [], None),
            ("P5", "-负面示例", "运营", "数据部", "proposed", _d("2026-04"), None, 2, 80.0, 50.0, 1.0, False, ["P4"], None),
        ],
        columns=["project_id", "name", "category", "department", "status", "start_month", "latest_start_month",
                 "duration_months", "budget", "expected_benefit", "risk_score", "mandatory", "depends_on",
                 "exclusive_group"],
    )
    objectives = pd.DataFrame([("O1", "营收增长", 0.6), ("O2", "客户体验", 0.4)], columns=["objective_id", "name", "weight"])
    scores = pd.DataFrame(
        [("P1", "O1", 5.0), ("P1", "O2", 4.0), ("P2", "O1", 2.0), ("P2", "O2", 3.0), ("P3", "O1", 4.0),
         ("P3", "O2", 4.0), ("P4", "O1", 3.0), ("P4", "O2", 5.0), ("P5", "O1", 1.0)],
        columns=["project_id", "objective_id", "score"],
    )
    capacity = pd.DataFrame(
        [(role, _d(m), 2.0, 20.0) for role in ("开发", "测试") for m in MONTHS],
        columns=["role", "month", "capacity_fte", "hire_cost_per_fte_month"],
    )
    demand = pd.DataFrame(
        [("P1", "开发", k, 1.0) for k in range(4)] + [("P2", "测试", k, 0.5) for k in range(2)]
        + [("P3", "开发", k, 1.0) for k in range(3)] + [("P4", "开发", k, 1.5) for k in range(5)],
        columns=["project_id", "role", "month_offset", "fte"],
    )
    return {"projects": projects, "objectives": objectives, "project_scores": scores, "capacity": capacity,
            "demand": demand}


def make_snapshot(con, label: str = "2026 年 1 月快照", frames: dict[str, pd.DataFrame] | None = None) -> int:
    frames = frames or snapshot_frames()
    tag = hashlib.sha256(label.encode("utf-8")).hexdigest()[:12]
    files = [SourceFile(f"{name}.csv", name, f"{tag}-{name}", len(frame)) for name, frame in frames.items()]
    return create_snapshot(con, label=label, as_of=dt.date(2026, 1, 1), frames=frames, files=files,
                           currency_unit="万元", actor="测试")


def delivery_frames(planned: float, earned: float, actual: float, report_day: int) -> dict[str, pd.DataFrame]:
    """The snapshot plus delivery data for the overview:
    - P6 运维平台, active from 2026-02 for 2 months, 50, needs 3 FTE of 测试 (capacity 2): a hot spot in
      2026-02 and 2026-03 at 150 %;
    - one status report of P3 with the given PV, EV, AC (CPI = EV / AC);
    - maturity: 立项 passes levels 1-2 (level 3 scores 60, target 3) -> level 2; 监控 fails level 2
      (70, target 2) -> level 1; organisation level 1, average 1.5, both areas below target.
    """
    frames = snapshot_frames()
    extra = frames["projects"].iloc[[2]].assign(
        project_id="P6", name="运维平台", start_month=_d("2026-02"), duration_months=2, budget=50.0, expected_benefit=60.0)
    frames["projects"] = pd.concat([frames["projects"], extra], ignore_index=True)
    frames["demand"] = pd.concat(
        [frames["demand"], pd.DataFrame([("P6", "测试", k, 3.0) for k in range(2)], columns=list(frames["demand"].columns))],
        ignore_index=True)
    frames["status_reports"] = pd.DataFrame([{
        "project_id": "P3", "report_date": dt.date(2026, 1, report_day), "planned_value": planned,
        "earned_value": earned, "actual_cost": actual, "percent_complete": 100 * earned / 300, "rag": "green",
        "open_risks": 1, "open_issues": 0, "milestones_due": 0, "milestones_met": 0,
    }])
    frames["maturity"] = pd.DataFrame(
        [("立项", "立项审批", 1, 90.0, 3), ("立项", "商业论证", 2, 85.0, 3), ("立项", "组合评审", 3, 60.0, 3),
         ("监控", "周报", 1, 90.0, 2), ("监控", "挣值分析", 2, 70.0, 2)],
        columns=["area", "practice", "level", "score", "target_level"])
    return frames


def make_delivery_snapshots(con) -> tuple[int, int]:
    """Two snapshots of the same portfolio: P3 on budget (CPI 1.0, SPI 1.0), then CPI 0.7, SPI 0.7 (critical)."""
    previous = make_snapshot(con, "2025 年 12 月快照", delivery_frames(50.0, 50.0, 50.0, 10))
    current = make_snapshot(con, "2026 年 1 月快照", delivery_frames(100.0, 70.0, 100.0, 20))
    return previous, current


def params(**changes) -> SelectionParams:
    base = dict(horizon_start="2026-01", horizon_months=12, budget=1000.0, annual_budget_caps={2026: 900.0},
                allow_hiring=True, force_in=("P2",))
    base.update(changes)
    return SelectionParams(**base)


def result() -> SelectionResult:
    zero = dict.fromkeys(MONTHS, 0.0)
    dev = {**zero, "2026-01": 1.0, "2026-02": 2.0, "2026-03": 2.4, "2026-04": 1.0, "2026-05": 1.0}
    test = {**zero, "2026-03": 0.5, "2026-04": 0.5}
    return SelectionResult(
        status="optimal", objective=220.0, bound=220.0, gap=0.0,
        selected=(
            SelectedProject("P1", "智慧园区一期", "数字化", "2026-02", "2026-05", 92.0, 400.0, 2.0, False),
            SelectedProject("P2", INJECTION, "运营", "2026-03", "2026-04", 48.0, 100.0, 4.5, False),
            SelectedProject("P3", "ERP 升级", "数字化", "2026-01", "2026-03", 80.0, 300.0, 3.0, True),
        ),
        total_cost=800.0,
        spend_by_month={**zero, "2026-01": 100.0, "2026-02": 200.0, "2026-03": 250.0, "2026-04": 150.0, "2026-05": 100.0},
        spend_by_category={"数字化": 700.0, "运营": 100.0},
        load={"开发": dev, "测试": test},
        capacity={"开发": dict.fromkeys(MONTHS, 2.0), "测试": dict.fromkeys(MONTHS, 2.0)},
        hires={"开发": {"2026-03": 0.5}},
        hire_cost=10.0, build_seconds=0.01, solve_seconds=0.02, solver="highs",
    )


def left_out() -> tuple[LeftOut, ...]:
    return (
        LeftOut("P4", "Data lake", 76.0, 500.0,
                (Reason("capacity", {"role": "开发", "months": ["2026-03", "2026-04"]}), Reason("budget", {})),
                price_of_forcing=12.5),
        LeftOut("P5", "-负面示例", 12.0, 80.0, (Reason("dependency", {"depends_on": "P4"}),), forcing_infeasible=True),
    )


def frontier() -> tuple[FrontierPoint, ...]:
    return (
        FrontierPoint(300.0, "optimal", 80.0, 300.0, ("P3",), ("P3",), ()),
        FrontierPoint(800.0, "optimal", 220.0, 800.0, ("P1", "P2", "P3"), ("P1", "P2"), ()),
        FrontierPoint(1300.0, "optimal", 296.0, 1300.0, ("P1", "P2", "P3", "P4"), ("P4",), ()),
    )


def payload() -> dict:
    return {
        "result": result().to_dict(),
        "greedy_objective": 200.0,
        "explanations": explanations_to_dict(left_out()),
        "frontier": frontier_to_dict(frontier()),
        "marginal_values": [
            {"resource": "开发", "kind": "role", "value_per_unit": 4.2, "method": "resolve", "note": ""},
            {"resource": "budget", "kind": "budget", "value_per_unit": 0.15, "method": "lp_dual", "note": "LP estimate"},
        ],
    }


def make_scenario(con, snapshot_id: int, name: str = "方案A", recommend: bool = True) -> int:
    scenario_id = scenarios.save_scenario(con, snapshot_id=snapshot_id, name=name, params=params(), payload=payload(),
                                          actor="王经理")
    if recommend:
        scenarios.recommend_scenario(con, scenario_id, "价值最高且人力可行", actor="王经理")
    return scenario_id
