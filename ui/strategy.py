"""Composition for the Strategy page: cached loaders, the pairwise-judgement widgets' state, weight-set
writes, and the Plotly figures (score heat map, bubble chart, tornado, top-k probability bars).

Everything heavy is cached with `st.cache_data` keyed on the database path, the snapshot id and the
weights in use (as a sorted tuple), so moving a slider elsewhere on the page never recomputes the
Monte Carlo. Writes go through `store.weights` and then clear the weight-set caches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import ahp as ahp_module
from analytics.errors import AnalyticsError, InvalidInput
from analytics.scoring import risk_multipliers, score_matrix, score_portfolio
from analytics.sensitivity import StabilityResult, WeightRange, top_k_probability, weight_ranges
from analytics.vocabulary import CR_THRESHOLD, STATUSES
from store import db, snapshots, weights
from store.errors import StoreError
from ui.perf import scatter_trace, shared_loader
from ui.session import actor, cursor, db_path, t
from ui.text import plot

PAIR_PREFIX = "strategy.pair"
FLASH_KEY = "strategy.flash"  # (message key, params) or a domain error, shown once on the next run
CONFIRM_CR_KEY = "strategy.save_confirm_cr"
# Saaty's scale as the pairwise selectboxes offer it: left objective more important first, then
# equal, then right objective more important; "" leaves the judgement out (incomplete matrix).
SCALE_OPTIONS: tuple[str, ...] = (
    "9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9", "",
)
HEATMAP_ROWS = 80  # beyond this a heat map stops being readable; the ranked list has them all
MC_DRAWS = 2000
MC_SEED = 20240601  # fixed: the same weights always give the same probabilities
WeightsKey = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class StrategyData:
    snapshot_id: int
    currency_unit: str
    objectives: pd.DataFrame  # objective_id, name, weight (file)
    projects: pd.DataFrame
    scores: pd.DataFrame
    active_set: weights.WeightSet | None
    active_weights: dict[str, float]
    weight_sets: pd.DataFrame

    @property
    def objective_ids(self) -> list[str]:
        return [str(o) for o in self.objectives["objective_id"]]

    @property
    def objective_names(self) -> dict[str, str]:
        return {str(r.objective_id): str(r.name) for r in self.objectives.itertuples()}

    def statuses(self) -> list[str]:
        present = set(self.projects["status"].dropna().astype(str).unique())  # not a loop over every project
        return [s for s in STATUSES if s in present] + sorted(present - set(STATUSES))

    def categories(self) -> list[str]:
        return sorted(set(self.projects["category"].dropna().astype(str).unique()))


# ---------------------------------------------------------------- loaders


@shared_loader(ttl=900, max_entries=8)  # read-only: one copy for every session, none unpickled per rerun
def _tables(path: str, snapshot_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str]:
    con = db.cursor(path)
    objectives = snapshots.read_table(con, "objectives", snapshot_id).sort_values("objective_id")
    projects = snapshots.read_table(con, "projects", snapshot_id)
    projects["project_id"] = projects["project_id"].astype(str)
    projects = projects.sort_values("project_id").reset_index(drop=True)
    scores = snapshots.read_table(con, "project_scores", snapshot_id)
    unit = snapshots.get_snapshot(con, snapshot_id).currency_unit
    return objectives.reset_index(drop=True), projects, scores, unit


@st.cache_data(ttl=900, max_entries=8, show_spinner=False)
def _weight_state(path: str, snapshot_id: int):
    con = db.cursor(path)
    active_id, active = weights.active_weights(con, snapshot_id)
    active_set = weights.get_weight_set(con, active_id) if active_id is not None else None
    return active_set, active, weights.list_weight_sets(con, snapshot_id)


def clear_weight_caches() -> None:
    _weight_state.clear()


def load(snapshot_id: int) -> StrategyData:
    objectives, projects, scores, unit = _tables(db_path(), snapshot_id)
    active_set, active, listing = _weight_state(db_path(), snapshot_id)
    return StrategyData(snapshot_id, unit, objectives, projects, scores, active_set, active, listing)


def weights_key(mapping: Mapping[str, float]) -> WeightsKey:
    """Hashable, order-independent cache key of a weight mapping."""
    return tuple(sorted((str(k), round(float(v), 12)) for k, v in mapping.items()))


# ---------------------------------------------------------------- pairwise judgements


def pair_key(snapshot_id: int, left: str, right: str) -> str:
    return f"{PAIR_PREFIX}.{snapshot_id}.{left}.{right}"


def pairs(data: StrategyData) -> list[tuple[str, str]]:
    ids = data.objective_ids
    return [(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]


def scale_value(option: str) -> float | None:
    return None if option == "" else float(Fraction(option))


def scale_option(value: float | None) -> str:
    """The selectbox option nearest to a ratio (None -> not judged)."""
    if value is None or not np.isfinite(value) or value <= 0:
        return ""
    nearest = ahp_module.nearest_scale_value(value)
    return str(int(round(nearest))) if nearest >= 1 else f"1/{int(round(1 / nearest))}"


def _default_judgements(data: StrategyData) -> dict[tuple[str, str], str]:
    """Prefill: the active AHP set's own judgements, else the ratios of the weights in effect."""
    stored = data.active_set.matrix if data.active_set is not None else None
    if stored and stored.get("objective_ids"):
        position = {o: i for i, o in enumerate(stored["objective_ids"])}
        values = stored["values"]
        if all(o in position for o in data.objective_ids):
            return {(a, b): scale_option(values[position[a]][position[b]]) for a, b in pairs(data)}
    w = data.active_weights
    return {(a, b): scale_option(w.get(a, 0) / w[b]) if w.get(b, 0) > 0 else "1" for a, b in pairs(data)}


