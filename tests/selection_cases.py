"""Small hand-solvable portfolios for the optimiser tests (not a test module itself).

`project(...)` makes one project row with sensible defaults, `portfolio(...)` assembles PortfolioData,
`flat_demand(pid, role, fte, months)` spreads a constant FTE over the first `months` offsets, and
`capacity(role, fte, months)` gives a role the same capacity in each month of a range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.selection_types import PortfolioData, SelectionParams

START = "2026-01"
ORLIB_DIR = Path(__file__).resolve().parent / "resources" / "orlib"


def month(offset: int, start: str = START) -> str:
    index = int(start[:4]) * 12 + int(start[5:]) - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def project(pid: str, *, start: int = 0, latest: int | None = None, duration: int = 1, budget: float = 0.0,
            benefit: float | None = None, status: str = "proposed", category: str | None = "core",
            risk: float | None = 1.0, mandatory: bool = False, depends_on: Iterable[str] = (),
            group: str | None = None) -> dict[str, Any]:
    return {
        "project_id": pid, "name": f"Project {pid}", "category": category, "status": status,
        "start_month": month(start), "latest_start_month": None if latest is None else month(latest),
        "duration_months": duration, "budget": float(budget), "expected_benefit": benefit, "risk_score": risk,
        "mandatory": mandatory, "depends_on": list(depends_on), "exclusive_group": group,
    }


def flat_demand(pid: str, role: str, fte: float, months: int) -> list[dict[str, Any]]:
    return [{"project_id": pid, "role": role, "month_offset": m, "fte": float(fte)} for m in range(months)]


def capacity(role: str, fte: float, months: int = 12, hire_cost: float | None = None) -> list[dict[str, Any]]:
    return [{"role": role, "month": month(m), "capacity_fte": float(fte), "hire_cost_per_fte_month": hire_cost}
            for m in range(months)]


def portfolio(projects: list[dict[str, Any]], values: Mapping[str, float] | None = None,
              demand: list[dict[str, Any]] | None = None, capacity_rows: list[dict[str, Any]] | None = None,
              as_of: str = START) -> PortfolioData:
    demand_frame = pd.DataFrame(demand or [], columns=["project_id", "role", "month_offset", "fte"])
    capacity_frame = pd.DataFrame(capacity_rows or [], columns=["role", "month", "capacity_fte", "hire_cost_per_fte_month"])
    return PortfolioData(pd.DataFrame(projects), dict(values or {}), demand_frame, capacity_frame, as_of)


def params(**changes: Any) -> SelectionParams:
    base: dict[str, Any] = {"horizon_start": START, "horizon_months": 12, "time_limit_seconds": 30.0}
    base.update(changes)
    return SelectionParams(**base)


def knapsack_by_budget() -> PortfolioData:
    """A(6 for 3), B(8 for 5), C(8 for 5): value per cost ranks A first, yet with budget 10 the best is B + C."""
    return portfolio(
        [project("A", budget=3), project("B", budget=5), project("C", budget=5)],
        values={"A": 6, "B": 8, "C": 8},
    )


def category_case() -> PortfolioData:
    """D1 (10 for 10) and D2 (9 for 10) in 数字化转型, O1 (3 for 10) in ops."""
    return portfolio(
        [project("D1", budget=10, category="数字化转型"), project("D2", budget=10, category="数字化转型"),
         project("O1", budget=10, category="ops")],
        values={"D1": 10, "D2": 9, "O1": 3},
    )


def store_small_portfolio(con: Any, label: str = "2026-04") -> int:
    """A snapshot in DuckDB (typed frames) whose optimum is worked out in tests/test_cli_optimize.py."""
    import datetime as dt

    from store.snapshots import create_snapshot

    def m(text: str) -> dt.date:
        return dt.date(int(text[:4]), int(text[5:]), 1)

    rows = [
        ("C1", "active", "2026-02", None, 4, 40.0, 0.0, None, [], None),
        ("P1", "proposed", "2026-04", "2026-06", 3, 30.0, 50.0, "数字化转型", [], None),
        ("P2", "proposed", "2026-04", "2026-12", 2, 20.0, 20.0, "ops", ["P1"], None),
        ("P3", "proposed", "2026-05", None, 1, 25.0, 40.0, "ops", [], "G"),
        ("P4", "proposed", "2026-04", None, 1, 10.0, 5.0, "ops", [], "G"),
        ("X1", "completed", "2025-01", None, 3, 9.0, 1.0, "ops", [], None),
    ]
    projects = pd.DataFrame([
        {"project_id": pid, "name": f"项目 {pid}", "category": cat, "status": status, "start_month": m(start),
         "latest_start_month": None if latest is None else m(latest), "duration_months": duration, "budget": budget,
         "expected_benefit": benefit, "risk_score": 2.0, "mandatory": False, "depends_on": deps, "exclusive_group": group}
        for pid, status, start, latest, duration, budget, benefit, cat, deps, group in rows
    ])
    demand = pd.DataFrame(
        [{"project_id": "C1", "role": "dev", "month_offset": k, "fte": 1.0} for k in range(4)]
        + [{"project_id": "P1", "role": "dev", "month_offset": k, "fte": 1.0} for k in range(3)]
        + [{"project_id": "P2", "role": "dev", "month_offset": k, "fte": 1.0} for k in range(2)]
        + [{"project_id": "P3", "role": "dev", "month_offset": 0, "fte": 1.0}]
    )
    capacity_frame = pd.DataFrame([{"role": "dev", "month": m(month(k, "2026-04")), "capacity_fte": 2.0,
                                    "hire_cost_per_fte_month": 3.0} for k in range(12)])
    objectives = pd.DataFrame({"objective_id": ["growth", "efficiency"], "name": ["Growth", "Efficiency"],
                               "weight": [3.0, 1.0]})
    scores = pd.DataFrame({"project_id": ["P1", "P1", "P2"], "objective_id": ["growth", "efficiency", "growth"],
                           "score": [4.0, 2.0, 5.0]})
    frames = {"projects": projects, "demand": demand, "capacity": capacity_frame, "objectives": objectives,
              "project_scores": scores}
    return create_snapshot(con, label=label, as_of=dt.date(2026, 4, 30), frames=frames, files=[])


def random_portfolio(seed: int) -> tuple[PortfolioData, float]:
    """7 proposals over 8 months, two roles, start windows of 1-4 months, chains of dependencies,
    one exclusive pair, one committed project; capacity and budget both bind."""
    rng = np.random.default_rng(seed)
    rows, demand = [], []
    for i in range(7):
        pid = f"P{i}"
        start, window, duration = int(rng.integers(0, 4)), int(rng.integers(0, 4)), int(rng.integers(1, 4))
        depends = [f"P{int(rng.integers(0, i))}"] if i >= 2 and rng.random() < 0.4 else []
        rows.append(project(pid, start=start, latest=start + window, duration=duration,
                            budget=float(rng.integers(1, 10)), depends_on=depends,
                            group="alt" if i in (5, 6) else None, category="core" if i % 2 else "ops"))
        for role in rng.choice(["dev", "ops"], size=int(rng.integers(1, 3)), replace=False):
            demand += flat_demand(pid, str(role), float(rng.choice([0.5, 1.0, 1.5])), duration)
    rows.append(project("C", start=0, duration=3, budget=4, status="active"))
    demand += flat_demand("C", "dev", 1.0, 3)
    values = {r["project_id"]: float(rng.integers(1, 20)) for r in rows}
    cap = capacity("dev", float(rng.choice([1.5, 2.0, 2.5])), 8) + capacity("ops", float(rng.choice([1.0, 1.5])), 8)
    budget = float(sum(r["budget"] for r in rows) * 0.5)
    return portfolio(rows, values=values, demand=demand, capacity_rows=cap), budget
