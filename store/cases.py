"""What business cases and the simulation read from one snapshot: projects, spend profile, cash flows.

`case_inputs(con, snapshot_id)` returns the typed `CaseInputs`; `business_cases_of` computes the
figures (analytics.cases) for every project of the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.cases import (
    DEFAULT_BENEFIT_MONTHS,
    DEFAULT_DISCOUNT_RATE,
    Alternative,
    BusinessCase,
    business_cases,
    compare_alternatives,
)
from store.snapshots import get_snapshot, read_table


@dataclass(frozen=True)
class CaseInputs:
    projects: pd.DataFrame               # every column of the projects table
    spend_profile: pd.DataFrame | None   # None when the snapshot has no profile rows
    cash_flows: pd.DataFrame | None      # None when the snapshot has no cash flow rows


def case_inputs(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> CaseInputs:
    get_snapshot(con, snapshot_id)  # SnapshotNotFound for an unknown id
    projects = read_table(con, "projects", snapshot_id)
    profile = read_table(con, "spend_profile", snapshot_id)[["project_id", "month_offset", "planned_spend"]]
    flows = read_table(con, "cash_flows", snapshot_id)[["project_id", "month_offset", "cost", "benefit"]]
    return CaseInputs(projects=projects.reset_index(drop=True),
                      spend_profile=None if profile.empty else profile.reset_index(drop=True),
                      cash_flows=None if flows.empty else flows.reset_index(drop=True))


def business_cases_of(con: duckdb.DuckDBPyConnection, snapshot_id: int, *, rate: float = DEFAULT_DISCOUNT_RATE,
                      benefit_months: int = DEFAULT_BENEFIT_MONTHS) -> list[BusinessCase]:
    """The business case of every project in the snapshot, ordered by project id."""
    inputs = case_inputs(con, snapshot_id)
    projects = inputs.projects.sort_values("project_id", kind="stable")
    return business_cases(projects, inputs.spend_profile, inputs.cash_flows, rate=rate, benefit_months=benefit_months)


def project_names(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, str]:
    """Every project's name in the snapshot, by project id (a blank name: the id)."""
    rows = con.execute("SELECT project_id, name FROM projects WHERE snapshot_id = ?", [snapshot_id]).fetchall()
    return {str(pid): str(name) if name is not None and str(name).strip() else str(pid) for pid, name in rows}


@dataclass(frozen=True)
class CurrentPlan:
    """The plan alternatives are checked against: the recommended scenario, else the latest saved one."""

    scenario_id: int
    name: str
    recommended: bool
    selected: frozenset[str]


def current_plan(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> CurrentPlan | None:
    from store.scenarios import get_scenario, list_scenarios, recommended_scenario

    scenario = recommended_scenario(con, snapshot_id)
    if scenario is None:
        listing = list_scenarios(con, snapshot_id)
        if listing.empty:
            return None
        latest = listing.sort_values(["created_at", "scenario_id"]).iloc[-1]
        scenario = get_scenario(con, int(latest["scenario_id"]))
    return CurrentPlan(scenario.scenario_id, scenario.name, bool(scenario.is_recommended),
                       frozenset(p.project_id for p in scenario.result.selected))


def alternatives_of(con: duckdb.DuckDBPyConnection, snapshot_id: int, *, rate: float = DEFAULT_DISCOUNT_RATE,
                    benefit_months: int = DEFAULT_BENEFIT_MONTHS,
                    cases: Iterable[BusinessCase] | None = None) -> tuple[list[Alternative], CurrentPlan | None]:
    """Every exclusive group's projects compared (analytics.cases.compare_alternatives) and the plan used.

    `cases`: the snapshot's business cases at these settings when the caller has them already
    (`business_cases_of`); computed here otherwise. Each project's peak FTE per role is the database's
    aggregate, not every demand row read (a million rows at 10,000 projects).
    """
    from store.snapshot_diff import strategic_scores

    if cases is None:
        cases = business_cases_of(con, snapshot_id, rate=rate, benefit_months=benefit_months)
    projects = read_table(con, "projects", snapshot_id)
    peaks = con.execute(
        "SELECT project_id, role, max(fte) AS fte FROM demand WHERE snapshot_id = ?"
        " AND snapshot_id IN (SELECT snapshot_id FROM snapshots) GROUP BY project_id, role",
        [snapshot_id],
    ).df()
    plan = current_plan(con, snapshot_id)
    values = strategic_scores(con, snapshot_id).astype(float).to_dict()
    alternatives = compare_alternatives(projects, cases, values, peaks, None if plan is None else set(plan.selected))
    return alternatives, plan
