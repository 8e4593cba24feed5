"""Composition for the Optimiser page: cached portfolio data, runs with progress, figures and tables.

The page reads its widgets, calls `build_params`, then `run_optimiser` (solve, greedy baseline and
explanations inside one `st.status`, the solve logged with `log_solve`), and renders what the
functions below return. Follow-up work on the same run is on demand: `force_prices` (re-solves with
chosen proposals forced in), `run_marginal_values` and `run_frontier` (with `st.progress`). The run
lives in `st.session_state[RUN_KEY]` so reruns of the page never re-solve; the Scenarios page puts a
saved scenario there to "load it into the optimiser".

Strategic weights: the form offers the snapshot's saved weight sets (`weight_choices`, the active one
first; the objectives file's weights first instead when no set is active; nothing, and no picker, when
the snapshot has no saved set). The portfolio is loaded per weight set (`portfolio`, cached on the set's
id), the run's `params.weight_set_id` and `weight_set_name` say which weights gave its strategic values,
and `current_params` falls back to the default weights with a notice when the set of the last run or of
a loaded scenario has been deleted since.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import metrics
from analytics.errors import AnalyticsError, InvalidInput
from analytics.frontier import plateau
from analytics.scenario_compare import capacity_utilisation
from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    PortfolioData,
    Reason,
    SelectionParams,
    SelectionResult,
    explanations_from_dict,
    explanations_to_dict,
    frontier_from_dict,
    frontier_to_dict,
)
from reports.text import ReportText
from store import db, scenarios, weights
from store.errors import NotFound
from ui.session import actor, cursor, db_path, lang, t

RUN_KEY = "optimiser.run"
PARAMS_KEY = "optimiser.params"
NONCE_KEY = "optimiser.form_nonce"
from analytics.vocabulary import CLOSED_STATUSES as IGNORED_STATUSES, COMMITTED_STATUSES, OBJECTIVES, SOLVERS  # noqa: E402,F401,I001


@dataclass(frozen=True)
class OptimiserRun:
    """One solve and everything computed on it; `payload()` is what a scenario stores."""

    snapshot_id: int
    params: SelectionParams
    result: SelectionResult
    greedy_objective: float | None = None
    greedy_cost: float | None = None
    explanations: tuple[LeftOut, ...] = ()
    frontier: tuple[FrontierPoint, ...] = ()
    marginal_values: tuple[dict[str, Any], ...] = ()
    scenario_id: int | None = None            # set when saved or loaded from a scenario
    scenario_name: str | None = None
    seconds: float = 0.0                       # wall time of solve + greedy + explanations
    weight_set_name: str | None = None         # name of params.weight_set_id when the run was made

    def weight_set(self) -> dict[str, Any]:
        return {"weight_set_id": self.params.weight_set_id, "name": self.weight_set_name}

    def payload(self) -> dict[str, Any]:
        return {
            "result": self.result.to_dict(),
            "greedy_objective": self.greedy_objective,
            "greedy_cost": self.greedy_cost,
            "explanations": explanations_to_dict(self.explanations),
            "frontier": frontier_to_dict(self.frontier),
            "marginal_values": [dict(m) for m in self.marginal_values],
            "weight_set": self.weight_set(),
        }


# ---------------------------------------------------------------- data and parameters


@st.cache_data(ttl=900, max_entries=6, show_spinner=False)
def _portfolio(path: str, snapshot_id: int, weight_set_id: int | None) -> PortfolioData:
    from store.portfolio import load_portfolio  # the engine's loader (issue 4)

    return load_portfolio(db.cursor(path), snapshot_id, weight_set_id)


def portfolio(snapshot_id: int, weight_set_id: int | None) -> PortfolioData:
    """The snapshot's portfolio with strategic values under `weight_set_id` (None: the file's weights).

    Cached on path, snapshot and weight set id: a saved set never changes, it can only be deleted.
    """
    return _portfolio(db_path(), snapshot_id, weight_set_id)


@dataclass(frozen=True)
class WeightChoice:
    """One option of the form's weight-set picker."""

    weight_set_id: int | None   # None: the objectives file's weights (offered only when no set is active)
    name: str | None
    is_active: bool


