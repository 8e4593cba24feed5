"""Resources page helpers: cached load of committed (and scenario) demand against capacity, figures.

The cached loader is keyed on the database path, snapshot id, scenario id, the scenario's
`updated_at` stamp (a renamed or re-saved scenario reloads) and the horizon length; snapshots are
immutable. The horizon starts at the snapshot's month: past months are history, not a plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from analytics.resource_load import (
    ResourceLoad,
    add_demand,
    committed_dropped,
    place_demand,
    planning_horizon,
    resource_load,
    scenario_hires,
    scenario_start_months,
)
from analytics.vocabulary import SOLUTION_STATUSES
from i18n.numbers import utilisation_text
from store import db, delivery, scenarios, snapshots
from ui.perf import shared_by_view
from ui.session import lang, t
from ui.text import plot

CACHE = {"ttl": 3600, "max_entries": 64, "show_spinner": False}
DEFAULT_HORIZON_MONTHS = 24   # the page's first view, which the Overview's hot spots repeat
# Utilisation colour scale, as the caption under the heat map says (resources.heatmap.colours):
# white to green up to 85 %, green to yellow from 85 % to 100 % inclusive, red only above 100 %
# (darkest at UTILISATION_MAX = 150 % and beyond). Exactly 100 % is full, not over-allocated, so it
# must not take a red or orange tint: the red stop sits at OVER_FROM, and the heat map lifts every
# over-allocated cell to at least OVER_FROM and caps every other cell at 100 % (`heat_values`).
UTILISATION_MAX = 1.5
WATCH_FROM = 0.85
OVER_FROM = 1.001
UTILISATION_SCALE = [
    [0.0, "#f7fafc"], [0.6 / UTILISATION_MAX, "#c6f6d5"], [WATCH_FROM / UTILISATION_MAX, "#68d391"],
    [0.92 / UTILISATION_MAX, "#f6e05e"], [1.0 / UTILISATION_MAX, "#ecc94b"], [OVER_FROM / UTILISATION_MAX, "#e53e3e"],
    [1.0, "#742a2a"],
]


@dataclass(frozen=True)
class ScenarioChoice:
    scenario_id: int
    label: str
    stamp: str          # updated_at: part of the cache key


def scenario_choices(path: str, snapshot_id: int) -> list[ScenarioChoice]:
    """Saved scenarios of the snapshot that have a solution, newest first (a cheap query)."""
    con = db.cursor(path)
    try:
        rows = scenarios.list_scenarios(con, snapshot_id)
    finally:
        con.close()
    rows = rows[rows["status"].isin(list(SOLUTION_STATUSES))]
    return [
        ScenarioChoice(int(r.scenario_id), f"{'★ ' if r.is_recommended else ''}{r.name} (#{int(r.scenario_id)})",
                       str(r.updated_at))
        for r in rows.itertuples()
    ]


@dataclass(frozen=True)
class ResourceView:
    committed: ResourceLoad | None               # None: no capacity plan in the snapshot
    with_scenario: ResourceLoad | None           # committed + the scenario's additions
    scenario_name: str | None
    added_projects: tuple[str, ...]              # projects the scenario adds to committed work
    dropped_projects: tuple[str, ...]            # committed projects the scenario cancels
    hired_fte_months: float                      # FTE-months the scenario buys (not in capacity)
    key: tuple = ()                              # the loader's arguments: what the shared figures are keyed on


@st.cache_data(**CACHE)
def load_resources(
    path: str, snapshot_id: int, scenario_id: int | None, stamp: str | None, horizon_months: int
) -> ResourceView:
    """Load from the snapshot's month for `horizon_months` months (within the capacity plan)."""
    con = db.cursor(path)
    try:
        view = resource_view(con, snapshot_id, scenario_id, horizon_months)
        return replace(view, key=(path, snapshot_id, scenario_id, stamp, horizon_months))
    finally:
        con.close()


def resource_view(con, snapshot_id: int, scenario_id: int | None, horizon_months: int) -> ResourceView:
    """Committed load, and committed + the scenario's (its additions placed, its cancellations out, its
    hires added to capacity), from the snapshot's month: the one view of a plan's load that the
    Resources page and the Overview's hot spots share."""
    capacity = delivery.capacity(con, snapshot_id)
    if capacity.empty:
        return ResourceView(None, None, None, (), (), 0.0)
    as_of = snapshots.get_snapshot(con, snapshot_id).as_of
    committed_demand = delivery.committed_demand(con, snapshot_id)
    horizon = planning_horizon(capacity["month"], as_of, horizon_months)
    committed = resource_load(committed_demand, capacity, horizon_months=horizon)
    if scenario_id is None:
        return ResourceView(committed, None, None, (), (), 0.0)
    scenario = scenarios.get_scenario(con, scenario_id)
    committed_ids = delivery.committed_project_ids(con, snapshot_id)
    starts = scenario_start_months(scenario.result, committed_ids)
    dropped = committed_dropped(scenario.result, committed_ids, scenario.params.allow_cancel_committed)
    added_rows = delivery.project_demand(con, snapshot_id, list(starts))
    dropped_rows = delivery.project_demand(con, snapshot_id, dropped)
    added = place_demand(added_rows, starts)
    dropped_starts = {pid: str(start)[:7] for pid, start in zip(dropped_rows["project_id"], dropped_rows["start_month"], strict=True)}
    removed = place_demand(dropped_rows, dropped_starts)
    total = add_demand(committed_demand, added, subtract=removed)
    hires = scenario_hires(scenario.result)
    return ResourceView(
        committed=committed,
        with_scenario=resource_load(total, capacity, horizon_months=committed.months, hires=hires),
        scenario_name=scenario.name,
        added_projects=tuple(sorted(starts)),
        dropped_projects=tuple(dropped),
        hired_fte_months=float(hires["hired_fte"].sum()),
    )


