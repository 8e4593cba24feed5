"""Robust selection for a saved scenario or a snapshot: the data, the priors and the sampled inputs
that analytics.robust needs, read from the database."""

from __future__ import annotations

import duckdb
import numpy as np

from analytics.robust import ChanceResult, Progress, chance_constrained
from analytics.robust import selection_frequency as _frequency
from analytics.selection_types import PortfolioData, SelectionParams
from analytics.simulation import SimulationInput, simulation_input
from store.history import overrun_priors
from store.portfolio import load_portfolio
from store.scenarios import get_scenario


def portfolio_input(con: duckdb.DuckDBPyConnection, data: PortfolioData, horizon_months: int) -> SimulationInput:
    """Every project of `data` as a simulation input (the horizon shares are not used by re-optimisation)."""
    n = len(data.projects)
    return simulation_input(data.projects, np.ones(n), np.zeros(n, dtype=int), horizon_months, overrun_priors(con))


def selection_frequency(con: duckdb.DuckDBPyConnection, scenario_id: int, *, futures: int, seed: int,
                        correlation: float = 0.0, progress: Progress | None = None) -> dict[str, float]:
    """Each project's share of K re-optimised futures (the scenario's parameters and weights) selecting it."""
    scenario = get_scenario(con, scenario_id)
    data = load_portfolio(con, scenario.snapshot_id, scenario.params.weight_set_id)
    inp = portfolio_input(con, data, scenario.params.horizon_months)
    return _frequency(data, scenario.params, inp, futures, seed, correlation, progress)


def chance_budget(con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, confidence: float,
                  *, samples: int = 2000, seed: int = 1, correlation: float = 0.0,
                  progress: Progress | None = None) -> ChanceResult:
    """analytics.robust.chance_constrained on the snapshot's data with the history's overrun priors."""
    inp = portfolio_input(con, data, params.horizon_months)
    return chance_constrained(data, params, inp, confidence, samples, seed, correlation, progress)