def init_judgements(data: StrategyData) -> None:
    """Put the prefilled judgements into session state once, so widgets keep the user's edits."""
    defaults = _default_judgements(data)
    for (a, b), option in defaults.items():
        st.session_state.setdefault(pair_key(data.snapshot_id, a, b), option)


def judgement_label(option: str, left: str, right: str) -> str:
    """The judgement as one sentence in the user's language, readable at a glance:
    'Revenue growth is strongly more important than Customer experience (5)'."""
    if option == "":
        return t("strategy.ahp.not_judged")
    value = Fraction(option)
    if value == 1:
        return t("strategy.ahp.option_equal", a=left, b=right)
    if value > 1:
        return t("strategy.ahp.option_more", a=left, b=right, verbal=t(f"strategy.scale.{int(value)}"), value=option)
    return t("strategy.ahp.option_more", a=right, b=left, verbal=t(f"strategy.scale.{int(1 / value)}"),
             value=str(int(1 / value)))


def cr_needs_confirmation(result: ahp_module.AhpResult | None) -> bool:
    """An AHP set whose CR is above Saaty's threshold is saved only after an explicit confirmation."""
    return result is not None and result.consistency_ratio > CR_THRESHOLD


def draft_matrix(data: StrategyData) -> tuple[tuple[float | None, ...], ...]:
    """The pairwise matrix from the selectboxes (upper triangle as entered, lower left blank)."""
    ids = data.objective_ids
    n = len(ids)
    matrix: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    for i, j in zip(*np.triu_indices(n, k=1), strict=True):
        option = st.session_state.get(pair_key(data.snapshot_id, ids[i], ids[j]), "1")
        matrix[i][j] = scale_value(option)
    return tuple(tuple(row) for row in matrix)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def ahp(matrix: tuple[tuple[float | None, ...], ...], method: str) -> ahp_module.AhpResult:
    return ahp_module.ahp_weights(matrix, method)


def apply_fix(key: str, option: str) -> None:
    """Button callback: set one judgement to the suggested value before the page reruns."""
    st.session_state[key] = option


def reciprocal_frame(data: StrategyData, result: ahp_module.AhpResult) -> pd.DataFrame:
    """The full (completed) matrix, labelled, for display."""
    names = [data.objective_names[o] for o in data.objective_ids]
    return pd.DataFrame(np.round(np.array(result.completed_matrix), 3), index=names, columns=names)


# ---------------------------------------------------------------- direct weights and writes


def direct_frame(data: StrategyData) -> pd.DataFrame:
    """Editable table: one row per objective, weight in percent of the weights in effect."""
    return pd.DataFrame({
        "objective_id": data.objective_ids,
        "name": [data.objective_names[o] for o in data.objective_ids],
        "weight": [round(100.0 * data.active_weights.get(o, 0.0), 2) for o in data.objective_ids],
    })


def direct_weights(edited: pd.DataFrame) -> dict[str, float] | None:
    """The edited weights scaled to sum 1 (blank = 0), or None when none is positive."""
    values = pd.to_numeric(edited["weight"], errors="coerce").fillna(0.0).clip(lower=0.0)
    total = float(values.sum())
    if total <= 0:
        return None
    return {str(o): float(v) / total for o, v in zip(edited["objective_id"], values, strict=True)}