def weight_choices(snapshot_id: int) -> tuple[WeightChoice, ...]:
    """The picker's options, default first: the active set, then the others newest first.

    Without an active set the objectives file's weights (what a solve uses then) come first. Empty
    when the snapshot has no saved weight set: the page hides the picker and uses the file's weights.
    """
    rows = weights.list_weight_sets(cursor(), snapshot_id)
    saved = [WeightChoice(int(r.weight_set_id), str(r.name), bool(r.is_active)) for r in rows.itertuples()]
    if not saved:
        return ()
    saved.sort(key=lambda c: not c.is_active)  # stable: the rest stay newest first
    if not saved[0].is_active:
        saved.insert(0, WeightChoice(None, None, False))
    return tuple(saved)


def weight_label(weight_set_id: int | None, name: str | None, *, is_active: bool = False) -> str:
    """How a weight set is named on screen: "name (#id)", "(active)" marked; None = the file's weights."""
    if weight_set_id is None:
        return t("optimiser.weights.file")
    label = t("optimiser.weights.named", name=name or "?", weight_set_id=weight_set_id)
    return t("optimiser.weights.active", label=label) if is_active else label


def choice_label(choice: WeightChoice) -> str:
    return weight_label(choice.weight_set_id, choice.name, is_active=choice.is_active)


def run_weights_label(run: OptimiserRun) -> str:
    """The weights a run used, for its result header; says so when its objective ignores them."""
    label = weight_label(run.params.weight_set_id, run.weight_set_name)
    if run.params.objective != "strategic_value":
        return t("optimiser.weights.unused", label=label, objective=t(f"optimiser.objective.{run.params.objective}"))
    return t("optimiser.weights.used", label=label)


from analytics.months import add_months  # noqa: E402,I001  (one home for month arithmetic)


def month_options(as_of: str) -> list[str]:
    """Horizon start choices: a year back to three years ahead of the snapshot's month."""
    return [add_months(as_of, n) for n in range(-12, 37)]


def default_params(data: PortfolioData, weight_set_id: int | None) -> SelectionParams:
    return SelectionParams(horizon_start=data.as_of, weight_set_id=weight_set_id)


def current_params(
    snapshot_id: int, data: PortfolioData, choices: Sequence[WeightChoice]
) -> tuple[SelectionParams, str | None]:
    """The form's values and a notice (or None).

    The values are the last run's or loaded scenario's on this snapshot, else the defaults. Their
    weight set is kept while it is still offered; when it has been deleted since (or file weights were
    used and a set is active now) the default weights replace it and the notice says so.
    """
    default_id = choices[0].weight_set_id if choices else None
    stored = st.session_state.get(PARAMS_KEY)
    if not stored or stored.get("snapshot_id") != snapshot_id:
        return default_params(data, default_id), None
    params = SelectionParams.from_dict(stored["params"])
    if params.weight_set_id in {c.weight_set_id for c in choices} or (not choices and params.weight_set_id is None):
        return params, None
    lost = weight_label(params.weight_set_id, stored.get("weight_set_name"))
    default = next((choice_label(c) for c in choices), weight_label(None, None))
    notice = t("optimiser.weights.fallback", lost=lost, default=default)
    return replace(params, weight_set_id=default_id), notice


def remember_params(snapshot_id: int, params: SelectionParams, weight_set_name: str | None = None) -> None:
    st.session_state[PARAMS_KEY] = {
        "snapshot_id": snapshot_id, "params": params.to_dict(), "weight_set_name": weight_set_name,
    }


def project_labels(data: PortfolioData, *, decisions_only: bool = False) -> dict[str, str]:
    """project_id -> "id · name" for the searchable multiselects (proposals first, then committed)."""
    frame = data.projects[~data.projects["status"].isin(IGNORED_STATUSES)]
    if decisions_only:
        frame = frame[~frame["status"].isin(COMMITTED_STATUSES)]
    frame = frame.assign(_committed=frame["status"].isin(COMMITTED_STATUSES)).sort_values(["_committed", "project_id"])
    return {str(r.project_id): f"{r.project_id} · {r.name}" for r in frame.itertuples()}


def categories(data: PortfolioData) -> list[str]:
    return sorted({str(c) for c in data.projects["category"].dropna()})


def caps_frame(params: SelectionParams) -> pd.DataFrame:
    rows = sorted(params.annual_budget_caps.items())
    return pd.DataFrame({"fiscal_year": [int(y) for y, _ in rows], "cap": [float(c) for _, c in rows]}).astype(
        {"fiscal_year": "Int64", "cap": "float64"}
    )


