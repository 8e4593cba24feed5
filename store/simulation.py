"""What the Monte Carlo simulation of a saved scenario reads: its portfolio with three-point estimates.

`scenario_input(con, scenario_id)` returns the scenario and an `analytics.simulation.SimulationInput`
for the projects its result selects (committed work included) at their chosen start months; the
horizon is the scenario's. `simulate_scenario` runs it with the scenario's budget unless one is given.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import numpy as np

from analytics.months import month_index
from analytics.simulation import (
    OverrunPrior,
    SimulationInput,
    SimulationSummary,
    horizon_shares,
    simulate,
    simulation_input,
)
from store.errors import StoreError
from store.portfolio import _projects as portfolio_projects
from store.scenarios import Scenario, get_scenario
from store.snapshots import read_table


class NoPortfolio(StoreError):
    """The scenario has no solution to simulate."""

    key = "simulation.no_portfolio"


def scenario_input(con: duckdb.DuckDBPyConnection, scenario_id: int,
                   priors: Mapping[str, OverrunPrior] | None = None) -> tuple[Scenario, SimulationInput]:
    scenario = get_scenario(con, scenario_id)
    if not scenario.result.has_solution:
        raise NoPortfolio(f"scenario {scenario_id} has no portfolio", scenario_id=scenario_id)
    # the projects and spend profile as load_portfolio gives them, without the demand, capacity and
    # scores it reads too (a million demand rows at 10,000 projects)
    every = portfolio_projects(read_table(con, "projects", scenario.snapshot_id))
    profile = read_table(con, "spend_profile", scenario.snapshot_id)[["project_id", "month_offset", "planned_spend"]]
    spend_profile = None if profile.empty else profile.reset_index(drop=True)
    starts = {p.project_id: p.start_month for p in scenario.result.selected}
    projects = every[every["project_id"].isin(list(starts))].reset_index(drop=True)
    horizon_start = month_index(scenario.params.horizon_start)
    start = np.array([month_index(starts[pid]) - horizon_start for pid in projects["project_id"]], dtype=int)
    share = horizon_shares(projects, spend_profile, start, scenario.params.horizon_months)
    return scenario, simulation_input(projects, share, start, scenario.params.horizon_months, priors)


def simulate_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int, *, runs: int, seed: int,
                      budget: float | None = None, correlation: float = 0.0,
                      priors: Mapping[str, OverrunPrior] | None = None) -> SimulationSummary:
    """The scenario's portfolio simulated; `budget` defaults to the scenario's own (None: no limit)."""
    scenario, inp = scenario_input(con, scenario_id, priors)
    limit = budget if budget is not None else scenario.params.budget
    return simulate(inp, runs, seed, limit, correlation)
