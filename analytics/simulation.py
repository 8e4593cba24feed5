"""Monte Carlo simulation of a portfolio's cost, value and finish under three-point estimates.

Each project i has, for its budget, expected benefit and duration, a most likely value (the projects
file's budget / expected_benefit / duration_months) and optional low and high values (budget_low ...
duration_high). Sampling (docs/uncertainty.md):

- with low < high, the **triangular** distribution (low, most likely, high); low = high = most likely,
  or no low/high given, means no spread (the most likely value every run);
- a project with no three-point budget (or duration) and an **overrun prior** for its category
  (`OverrunPrior`, learnt from completed projects) samples its ratio actual / planned from that
  category's history (each run draws one of the historical ratios, equally likely) and multiplies the
  most likely value by it;
- projects are independent unless `correlation` ρ > 0: then a Gaussian copula with one common factor
  per quantity and run, z = √ρ·F + √(1-ρ)·ε, u = Φ(z), value = F⁻¹(u) (the triangular's inverse CDF, or
  the ratio at quantile u of the history);
- a sampled duration is rounded up to whole months.

Per run: **cost** = Σ share_i × sampled budget_i, where share_i is the part of project i's most likely
spend that falls inside the horizon (1 when the whole project is inside it; committed work included),
so that with no spread the cost equals the optimiser's spend inside the horizon; **value** = Σ sampled
expected benefit; the portfolio **finishes in the horizon** when every project's start + sampled duration
≤ the horizon's length. Runs are drawn in blocks of `BLOCK_RUNS` from one seeded numpy Generator, so a
seed gives the same figures on every machine and the memory stays bounded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput

BLOCK_RUNS = 1000           # runs sampled at once (memory: runs x projects x 8 bytes per quantity)
QUANTITIES = ("budget", "benefit", "duration")
MODE_COLUMNS = {"budget": "budget", "benefit": "expected_benefit", "duration": "duration_months"}


@dataclass(frozen=True)
class OverrunPrior:
    """Historical ratios actual / planned of one category's completed projects (docs/uncertainty.md)."""

    category: str
    cost_ratios: tuple[float, ...]        # actual cost / budget
    duration_ratios: tuple[float, ...]    # actual months / planned months
    project_ids: tuple[str, ...]          # the completed projects learnt from

    def cost_quantiles(self) -> tuple[float, float]:
        """(median, P90) of the cost overrun (ratio - 1)."""
        ratios = np.asarray(self.cost_ratios, dtype=float)
        return float(np.median(ratios) - 1.0), float(np.percentile(ratios, 90) - 1.0)


@dataclass(frozen=True)
class SimulationInput:
    """The portfolio to simulate, one entry per project (arrays aligned with `project_ids`)."""

    project_ids: tuple[str, ...]
    low: Mapping[str, np.ndarray]         # quantity -> low (NaN: none given)
    mode: Mapping[str, np.ndarray]        # quantity -> most likely
    high: Mapping[str, np.ndarray]        # quantity -> high (NaN: none given)
    horizon_share: np.ndarray             # part of each budget spent inside the horizon (0..1)
    start: np.ndarray                     # start month relative to the horizon start
    horizon_months: int
    cost_pool: tuple[np.ndarray | None, ...] = ()      # historical cost ratios used for each project, or None
    duration_pool: tuple[np.ndarray | None, ...] = ()  # historical duration ratios, or None
    prior_of: tuple[str | None, ...] = ()              # the category whose prior each project uses

    @property
    def size(self) -> int:
        return len(self.project_ids)


@dataclass(frozen=True)
class Percentiles:
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class SimulationSummary:
    runs: int
    seed: int
    budget: float | None
    p_within_budget: float | None      # None without a budget
    cost: Percentiles
    value: Percentiles
    p_finish_in_horizon: float
    correlation: float = 0.0
    priors_used: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # category -> projects using it

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["priors_used"] = {k: list(v) for k, v in self.priors_used.items()}
        return data


def _number_column(frame: pd.DataFrame, column: str, default: float = math.nan) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), default)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def simulation_input(projects: pd.DataFrame, horizon_share: np.ndarray, start: np.ndarray, horizon_months: int,
                     priors: Mapping[str, OverrunPrior] | None = None) -> SimulationInput:
    """Check the three-point columns of `projects` (low <= most likely <= high) and arrange them.

    `projects`: project_id, budget, expected_benefit, duration_months and optionally budget_low/high,
    benefit_low/high, duration_low/high and category. A bad estimate raises InvalidInput naming it.
    """
    ids = tuple(projects["project_id"].astype(str))
    low, mode, high = {}, {}, {}
    for quantity in QUANTITIES:
        mode[quantity] = np.nan_to_num(_number_column(projects, MODE_COLUMNS[quantity]), nan=0.0)
        low[quantity] = _number_column(projects, f"{quantity}_low")
        high[quantity] = _number_column(projects, f"{quantity}_high")
        bad = (low[quantity] > mode[quantity] + 1e-9) | (high[quantity] < mode[quantity] - 1e-9) \
            | (low[quantity] < 0)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise InvalidInput(f"three-point estimate of {ids[position]} ({quantity}) is not low <= most likely <= high",
                               key="simulation.bad_three_point", project=ids[position], quantity=quantity,
                               low=f"{low[quantity][position]:g}", mode=f"{mode[quantity][position]:g}",
                               high=f"{high[quantity][position]:g}")
    cost_pool, duration_pool, prior_of = _pools(projects, low, high, priors or {})
    return SimulationInput(ids, low, mode, high, np.asarray(horizon_share, dtype=float),
                           np.asarray(start, dtype=int), int(horizon_months), cost_pool, duration_pool, prior_of)