def shares_frame(params: SelectionParams, all_categories: Sequence[str]) -> pd.DataFrame:
    """One row per category, min and max share in percent (empty = no bound)."""
    def pct(mapping: Mapping[str, float], c: str) -> float | None:
        return None if c not in mapping else round(100.0 * float(mapping[c]), 4)

    return pd.DataFrame(
        {
            "category": list(all_categories),
            "min_pct": [pct(params.category_min_share, c) for c in all_categories],
            "max_pct": [pct(params.category_max_share, c) for c in all_categories],
        }
    ).astype({"min_pct": "float64", "max_pct": "float64"})


def _annual_caps(frame: pd.DataFrame | None) -> dict[int, float]:
    caps: dict[int, float] = {}
    if frame is None:
        return caps
    for row in frame.itertuples():
        if pd.isna(row.fiscal_year) or pd.isna(row.cap):
            continue  # a half-filled row of the editor is not a cap yet
        if float(row.cap) < 0:
            raise InvalidInput("negative annual cap", key="optimiser.error.negative_cap", year=int(row.fiscal_year))
        caps[int(row.fiscal_year)] = float(row.cap)
    return caps


def _category_shares(frame: pd.DataFrame | None) -> tuple[dict[str, float], dict[str, float]]:
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for row in [] if frame is None else frame.itertuples():
        lo = None if pd.isna(row.min_pct) else float(row.min_pct)
        hi = None if pd.isna(row.max_pct) else float(row.max_pct)
        for value in (lo, hi):
            if value is not None and not 0.0 <= value <= 100.0:
                raise InvalidInput("share outside 0-100", key="optimiser.error.share_range", category=row.category)
        if lo is not None and hi is not None and lo > hi:
            raise InvalidInput("min share above max", key="optimiser.error.share_order", category=row.category)
        if lo:
            low[str(row.category)] = lo / 100.0
        if hi is not None and hi < 100.0:
            high[str(row.category)] = hi / 100.0
    return low, high


def build_params(
    *,
    horizon_start: str,
    horizon_months: int,
    objective: str,
    budget: float | None,
    annual_caps: pd.DataFrame | None,
    fiscal_year_start_month: int,
    discount_pct: float,
    force_in: Sequence[str],
    force_out: Sequence[str],
    category_shares: pd.DataFrame | None,
    max_high_risk: int | None,
    high_risk_threshold: float,
    allow_hiring: bool,
    allow_cancel_committed: bool,
    solver: str,
    time_limit_seconds: float,
    gap_pct: float,
    weight_set_id: int | None,
) -> SelectionParams:
    """Form values (percent where the form shows percent) -> SelectionParams, checked."""
    clash = sorted(set(force_in) & set(force_out))
    if clash:
        raise InvalidInput("forced in and out", key="optimiser.error.force_clash", projects=", ".join(clash))
    if budget is not None and budget < 0:
        raise InvalidInput("negative budget", key="optimiser.error.negative_budget")
    low, high = _category_shares(category_shares)
    return SelectionParams(
        horizon_start=horizon_start,
        horizon_months=int(horizon_months),
        objective=objective,  # type: ignore[arg-type]
        budget=None if budget is None else float(budget),
        annual_budget_caps=_annual_caps(annual_caps),
        fiscal_year_start_month=int(fiscal_year_start_month),
        discount_per_month=float(discount_pct) / 100.0,
        force_in=tuple(force_in),
        force_out=tuple(force_out),
        category_min_share=low,
        category_max_share=high,
        max_high_risk=None if max_high_risk is None else int(max_high_risk),
        high_risk_threshold=float(high_risk_threshold),
        allow_hiring=bool(allow_hiring),
        allow_cancel_committed=bool(allow_cancel_committed),
        time_limit_seconds=float(time_limit_seconds),
        mip_gap=float(gap_pct) / 100.0,
        solver=solver,  # type: ignore[arg-type]
        weight_set_id=weight_set_id,
    )


# ---------------------------------------------------------------- runs