def save_weight_set(data: StrategyData, *, name: str, method: str, weight_map: Mapping[str, float],
                    result: ahp_module.AhpResult | None, activate: bool) -> int:
    matrix = None if result is None else draft_matrix(data)
    set_id = weights.save_weight_set(
        cursor(), snapshot_id=data.snapshot_id, name=name, method=method, weights=weight_map,
        objective_ids=data.objective_ids if result is not None else None, matrix=matrix,
        consistency_ratio=None if result is None else result.consistency_ratio, actor=actor(), activate=activate,
    )
    clear_weight_caches()
    return set_id


def activate_weight_set(data: StrategyData, weight_set_id: int) -> None:
    weights.activate_weight_set(cursor(), weight_set_id, actor=actor())
    clear_weight_caches()
    reset_judgements(data.snapshot_id)


def delete_weight_set(data: StrategyData, weight_set_id: int) -> None:
    weights.delete_weight_set(cursor(), weight_set_id, actor=actor())
    clear_weight_caches()
    reset_judgements(data.snapshot_id)


def sets_table(data: StrategyData) -> pd.DataFrame:
    """The saved sets for display: translated method and the weights as "Growth 40% · Cost 25% ..."."""
    names = data.objective_names

    def summary(text: str) -> str:
        pairs = sorted(json.loads(text).items(), key=lambda kv: -kv[1])
        return " · ".join(f"{names.get(o, o)} {100 * w:.0f}%" for o, w in pairs)

    listing = data.weight_sets
    return listing.assign(method=listing["method"].map(lambda m: t(f"strategy.method.{m}")),
                          weights=listing["weights"].map(summary))


# ---------------------------------------------------------------- scoring and sensitivity


def _in_view(projects: pd.DataFrame, statuses: Sequence[str], categories: Sequence[str]) -> pd.DataFrame:
    view = projects[projects["status"].astype(str).isin(statuses)] if statuses else projects.iloc[0:0]
    if categories:
        view = view[view["category"].astype(str).isin(categories)]
    return view.reset_index(drop=True)


@shared_loader(ttl=900, max_entries=32)
def ranking(path: str, snapshot_id: int, weight_items: WeightsKey, risk_penalty: float,
            statuses: tuple[str, ...], categories: tuple[str, ...]) -> pd.DataFrame:
    """Ranked projects of the filtered view with strategic score and project facts."""
    objectives, projects, scores, _ = _tables(path, snapshot_id)
    view = _in_view(projects, statuses, categories)
    if view.empty:
        return pd.DataFrame()
    result = score_portfolio(view, scores, dict(weight_items), risk_penalty=risk_penalty)
    names = dict(zip(objectives["objective_id"].astype(str), objectives["name"].astype(str), strict=True))
    table = result.table.merge(view, on="project_id", how="left")
    table["missing"] = table["missing_objectives"].map(lambda ids: ", ".join(names.get(o, o) for o in ids))
    return table


@shared_loader(ttl=900, max_entries=16)
def sensitivity(path: str, snapshot_id: int, weight_items: WeightsKey, risk_penalty: float,
                statuses: tuple[str, ...], categories: tuple[str, ...], k: int,
                concentration: float) -> tuple[tuple[WeightRange, ...], StabilityResult]:
    """Exact weight ranges and Monte Carlo top-k probabilities on the filtered view."""
    objectives, projects, scores, _ = _tables(path, snapshot_id)
    view = _in_view(projects, statuses, categories)
    ids = list(view["project_id"])
    objective_ids = [str(o) for o in objectives["objective_id"]]
    matrix = score_matrix(scores, objective_ids, ids)
    risk = view.set_index("project_id")["risk_score"] if "risk_score" in view else pd.Series(dtype=float)
    multipliers = risk_multipliers(risk, risk_penalty) if risk_penalty > 0 else None
    weight_map = dict(weight_items)
    ranges = weight_ranges(matrix, weight_map, k=k, multipliers=multipliers)
    stability = top_k_probability(matrix, weight_map, k=k, draws=MC_DRAWS, concentration=concentration,
                                  seed=MC_SEED, multipliers=multipliers)
    return ranges, stability


def heatmap_matrix(data: StrategyData, ranked: pd.DataFrame) -> pd.DataFrame:
    """Scores of the best-ranked projects (rows in rank order) by objective (columns), NaN = missing."""
    top = ranked.head(HEATMAP_ROWS)
    scores = data.scores[data.scores["project_id"].astype(str).isin(top["project_id"])]  # not every project's
    matrix = score_matrix(scores, data.objective_ids, top["project_id"])
    matrix.index = [f"{p} · {n}" for p, n in zip(top["project_id"], top["name"], strict=True)]
    matrix.columns = [data.objective_names[o] for o in data.objective_ids]
    return matrix