# ----- tables and figures ----------------------------------------------------------------------

def fmt_pct(value: float | None) -> str:
    """Utilisation as every page shows it (`i18n.numbers.utilisation_text`): "∞" with no capacity."""
    return utilisation_text(value, lang())


def over_table(load: ResourceLoad, committed: ResourceLoad | None = None) -> pd.DataFrame:
    over = load.over_allocations()
    table = {
        t("resources.col.role"): over["role"],
        t("resources.col.month"): over["month"],
        t("resources.col.demand"): over["demand_fte"].round(2),
        t("resources.col.capacity"): over["capacity_fte"].round(2),
        t("figures.col.hired"): over["hired_fte"].round(2),
        t("resources.col.over"): over["over_fte"].round(2),
        t("resources.col.utilisation"): [fmt_pct(v) for v in over["utilisation"]],
    }
    if committed is not None:
        base = committed.cells.set_index(["role", "month"])["demand_fte"]
        table[t("resources.col.committed")] = [round(float(base.get((r, m), 0.0)), 2)
                                               for r, m in zip(over["role"], over["month"], strict=True)]
    return pd.DataFrame(table)


def heat_values(load: ResourceLoad) -> pd.DataFrame:
    """role x month values to colour: the utilisation, but red (>= OVER_FROM) exactly for the cells
    the over-allocation rule flags, and at most 100 % for every other cell (so 100.00000001 % from
    rounding stays yellow); cells with demand and no capacity take the top colour."""
    util = load.matrix("utilisation")
    demand = load.matrix("demand_fte")
    over = load.matrix("over_allocated").fillna(False).astype(bool)
    shown = util.where(util.notna(), other=(demand > 0).astype(float) * UTILISATION_MAX)
    shown = shown.where(over, other=shown.clip(upper=1.0))
    return shown.where(~over, other=shown.clip(lower=OVER_FROM)).clip(upper=UTILISATION_MAX)


def heatmap_figure(load: ResourceLoad) -> go.Figure:
    """role x month utilisation; cells with demand and no capacity show as the top colour."""
    util = load.matrix("utilisation")
    demand = load.matrix("demand_fte")
    capacity = load.matrix("capacity_fte")
    shown = heat_values(load)
    text = [["" if math.isnan(v) else fmt_pct(v) for v in u_row] for u_row in util.to_numpy()]
    custom = [[[d, c] for d, c in zip(d_row, c_row, strict=True)] for d_row, c_row in zip(demand.to_numpy(), capacity.to_numpy(), strict=True)]
    fig = go.Figure(go.Heatmap(
        z=shown.to_numpy(), x=list(util.columns), y=[plot(role) for role in util.index],
        zmin=0.0, zmax=UTILISATION_MAX, colorscale=UTILISATION_SCALE, text=text, texttemplate="%{text}",
        customdata=custom, xgap=1, ygap=1,
        colorbar={"title": {"text": t("resources.axis.utilisation")}, "tickformat": ".0%"},
        hovertemplate="%{y} · %{x}<br>" + t("resources.col.demand") + " %{customdata[0]:.2f} / "
        + t("resources.col.capacity") + " %{customdata[1]:.2f} FTE<extra></extra>",
    ))
    fig.update_xaxes(type="category", title_text=t("resources.axis.month"))
    fig.update_layout(height=max(260, 60 + 34 * len(util.index)), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def capacity_lines_figure(committed: ResourceLoad, with_scenario: ResourceLoad | None = None) -> go.Figure:
    """Per role: capacity, committed demand and (if given) committed + scenario demand by month."""
    roles = list(committed.roles)
    columns = 2 if len(roles) > 1 else 1
    rows = math.ceil(len(roles) / columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[plot(role) for role in roles], shared_xaxes=True, vertical_spacing=0.12 / max(rows, 1))
    series = [("capacity_fte", committed, "resources.series.capacity", "#2d3748", "hv"),
              ("demand_fte", committed, "resources.series.committed", "#3182ce", "linear")]
    if with_scenario is not None:
        series.append(("demand_fte", with_scenario, "resources.series.with_scenario", "#dd6b20", "linear"))
        if with_scenario.cells["hired_fte"].sum() > 0:   # what the scenario's utilisation is measured against
            supply = with_scenario.cells.assign(supply_fte=with_scenario.cells["capacity_fte"] + with_scenario.cells["hired_fte"])
            series.append(("supply_fte", ResourceLoad(supply, with_scenario.roles, with_scenario.months, 0.0, 0.0),
                           "figures.series.capacity_hired", "#718096", "hv"))
    for i, role in enumerate(roles):
        row, col = i // columns + 1, i % columns + 1
        for column, load, key, colour, shape in series:
            cells = load.cells[load.cells["role"] == role]
            fig.add_trace(go.Scatter(x=cells["month"], y=cells[column], name=t(key), legendgroup=key, showlegend=i == 0,
                                     mode="lines+markers", line={"color": colour, "shape": shape, "width": 2}),
                          row=row, col=col)
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="FTE")
    fig.update_layout(height=max(320, 260 * rows), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.08})
    return fig


# ----- built once per view and language, shared by every session (ui.perf) ---------------------

@shared_by_view
def heatmap_chart(view: ResourceView) -> go.Figure:
    return heatmap_figure(view.with_scenario or view.committed)


@shared_by_view
def capacity_lines_chart(view: ResourceView) -> go.Figure:
    return capacity_lines_figure(view.committed, view.with_scenario)