def run_optimiser(data: PortfolioData, params: SelectionParams, snapshot_id: int) -> OptimiserRun:
    """Solve, log the solve, then greedy baseline and explanations, inside one `st.status`."""
    from analytics import explain, greedy, selection

    started = time.perf_counter()
    with st.status(t("optimiser.progress.running"), expanded=True) as status:
        status.write(t("optimiser.progress.solving", solver=params.solver))
        result = selection.optimise(data, params)
        scenarios.log_solve(cursor(), snapshot_id=snapshot_id, params=params, result=result, actor=actor())
        weight_set_name = scenarios.weight_set_name(cursor(), params.weight_set_id)
        remember_params(snapshot_id, params, weight_set_name)
        if not result.has_solution:
            status.update(label=t("optimiser.progress.no_solution", status=status_label(result.status)), state="error")
            return OptimiserRun(snapshot_id, params, result, seconds=time.perf_counter() - started,
                                weight_set_name=weight_set_name)
        status.write(t("optimiser.progress.greedy"))
        greedy_objective, greedy_cost = _greedy(greedy, data, params)
        status.write(t("optimiser.progress.explaining"))
        explanations = tuple(explain.explain_left_out(data, params, result))
        seconds = time.perf_counter() - started
        status.update(label=t("optimiser.progress.done", seconds=f"{seconds:.1f}"), state="complete", expanded=False)
    return OptimiserRun(snapshot_id, params, result, greedy_objective, greedy_cost, explanations, seconds=seconds,
                        weight_set_name=weight_set_name)


def run_portfolio(run: OptimiserRun) -> PortfolioData | None:
    """The portfolio a run was solved on, for its follow-up re-solves; None once its weight set is deleted.

    Re-solving a saved scenario under other weights would price forcing or trace a frontier of a
    different problem than the one shown, so the page offers those only with the run's own weights.
    """
    try:
        return portfolio(run.snapshot_id, run.params.weight_set_id)
    except NotFound:
        return None


def _greedy(module: Any, data: PortfolioData, params: SelectionParams) -> tuple[float | None, float | None]:
    try:
        baseline = module.greedy_baseline(data, params)
    except AnalyticsError:
        return None, None  # e.g. mandatory work the greedy rule cannot place: no baseline to show
    return float(baseline.objective), float(baseline.cost)


def force_prices(data: PortfolioData, run: OptimiserRun, project_ids: Sequence[str]) -> OptimiserRun:
    """Re-solve with each chosen left-out proposal forced in; returns the run with prices filled."""
    from analytics import explain

    priced: dict[str, LeftOut] = {}
    started = time.perf_counter()
    with st.status(t("optimiser.progress.forcing", n=len(project_ids)), expanded=True) as status:
        for i, project_id in enumerate(project_ids, start=1):
            status.write(t("optimiser.progress.forcing_one", i=i, n=len(project_ids), project=project_id))
            priced[project_id] = explain.price_of_forcing(data, run.params, run.result, project_id)
        status.update(label=t("optimiser.progress.forcing_done", n=len(project_ids)), state="complete", expanded=False)
    scenarios.log_analysis(
        cursor(), "price_of_forcing", snapshot_id=run.snapshot_id, params=run.params, actor=actor(),
        summary=", ".join(f"{p}={scenarios.log_number(v.price_of_forcing)}" for p, v in priced.items()),
        details={"prices": {p: v.price_of_forcing for p, v in priced.items()},
                 "infeasible": [p for p, v in priced.items() if v.forcing_infeasible]},
        seconds=time.perf_counter() - started,
    )
    merged = tuple(_with_price(item, priced.get(item.project_id)) for item in run.explanations)
    return replace(run, explanations=merged)



def _with_price(item: LeftOut, priced: LeftOut | None) -> LeftOut:
    if priced is None:
        return item
    return replace(item, price_of_forcing=priced.price_of_forcing, forcing_infeasible=priced.forcing_infeasible)


def run_marginal_values(data: PortfolioData, run: OptimiserRun) -> OptimiserRun:
    from analytics import marginal

    started = time.perf_counter()
    with st.status(t("optimiser.progress.marginal"), expanded=True) as status:
        values = marginal.marginal_values(data, run.params, run.result)
        status.update(label=t("optimiser.progress.marginal_done", n=len(values)), state="complete", expanded=False)
    scenarios.log_analysis(
        cursor(), "marginal_values", snapshot_id=run.snapshot_id, params=run.params, actor=actor(),
        summary=", ".join(f"{v.resource}={scenarios.log_number(v.value_per_unit)}" for v in values),
        details={"values": [{"resource": v.resource, "kind": v.kind, "value_per_unit": v.value_per_unit,
                             "method": v.method} for v in values]},
        seconds=time.perf_counter() - started,
    )
    return replace(run, marginal_values=tuple(asdict(v) for v in values))


