"""The Optimiser page's five figures: Gantt of the chosen starts, role x month utilisation heat map,
efficient frontier, spend by month (with the budget) and spend by category.

User text (project, role and category names) reaches Plotly only through `ui.text.plot`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.months import add_months
from analytics.scenario_compare import capacity_utilisation
from analytics.selection_types import FrontierPoint, SelectionParams, SelectionResult
from ui.session import t
from ui.text import plot

_COMMITTED_COLOUR = "#8c8c8c"
_NEW_COLOUR = "#1f77b4"


def _month_start(month: str) -> pd.Timestamp:
    return pd.Timestamp(f"{month}-01")


def _label(project_id: str, name: str) -> str:
    return plot(f"{project_id} · {name}")


def gantt_figure(result: SelectionResult, horizon_start: str | None = None, today: dt.date | None = None) -> go.Figure:
    """Selected starts as bars from start month to the end of the last month; committed in grey.

    Dashed vertical lines mark the horizon's first month and today (default: the machine's date).
    """
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
                y=[_label(p.project_id, p.name) for p in group],
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
        yaxis={"categoryorder": "array", "categoryarray": [_label(p.project_id, p.name) for p in ordered]},
        height=max(320, 22 * len(ordered) + 120),
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        # the legend sits above the row of line labels (horizon start, today) at the plot's top edge
        legend={"orientation": "h", "yref": "container", "y": 0.99, "yanchor": "top"},
    )
    marks = [(_month_start(horizon_start), t("optrun.gantt.horizon_start"), "#2f855a")] if horizon_start else []
    marks.append((pd.Timestamp(today or dt.date.today()), t("optrun.gantt.today"), "#c53030"))
    for when, text, colour in marks:
        # a shape and an annotation rather than add_vline, whose label placement fails on date axes
        fig.add_shape(type="line", x0=when, x1=when, y0=0, y1=1, yref="paper",
                      line={"color": colour, "width": 1.5, "dash": "dash"}, name=text)
        fig.add_annotation(x=when, y=1, yref="paper", text=text, showarrow=False, yanchor="bottom",
                           font={"color": colour, "size": 11})
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
            y=[plot(role) for role in z.index],
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
    shown = [plot(f"{i} {names.get(i, '')}".strip()) for i in point.entered[:limit]]
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
        go.Bar(x=[plot(c) for c, _ in items], y=[v for _, v in items], marker_color="#319795",
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