def range_rows(ranges: Sequence[WeightRange], names: Mapping[str, str], k: int) -> pd.DataFrame:
    """One readable row per objective: current weight, stable ranges, and what changes at each bound."""
    def swap(pair: tuple[str, str] | None) -> str:
        return "" if pair is None else t("strategy.sens.swap", leaving=pair[0], entering=pair[1])

    return pd.DataFrame({
        "objective": [names.get(r.objective_id, r.objective_id) for r in ranges],
        "weight": [100 * r.weight for r in ranges],
        "top_k": [f"{100 * r.top_k_low:.1f}% – {100 * r.top_k_high:.1f}%" for r in ranges],
        "top_k_below": [swap(r.top_k_swap_low) for r in ranges],
        "top_k_above": [swap(r.top_k_swap_high) for r in ranges],
        "first": [f"{100 * r.first_low:.1f}% – {100 * r.first_high:.1f}%" for r in ranges],
        "first_below": [swap(r.first_swap_low) for r in ranges],
        "first_above": [swap(r.first_swap_high) for r in ranges],
    })


# ---------------------------------------------------------------- figures


def weights_figure(names: Sequence[str], values: Sequence[float]) -> go.Figure:
    fig = go.Figure(go.Bar(x=[100 * v for v in values], y=[plot(name) for name in names], orientation="h",
                           text=[f"{100 * v:.1f}%" for v in values], textposition="auto",
                           hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    fig.update_layout(height=60 + 34 * len(names), margin={"l": 10, "r": 10, "t": 10, "b": 30},
                      xaxis_title=t("strategy.fig.weight_pct"), yaxis={"autorange": "reversed"})
    return fig


def heatmap_figure(matrix: pd.DataFrame) -> go.Figure:
    hover = np.where(matrix.isna(), t("strategy.fig.missing"), matrix.round(2).astype(str))
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(dtype=float), x=[plot(c) for c in matrix.columns], y=[plot(r) for r in matrix.index],
        zmin=0, zmax=5,
        colorscale="Blues", customdata=hover, colorbar={"title": t("strategy.fig.score")},
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>", xgap=1, ygap=1,
    ))
    fig.update_layout(height=min(120 + 22 * len(matrix), 1900), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      yaxis={"autorange": "reversed"}, xaxis={"side": "top"})
    return fig


def bubble_figure(ranked: pd.DataFrame, currency_unit: str) -> go.Figure:
    currency_unit = plot(currency_unit)
    benefit = pd.to_numeric(ranked.get("expected_benefit"), errors="coerce").fillna(0.0).clip(lower=0)
    size = 8 + 40 * np.sqrt(benefit / benefit.max()) if benefit.max() > 0 else pd.Series(12.0, index=ranked.index)
    risk = pd.to_numeric(ranked.get("risk_score"), errors="coerce")
    fig = go.Figure(scatter_trace(
        len(ranked), x=ranked["budget"], y=ranked["strategic_score"], mode="markers",
        marker={"size": size, "color": risk.fillna(0), "colorscale": "RdYlGn_r", "cmin": 1, "cmax": 5,
                "line": {"width": 1, "color": "white"}, "colorbar": {"title": t("strategy.fig.risk")}},
        customdata=np.column_stack([ranked["project_id"].map(plot), ranked["name"].map(plot), benefit, risk.fillna(np.nan)]),
        hovertemplate=(f"%{{customdata[0]}} · %{{customdata[1]}}<br>{t('strategy.fig.budget', unit=currency_unit)}:"
                       f" %{{x:,.0f}}<br>{t('strategy.fig.strategic_score')}: %{{y:.1f}}<br>"
                       f"{t('strategy.fig.benefit', unit=currency_unit)}: %{{customdata[2]:,.0f}}<br>"
                       f"{t('strategy.fig.risk')}: %{{customdata[3]}}<extra></extra>"),
    ))
    fig.update_layout(height=480, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis_title=t("strategy.fig.budget", unit=currency_unit),
                      yaxis_title=t("strategy.fig.strategic_score"), yaxis={"range": [0, 105]})
    return fig