def _pools(projects: pd.DataFrame, low: Mapping[str, np.ndarray], high: Mapping[str, np.ndarray],
           priors: Mapping[str, OverrunPrior]) -> tuple[tuple, tuple, tuple]:
    """Each project's historical ratios where it has no three-point estimate and its category a prior."""
    categories = projects["category"] if "category" in projects else pd.Series(None, projects.index)
    cost, duration, used = [], [], []
    for i, category in enumerate(categories):
        prior = priors.get(str(category)) if category is not None and category == category else None
        no_budget_spread = math.isnan(low["budget"][i]) and math.isnan(high["budget"][i])
        no_duration_spread = math.isnan(low["duration"][i]) and math.isnan(high["duration"][i])
        cost.append(np.sort(np.asarray(prior.cost_ratios)) if prior and no_budget_spread and prior.cost_ratios else None)
        duration.append(np.sort(np.asarray(prior.duration_ratios))
                        if prior and no_duration_spread and prior.duration_ratios else None)
        used.append(str(category) if cost[-1] is not None or duration[-1] is not None else None)
    return tuple(cost), tuple(duration), tuple(used)


def triangular_quantile(u: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The inverse CDF of triangular(low, mode, high) at u (low = high gives the constant)."""
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        split = np.where(width > 0, (mode - low) / np.where(width > 0, width, 1.0), 0.0)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(width > 0, np.where(u < split, left, right), mode)


def _uniforms(rng: np.random.Generator, runs: int, size: int, correlation: float) -> np.ndarray:
    """(runs, size) uniforms; with correlation ρ, through a one-factor Gaussian copula."""
    # imported when needed: scipy.special is 0.4 s of every cold start of the Business cases page
    from scipy.special import ndtr

    common = rng.standard_normal((runs, 1))
    own = rng.standard_normal((runs, size))
    return ndtr(math.sqrt(correlation) * common + math.sqrt(1.0 - correlation) * own)


def _sample_quantity(rng: np.random.Generator, inp: SimulationInput, quantity: str, runs: int,
                     correlation: float) -> np.ndarray:
    mode = inp.mode[quantity]
    low = np.where(np.isnan(inp.low[quantity]), mode, inp.low[quantity])
    high = np.where(np.isnan(inp.high[quantity]), mode, inp.high[quantity])
    pools = {"budget": inp.cost_pool, "duration": inp.duration_pool}.get(quantity, ())
    spread = high > low
    pooled = np.array([p is not None for p in pools], dtype=bool) if pools else np.zeros(inp.size, dtype=bool)
    out = np.broadcast_to(mode, (runs, inp.size)).copy()
    if correlation > 0:
        u = _uniforms(rng, runs, inp.size, correlation)
        out[:, spread] = triangular_quantile(u[:, spread], low[spread], mode[spread], high[spread])
    else:
        u = None
        if spread.any():
            out[:, spread] = rng.triangular(low[spread], mode[spread], high[spread], size=(runs, int(spread.sum())))
    for j in np.flatnonzero(pooled):
        ratios = pools[j]
        if u is not None:  # the ratio at quantile u of the history (its empirical inverse CDF)
            pick = np.minimum((u[:, j] * len(ratios)).astype(int), len(ratios) - 1)
        else:
            pick = rng.integers(0, len(ratios), size=runs)
        out[:, j] = mode[j] * ratios[pick]
    return out


def sample(inp: SimulationInput, runs: int, rng: np.random.Generator, correlation: float = 0.0) -> dict[str, np.ndarray]:
    """`runs` sampled futures: quantity -> (runs, projects) array; durations rounded up to whole months."""
    drawn = {q: _sample_quantity(rng, inp, q, runs, correlation) for q in QUANTITIES}
    drawn["duration"] = np.ceil(drawn["duration"] - 1e-9)
    return drawn


def _check(runs: int, correlation: float, budget: float | None) -> None:
    if not 1 <= runs <= 10_000_000:
        raise InvalidInput(f"runs {runs}", key="simulation.bad_runs", value=str(runs))
    if not 0.0 <= correlation <= 1.0:
        raise InvalidInput(f"correlation {correlation}", key="simulation.bad_correlation", value=str(correlation))
    if budget is not None and (not math.isfinite(budget) or budget < 0):
        raise InvalidInput(f"budget {budget}", key="simulation.bad_budget", value=str(budget))


def run_totals(inp: SimulationInput, runs: int, seed: int, correlation: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per run: total cost inside the horizon, total value, and whether every project finished in it."""
    _check(runs, correlation, None)
    rng = np.random.default_rng(seed)
    cost, value, finished = np.empty(runs), np.empty(runs), np.empty(runs, dtype=bool)
    for first in range(0, runs, BLOCK_RUNS):
        n = min(BLOCK_RUNS, runs - first)
        drawn = sample(inp, n, rng, correlation)
        cost[first:first + n] = drawn["budget"] @ inp.horizon_share
        value[first:first + n] = drawn["benefit"].sum(axis=1)
        finished[first:first + n] = np.all(inp.start + drawn["duration"] <= inp.horizon_months, axis=1)
    return cost, value, finished


def _percentiles(values: np.ndarray) -> Percentiles:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return Percentiles(float(p10), float(p50), float(p90))


def simulate(inp: SimulationInput, runs: int, seed: int, budget: float | None = None,
             correlation: float = 0.0) -> SimulationSummary:
    """The summary of `runs` seeded futures (module docstring); p_within_budget is P(cost <= budget)."""
    _check(runs, correlation, budget)
    cost, value, finished = run_totals(inp, runs, seed, correlation)
    used: dict[str, list[str]] = {}
    for pid, category in zip(inp.project_ids, inp.prior_of or (None,) * inp.size, strict=True):
        if category is not None:
            used.setdefault(category, []).append(pid)
    return SimulationSummary(
        runs=runs, seed=seed, budget=budget,
        p_within_budget=None if budget is None else float(np.mean(cost <= budget + 1e-9 * max(1.0, budget))),
        cost=_percentiles(cost), value=_percentiles(value), p_finish_in_horizon=float(np.mean(finished)),
        correlation=correlation, priors_used={k: tuple(v) for k, v in used.items()},
    )


def horizon_shares(projects: pd.DataFrame, spend_profile: pd.DataFrame | None, start: np.ndarray,
                   horizon_months: int) -> np.ndarray:
    """Per project, the part of its most likely spend that falls in horizon months 0 .. H-1 given its start.

    A project whose budget is 0 counts as wholly inside (its share is 1 when it starts inside the horizon).
    """
    from analytics.prepare import project_month_spend

    spend = project_month_spend(projects[["project_id", "duration_months", "budget"]], spend_profile)
    position = np.repeat(np.arange(len(projects)),
                         pd.to_numeric(projects["duration_months"]).to_numpy(dtype=int))
    month = np.asarray(start, dtype=int)[position] + spend["month_offset"].to_numpy(dtype=int)
    inside = (month >= 0) & (month < horizon_months)
    amount = np.bincount(position[inside], weights=spend["spend"].to_numpy(dtype=float)[inside],
                         minlength=len(projects))
    budget = pd.to_numeric(projects["budget"]).to_numpy(dtype=float)
    starts_inside = (np.asarray(start) >= 0) & (np.asarray(start) < horizon_months)
    return np.where(budget > 0, amount / np.where(budget > 0, budget, 1.0), starts_inside.astype(float))


MIN_HISTORY = 2   # completed projects a category needs before its history is used as a prior (two give a spread)


def overrun_priors_from(history: pd.DataFrame, min_projects: int = MIN_HISTORY) -> dict[str, OverrunPrior]:
    """Per category, the ratios actual / planned of its completed projects (docs/uncertainty.md).

    `history`: one row per completed project with project_id, category, planned_budget,
    planned_duration, actual_cost, actual_duration (months, the first and last month both counted).
    A ratio needs a planned value above 0; categories with fewer than `min_projects` usable projects
    get no prior (their proposals keep the most likely values).
    """
    if history is None or history.empty:
        return {}
    frame = history.copy()
    frame = frame[frame["category"].notna() & (pd.to_numeric(frame["planned_budget"], errors="coerce") > 0)
                  & frame["actual_cost"].notna()]
    priors: dict[str, OverrunPrior] = {}
    for category, rows in frame.groupby("category", sort=True):
        if len(rows) < min_projects:
            continue
        rows = rows.sort_values("project_id")
        cost = (rows["actual_cost"].astype(float) / rows["planned_budget"].astype(float)).round(12)
        usable = rows["planned_duration"].astype(float) > 0
        duration = (rows.loc[usable, "actual_duration"].astype(float) / rows.loc[usable, "planned_duration"].astype(float))
        priors[str(category)] = OverrunPrior(str(category), tuple(cost.tolist()), tuple(duration.round(12).tolist()),
                                             tuple(rows["project_id"].astype(str)))
    return priors