def run_frontier(data: PortfolioData, run: OptimiserRun, points: int) -> OptimiserRun:
    from analytics import frontier

    bar = st.progress(0.0, text=t("optimiser.progress.frontier", i=0, n=points))

    def progress(i: int, n: int) -> None:
        bar.progress(min(1.0, i / max(n, 1)), text=t("optimiser.progress.frontier", i=i, n=n))

    started = time.perf_counter()
    curve = frontier.efficient_frontier(data, run.params, points=points, progress=progress)
    bar.empty()
    scenarios.log_analysis(
        cursor(), "frontier", snapshot_id=run.snapshot_id, params=run.params, actor=actor(),
        summary=f"{len(curve)} points",
        details={"points": [{"budget": p.budget, "status": p.status, "objective": p.objective, "cost": p.cost}
                            for p in curve]},
        seconds=time.perf_counter() - started,
    )
    return replace(run, frontier=tuple(curve))


def save_run(run: OptimiserRun, name: str) -> OptimiserRun:
    scenario_id = scenarios.save_scenario(
        cursor(), snapshot_id=run.snapshot_id, name=name, params=run.params, payload=run.payload(), actor=actor()
    )
    stored = scenarios.get_scenario(cursor(), scenario_id)
    return replace(run, scenario_id=scenario_id, scenario_name=stored.name)


def run_from_scenario(scenario: scenarios.Scenario) -> OptimiserRun:
    payload = scenario.payload
    return OptimiserRun(
        snapshot_id=scenario.snapshot_id,
        params=scenario.params,
        result=scenario.result,
        greedy_objective=payload.get("greedy_objective"),
        greedy_cost=payload.get("greedy_cost"),
        explanations=explanations_from_dict(payload.get("explanations") or []),
        frontier=frontier_from_dict(payload.get("frontier") or []),
        marginal_values=tuple(payload.get("marginal_values") or ()),
        scenario_id=scenario.scenario_id,
        scenario_name=scenario.name,
        weight_set_name=_saved_weight_set_name(scenario),
    )


def _saved_weight_set_name(scenario: scenarios.Scenario) -> str | None:
    saved = scenario.payload.get("weight_set")
    name = saved.get("name") if isinstance(saved, Mapping) else None
    # scenarios saved before the name was kept in the payload: ask the store (None if deleted since)
    return name or scenarios.weight_set_name(cursor(), scenario.params.weight_set_id)


def load_into_optimiser(scenario: scenarios.Scenario) -> None:
    """Make the scenario the optimiser's current run and prefill the form with its parameters.

    The form gets the scenario's weight set back; `current_params` falls back (with a notice) when
    that set has been deleted since.
    """
    run = run_from_scenario(scenario)
    st.session_state[RUN_KEY] = run
    remember_params(scenario.snapshot_id, scenario.params, run.weight_set_name)
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1  # fresh widgets show the new values


def current_run(snapshot_id: int) -> OptimiserRun | None:
    run = st.session_state.get(RUN_KEY)
    return run if isinstance(run, OptimiserRun) and run.snapshot_id == snapshot_id else None


# ---------------------------------------------------------------- numbers and tables


def status_label(status: str) -> str:
    return t(f"optimiser.status.{status}")


@dataclass(frozen=True)
class Kpis:
    value: float | None
    cost: float
    budget: float | None
    gap: float | None
    bound: float | None       # best value any portfolio could reach (the solver's proven bound)
    n_new: int
    n_committed: int
    greedy_objective: float | None
    uplift: float | None
    uplift_pct: float | None


def kpis(run: OptimiserRun) -> Kpis:
    result = run.result
    gain = metrics.uplift(result.objective, run.greedy_objective)   # the one uplift (analytics.metrics)
    return Kpis(
        value=result.objective,
        cost=result.total_cost,
        budget=run.params.budget,
        gap=result.gap,
        bound=result.bound,
        n_new=sum(not p.committed for p in result.selected),
        n_committed=sum(p.committed for p in result.selected),
        greedy_objective=run.greedy_objective,
        uplift=gain.difference,
        uplift_pct=gain.ratio,
    )


def bound_note(run: OptimiserRun) -> str | None:
    """For a solve stopped before its proof: the best value any portfolio could reach; else None."""
    k = kpis(run)
    if run.result.status != "feasible" or k.bound is None:
        return None
    return t("optimiser.status_bound", bound=fmt_number(k.bound), gap=fmt_pct(k.gap))