def tornado_figure(ranges: Sequence[WeightRange], names: Mapping[str, str], k: int) -> go.Figure:
    """Stable weight interval per objective; the narrowest (most sensitive) at the top."""
    ordered = sorted(ranges, key=lambda r: r.top_k_high - r.top_k_low)
    labels = [plot(names.get(r.objective_id, r.objective_id)) for r in ordered]
    fig = go.Figure()
    fig.add_bar(y=labels, x=[100 * (r.top_k_high - r.top_k_low) for r in ordered],
                base=[100 * r.top_k_low for r in ordered], orientation="h", name=t("strategy.fig.top_k_range", k=k),
                hovertemplate="%{y}: %{base:.1f}% – %{x:.1f}%<extra></extra>")
    fig.add_bar(y=labels, x=[100 * (r.first_high - r.first_low) for r in ordered],
                base=[100 * r.first_low for r in ordered], orientation="h", name=t("strategy.fig.first_range"),
                opacity=0.55)
    fig.add_scatter(y=labels, x=[100 * r.weight for r in ordered], mode="markers", name=t("strategy.fig.current"),
                    marker={"symbol": "diamond", "size": 12, "color": "black"},
                    hovertemplate="%{y}: %{x:.1f}%<extra></extra>")
    fig.update_layout(barmode="group", height=160 + 60 * len(ordered), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"range": [0, 100], "title": t("strategy.fig.weight_pct")},
                      yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0})
    return fig


def probability_figure(stability: StabilityResult, names: Mapping[str, str], limit: int) -> go.Figure:
    table = stability.table.head(limit)
    labels = [plot(f"{p} · {names.get(p, '')}") for p in table["project_id"]]
    in_baseline = table["baseline_rank"] <= stability.k
    fig = go.Figure(go.Bar(
        x=100 * table["probability_top_k"], y=labels, orientation="h",
        marker={"color": np.where(in_baseline, "#1f77b4", "#ff7f0e")},
        customdata=np.column_stack([table["baseline_rank"], 100 * table["probability_first"],
                                    table["rank_p05"], table["rank_p95"]]),
        hovertemplate=(f"%{{y}}<br>{t('strategy.fig.probability_top_k', k=stability.k)}: %{{x:.1f}}%<br>"
                       f"{t('strategy.fig.baseline_rank')}: %{{customdata[0]}}<br>"
                       f"{t('strategy.fig.probability_first')}: %{{customdata[1]:.1f}}%<br>"
                       f"{t('strategy.fig.rank_band')}: %{{customdata[2]:.0f}} – %{{customdata[3]:.0f}}<extra></extra>"),
    ))
    fig.update_layout(height=80 + 24 * len(table), margin={"l": 10, "r": 10, "t": 10, "b": 30},
                      xaxis={"range": [0, 100], "title": t("strategy.fig.probability_top_k", k=stability.k)},
                      yaxis={"autorange": "reversed"})
    return fig


def reset_judgements(snapshot_id: int) -> None:
    """Forget the pairwise selectboxes' state so they prefill again from the newly active set."""
    prefix = f"{PAIR_PREFIX}.{snapshot_id}."
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


# ---------------------------------------------------------------- button callbacks (run before the next run)


def _flash(done_key: str, action, **params: object) -> bool:
    """Run a weight-set write from a callback; the next run shows the outcome as a flash: the error,
    or `done_key` with `params` and `id` (what the write returned)."""
    try:
        outcome = action()
    except (StoreError, AnalyticsError) as e:
        st.session_state[FLASH_KEY] = e
        return False
    st.session_state[FLASH_KEY] = (done_key, {**params, "id": outcome})
    return True


def on_save(data: StrategyData, method_code: str, weight_map: Mapping[str, float],
            result: ahp_module.AhpResult | None) -> None:
    name = str(st.session_state.get("strategy.save_name") or "")
    activate = bool(st.session_state.get("strategy.save_activate", True))
    if cr_needs_confirmation(result) and not st.session_state.get(CONFIRM_CR_KEY):
        st.session_state[FLASH_KEY] = InvalidInput(
            "CR above the threshold not confirmed", key="strategy.error.cr_not_confirmed",
            cr=f"{result.consistency_ratio:.3f}", threshold=f"{CR_THRESHOLD:.2f}")
        return
    _flash("strategy.save.done_active" if activate else "strategy.save.done",
           lambda: save_weight_set(data, name=name, method=method_code, weight_map=weight_map, result=result,
                                   activate=activate),
           name=name.strip())


def on_activate(data: StrategyData, weight_set_id: int, label: str) -> None:
    _flash("strategy.sets.activated", lambda: activate_weight_set(data, weight_set_id), name=label)


def on_delete(data: StrategyData, weight_set_id: int, label: str) -> None:
    if _flash("strategy.sets.deleted", lambda: delete_weight_set(data, weight_set_id), name=label):
        st.session_state.pop("strategy.confirm_delete", None)
