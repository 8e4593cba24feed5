"""Uncertainty on the Business cases page: a saved scenario simulated, its proposals' selection frequency
over re-optimised futures, a budget that holds with a confidence, and the overrun history learnt from.

Heavy results are cached per (database path, scenario id, its update stamp, settings): a scenario is
immutable once saved except for its name and recommendation, which the stamp covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics.robust import ChanceResult
from analytics.simulation import OverrunPrior, SimulationSummary
from analytics.vocabulary import SOLUTION_STATUSES
from i18n import numbers
from store import db, scenarios, snapshots
from store.history import overrun_priors
from store.portfolio import load_portfolio
from store.robust import chance_budget, selection_frequency
from store.simulation import simulate_scenario
from ui.session import lang, t
from ui.text import md

CACHE = {"ttl": 3600, "max_entries": 32, "show_spinner": False}


@dataclass(frozen=True)
class ScenarioChoice:
    scenario_id: int
    label: str
    stamp: str
    budget: float | None


def scenario_choices(path: str, snapshot_id: int) -> list[ScenarioChoice]:
    """The snapshot's solved scenarios, read again only when one is saved, renamed, recommended or deleted."""
    return _choices(path, snapshot_id, scenarios.change_stamp(db.cursor(path), snapshot_id))


@st.cache_data(**CACHE)
def _choices(path: str, snapshot_id: int, stamp: str) -> list[ScenarioChoice]:
    rows = scenarios.list_scenarios(db.cursor(path), snapshot_id)
    rows = rows[rows["status"].isin(list(SOLUTION_STATUSES))]
    return [ScenarioChoice(int(r.scenario_id), f"{'★ ' if r.is_recommended else ''}{r.name} (#{int(r.scenario_id)})",
                           str(r.updated_at), None if pd.isna(r.budget) else float(r.budget))
            for r in rows.itertuples()]


@st.cache_data(**CACHE)
def simulated(path: str, scenario_id: int, stamp: str, runs: int, seed: int, budget: float | None,
              correlation: float) -> SimulationSummary:
    con = db.cursor(path)
    return simulate_scenario(con, scenario_id, runs=runs, seed=seed, budget=budget, correlation=correlation,
                             priors=overrun_priors(con))


def frequencies(path: str, scenario_id: int, futures: int, seed: int, correlation: float) -> dict[str, float]:
    """Re-optimised futures with a progress bar (not cached: the page keeps the answer in session state)."""
    bar = st.progress(0.0, text=t("simulation.page.reoptimising", done=0, total=futures))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("simulation.page.reoptimising", done=done, total=total))

    try:
        return selection_frequency(db.cursor(path), scenario_id, futures=futures, seed=seed, correlation=correlation,
                                   progress=progress)
    finally:
        bar.empty()


def confident(path: str, scenario_id: int, confidence: float, seed: int, correlation: float) -> ChanceResult:
    con = db.cursor(path)
    scenario = scenarios.get_scenario(con, scenario_id)
    data = load_portfolio(con, scenario.snapshot_id, scenario.params.weight_set_id)
    bar = st.progress(0.0, text=t("simulation.page.tightening"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("simulation.page.tightening"))

    try:
        return chance_budget(con, data, scenario.params, confidence, seed=seed, correlation=correlation,
                             progress=progress)
    finally:
        bar.empty()


@st.cache_data(**CACHE)
def priors(path: str, snapshot_id: int) -> dict[str, OverrunPrior]:
    return overrun_priors(db.cursor(path))


def frequency_table(frequency: dict[str, float], names: dict[str, str], plan: set[str]) -> pd.DataFrame:
    lg = lang()
    ids = sorted(frequency, key=lambda p: (-frequency[p], p))
    return pd.DataFrame({
        t("cases.col.project"): ids,
        t("cases.col.name"): [names.get(p, p) for p in ids],
        t("simulation.col.in_plan"): [t("cases.yes" if p in plan else "cases.no") for p in ids],
        t("simulation.col.frequency"): [t("simulation.page.in_futures", p=numbers.percent(frequency[p], lg, 0))
                                        for p in ids],
    })


def prior_lines(found: dict[str, OverrunPrior]) -> list[str]:
    """"cost risk from 14 completed IT projects: median +12 %, P90 +48 %" per category, and the projects."""
    lg, lines = lang(), []
    for category, prior in sorted(found.items()):
        median, p90 = prior.cost_quantiles()
        lines.append(t("simulation.page.prior", n=len(prior.project_ids), category=md(category),
                       median=_signed(median, lg), p90=_signed(p90, lg),
                       projects=", ".join(md(p) for p in prior.project_ids)))
    return lines


def _signed(share: float, lg: str) -> str:
    text = numbers.percent(share, lg, 0)
    return text if text.startswith("-") else f"+{text}"


@dataclass(frozen=True)
class PlanOf:
    names: dict[str, str]
    selected: set[str]


def plan_of(path: str, scenario_id: int) -> PlanOf:
    con = db.cursor(path)
    scenario = scenarios.get_scenario(con, scenario_id)
    return PlanOf({p.project_id: p.name for p in scenario.result.selected} | _names(con, scenario.snapshot_id),
                  {p.project_id for p in scenario.result.selected})


def _names(con, snapshot_id: int) -> dict[str, str]:
    projects = snapshots.read_table(con, "projects", snapshot_id)
    return dict(zip(projects["project_id"].astype(str), projects["name"].astype(str), strict=True))