def fmt_number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}"


def fmt_pct(share: float | None, digits: int = 2) -> str:
    return "—" if share is None else f"{100.0 * share:.{digits}f}%"


def profiled_projects(run: OptimiserRun, data: PortfolioData | None) -> frozenset[str]:
    """Projects whose spend follows a monthly profile from the snapshot (the others spread evenly).

    `data` is the run's portfolio; when its weight set was deleted (None) the snapshot's profiles are
    read with the file's weights, as profiles do not depend on weights.
    """
    if data is None:
        data = portfolio(run.snapshot_id, None)
    profile = data.spend_profile
    if profile is None or profile.empty:
        return frozenset()
    return frozenset(profile["project_id"].astype(str))


def selected_frame(result: SelectionResult, profiled: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The chosen portfolio as a table; `profiled` names the projects whose spend follows a profile."""
    rows = [
        {
            t("optimiser.col.project_id"): p.project_id,
            t("optimiser.col.name"): p.name,
            t("optimiser.col.category"): p.category,
            t("optimiser.col.start"): p.start_month,
            t("optimiser.col.end"): p.end_month,
            t("optimiser.col.value"): round(p.value, 2),
            t("optimiser.col.cost"): round(p.cost, 2),
            t("optimiser.col.risk"): p.risk_score,
            t("optimiser.col.kind"): t("optimiser.kind.committed" if p.committed else "optimiser.kind.new"),
            t("optimiser.col.spend"): t("optimiser.spend.profile" if p.project_id in profiled else "optimiser.spend.even"),
        }
        for p in sorted(result.selected, key=lambda p: (p.start_month, p.project_id))
    ]
    return pd.DataFrame(rows)


def violated_frame(result: SelectionResult) -> pd.DataFrame:
    """The constraints that cannot all hold: in words (and by how much the nearest plan misses each)
    when the result carries them, else the rows' labels (results saved before they did)."""
    if len(result.violated_reasons) == len(result.violated) and result.violated:
        return pd.DataFrame({
            t("optimiser.col.constraint"): list(result.violated),
            t("optimiser.col.why"): [reason_text(r.code, r.params) for r in result.violated_reasons],
        })
    return pd.DataFrame({t("optimiser.col.constraint"): list(result.violated)})


def reason_text(code: str, params: Mapping[str, Any]) -> str:
    """A reason in the user's language, formatted as the exported pack formats it (one formatter)."""
    return ReportText(lang()).reason(Reason(code, dict(params)))


def _price_text(item: LeftOut) -> str:
    if item.forcing_infeasible:
        return t("optimiser.forcing.infeasible")
    return "" if item.price_of_forcing is None else fmt_number(item.price_of_forcing, 2)


def left_out_detail(item: LeftOut) -> str:
    """Markdown with every reason of one left-out proposal in full, and its price of forcing."""
    lines = [t("optimiser.left_out.detail_title", project=f"{item.project_id} · {item.name}",
               value=fmt_number(item.value, 2), cost=fmt_number(item.cost, 2))]
    lines += [f"- {reason_text(r.code, r.params)}" for r in item.reasons]
    if item.forcing_infeasible or item.price_of_forcing is not None:
        lines.append(t("optimiser.left_out.detail_price", price=_price_text(item)))
    return "\n".join(lines)


def left_out_frame(explanations: Sequence[LeftOut]) -> pd.DataFrame:
    rows = []
    for item in sorted(explanations, key=lambda i: -i.value):
        price = _price_text(item)
        rows.append(
            {
                t("optimiser.col.project_id"): item.project_id,
                t("optimiser.col.name"): item.name,
                t("optimiser.col.value"): round(item.value, 2),
                t("optimiser.col.cost"): round(item.cost, 2),
                # the pack's formatter, so the page and the workbook read the same
                t("optimiser.col.reasons"): ReportText(lang()).reasons(tuple(item.reasons)),
                t("optimiser.col.price_of_forcing"): price,
            }
        )
    return pd.DataFrame(rows)


def marginal_frame(values: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    rows = [
        {
            t("optimiser.col.resource"): t("optimiser.marginal.budget") if v.get("kind") == "budget" else v.get("resource"),
            t("optimiser.col.value_per_unit"): v.get("value_per_unit"),
            t("optimiser.col.method"): t(f"optimiser.method.{v.get('method')}")
            if v.get("method") in ("resolve", "lp_dual")
            else v.get("method"),
            t("optimiser.col.note"): _marginal_note(v),
        }
        for v in values
    ]
    return pd.DataFrame(rows)


def _marginal_note(value: Mapping[str, Any]) -> str:
    """The engine's note in the user's language (its English `note` when no key is given)."""
    key = value.get("note_key")
    if key:
        try:
            return t(key, **dict(value.get("note_params") or {}))
        except (KeyError, IndexError, ValueError):
            pass
    return str(value.get("note") or "")


def number_columns(*keys: str) -> dict[str, Any]:
    """Column settings showing the named columns (i18n keys) with thousands separators, as the tiles do."""
    return {t(k): st.column_config.NumberColumn(t(k), format="localized") for k in keys}


def plateau_note(points: Sequence[FrontierPoint]) -> str | None:
    """Where more budget stops buying value, in words; None when the value rises to the last level."""
    top = plateau(tuple(points))
    if top is None:
        return None
    return t("optimiser.frontier.plateau", budget=fmt_number(top.budget), value=fmt_number(top.value),
             levels=top.levels, total=len(points), cost=fmt_number(top.cheapest_cost))


def frontier_frame(points: Sequence[FrontierPoint], names: Mapping[str, str]) -> pd.DataFrame:
    rows = [
        {
            t("optimiser.col.budget"): round(p.budget, 2),
            t("optimiser.col.status"): status_label(p.status),
            t("optimiser.col.value"): None if p.objective is None else round(p.objective, 2),
            t("optimiser.col.cost"): None if p.cost is None else round(p.cost, 2),
            t("optimiser.col.entered"): ", ".join(f"{i} {names.get(i, '')}".strip() for i in p.entered),
            t("optimiser.col.left"): ", ".join(p.left),
        }
        for p in points
    ]
    return pd.DataFrame(rows)


def project_names(data: PortfolioData) -> dict[str, str]:
    return {str(r.project_id): str(r.name) for r in data.projects.itertuples()}


# ---------------------------------------------------------------- figures

_COMMITTED_COLOUR = "#8c8c8c"
_NEW_COLOUR = "#1f77b4"


def _month_start(month: str) -> pd.Timestamp:
    return pd.Timestamp(f"{month}-01")


def gantt_figure(result: SelectionResult) -> go.Figure:
    """Selected starts as bars from start month to the end of the last month; committed in grey."""
    fig = go.Figure()
    ordered = sorted(result.selected, key=lambda p: (p.start_month, p.project_id), reverse=True)
    for committed, colour in ((True, _COMMITTED_COLOUR), (False, _NEW_COLOUR)):
        group = [p for p in ordered if p.committed == committed]
        if not group:
            continue
        starts = [_month_start(p.start_month) for p in group]
        ends = [_month_start(add_months(p.end_month, 1)) for p in group]
        fig.add_trace(
            go.Bar(
                y=[f"{p.project_id} · {p.name}" for p in group],
                x=[(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)],
                base=starts,
                orientation="h",
                marker_color=colour,
                name=t("optimiser.kind.committed" if committed else "optimiser.kind.new"),
                customdata=[[p.start_month, p.end_month, p.value, p.cost] for p in group],
                hovertemplate=t("optimiser.chart.gantt_hover") + "<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="overlay",
        xaxis={"type": "date", "title": t("optimiser.chart.month")},
        yaxis={"categoryorder": "array", "categoryarray": [f"{p.project_id} · {p.name}" for p in ordered]},
        height=max(320, 22 * len(ordered) + 120),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.05},
    )
    return fig


def heatmap_figure(result: SelectionResult) -> go.Figure:
    """Role x month utilisation in percent; above 100 % turns from blue to red.

    A month with load but no capacity is over-allocated without a finite ratio: it is drawn at the
    top of the scale and labelled with an infinity sign.
    """
    use = capacity_utilisation(result)
    if use.empty:
        return go.Figure()
    no_capacity = use["utilisation"] == math.inf
    percent = 100.0 * use["utilisation"].where(~no_capacity)
    zmax = max(120.0, float(percent.max()) if percent.notna().any() else 0.0)
    use = use.assign(
        percent=percent.where(~no_capacity, zmax),
        label=[("∞" if nc else ("" if pd.isna(v) else f"{v:.0f}")) for v, nc in zip(percent, no_capacity, strict=True)],
    )
    z = use.pivot(index="role", columns="month", values="percent")
    text = use.pivot(index="role", columns="month", values="label").fillna("")
    load = use.pivot(index="role", columns="month", values="load_fte")
    cap = use.pivot(index="role", columns="month", values="capacity_fte")
    edge = 100.0 / zmax
    fig = go.Figure(
        go.Heatmap(
            z=z.values,
            x=list(z.columns),
            y=list(z.index),
            zmin=0,
            zmax=zmax,
            text=text.values,
            texttemplate="%{text}",
            customdata=[[[load.iloc[i, j], cap.iloc[i, j]] for j in range(z.shape[1])] for i in range(z.shape[0])],
            colorscale=[[0.0, "#f1f7fd"], [edge * 0.999, "#2b6cb0"], [edge, "#f6ad55"], [1.0, "#c53030"]],
            colorbar={"title": {"text": "%"}},
            hovertemplate=t("optimiser.chart.heat_hover") + "<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(260, 40 * z.shape[0] + 120),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": t("optimiser.chart.month"), "type": "category"},
        yaxis={"title": t("optimiser.chart.role")},
    )
    return fig


def frontier_figure(points: Sequence[FrontierPoint], current: SelectionResult, names: Mapping[str, str]) -> go.Figure:
    """Value against cost over the budget grid; hover lists the projects entering at each step."""
    solved = [p for p in points if p.objective is not None and p.cost is not None]
    hover = [_entered_text(p, names) for p in solved]
    fig = go.Figure(
        go.Scatter(
            x=[p.cost for p in solved],
            y=[p.objective for p in solved],
            mode="lines+markers",
            name=t("optimiser.chart.frontier"),
            customdata=[[p.budget, h] for p, h in zip(solved, hover, strict=True)],
            hovertemplate=t("optimiser.chart.frontier_hover") + "<extra></extra>",
        )
    )
    if current.objective is not None:
        fig.add_trace(
            go.Scatter(
                x=[current.total_cost],
                y=[current.objective],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": "#d69e2e"},
                name=t("optimiser.chart.current"),
            )
        )
    fig.update_layout(
        xaxis={"title": t("optimiser.chart.cost")},
        yaxis={"title": t("optimiser.chart.value")},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def _entered_text(point: FrontierPoint, names: Mapping[str, str], limit: int = 8) -> str:
    if not point.entered:
        return t("optimiser.chart.none_entered")
    shown = [f"{i} {names.get(i, '')}".strip() for i in point.entered[:limit]]
    more = len(point.entered) - limit
    return "<br>".join(shown + ([t("optimiser.chart.more", n=more)] if more > 0 else []))


def spend_month_figure(result: SelectionResult, params: SelectionParams) -> go.Figure:
    """Monthly spend as bars, cumulative spend as a line against the total budget (if any)."""
    months = sorted(result.spend_by_month)
    monthly = [float(result.spend_by_month[m]) for m in months]
    cumulative = pd.Series(monthly, dtype="float64").cumsum().tolist()
    fig = go.Figure(go.Bar(x=months, y=monthly, name=t("optimiser.chart.spend"), marker_color=_NEW_COLOUR))
    fig.add_trace(
        go.Scatter(x=months, y=cumulative, name=t("optimiser.chart.cumulative"), mode="lines", yaxis="y2",
                   line={"color": "#2f855a"})
    )
    if params.budget is not None:
        fig.add_trace(
            go.Scatter(x=months, y=[params.budget] * len(months), name=t("optimiser.chart.budget"), mode="lines",
                       yaxis="y2", line={"color": "#c53030", "dash": "dash"})
        )
    fig.update_layout(
        xaxis={"title": t("optimiser.chart.month"), "type": "category"},
        yaxis={"title": t("optimiser.chart.spend")},
        yaxis2={"title": t("optimiser.chart.cumulative"), "overlaying": "y", "side": "right", "rangemode": "tozero"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.1},
    )
    return fig


def spend_category_figure(result: SelectionResult) -> go.Figure:
    items = sorted(result.spend_by_category.items(), key=lambda kv: -kv[1])
    fig = go.Figure(
        go.Bar(x=[c for c, _ in items], y=[v for _, v in items], marker_color="#319795",
               name=t("optimiser.chart.spend"))
    )
    fig.update_layout(
        xaxis={"title": t("optimiser.chart.category")},
        yaxis={"title": t("optimiser.chart.spend")},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig


def chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", key=key)

