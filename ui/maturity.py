"""Maturity page helpers: cached maturity assessment and process-KPI analysis, tables and figures.

Loaders are keyed on the database path, the snapshot id and the user's choices (threshold,
process, KPI, change month); snapshots are immutable, so nothing else can stale a cached result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.maturity import MAX_LEVEL, MaturityAssessment, assess_maturity
from analytics.process_kpis import (
    BeforeAfter,
    ControlChart,
    before_after,
    control_chart,
    kpi_series,
    process_overview,
)
from store import db, delivery
from ui.labels import shorten
from ui.session import t
from ui.text import plot

CACHE = {"ttl": 3600, "max_entries": 64, "show_spinner": False}


@st.cache_data(**CACHE)
def load_maturity(path: str, snapshot_id: int, threshold: float) -> MaturityAssessment | None:
    con = db.cursor(path)
    try:
        rows = delivery.maturity_rows(con, snapshot_id)
    finally:
        con.close()
    return None if rows.empty else assess_maturity(rows, threshold)


@st.cache_data(**CACHE)
def load_process_rows(path: str, snapshot_id: int) -> pd.DataFrame:
    con = db.cursor(path)
    try:
        return delivery.process_kpi_rows(con, snapshot_id)
    finally:
        con.close()


@st.cache_data(**CACHE)
def load_process_overview(path: str, snapshot_id: int) -> pd.DataFrame:
    rows = load_process_rows(path, snapshot_id)
    return process_overview(rows) if len(rows) else pd.DataFrame()


@dataclass(frozen=True)
class KpiAnalysis:
    series: pd.Series
    chart: ControlChart
    comparison: BeforeAfter | None


@st.cache_data(**CACHE)
def analyse_kpi(path: str, snapshot_id: int, process: str, kpi: str, change_month: str | None) -> KpiAnalysis:
    """The KPI's monthly series, its control chart (limits from the months before the change, if a
    change month is chosen) and the before/after comparison."""
    series = kpi_series(load_process_rows(path, snapshot_id), process, kpi)
    if change_month is None:
        return KpiAnalysis(series, control_chart(series), None)
    return KpiAnalysis(series, control_chart(series, baseline_before=change_month),
                       before_after(series, kpi, change_month))


# ----- formatting and tables -------------------------------------------------------------------

def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def kpi_value(kpi: str, value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kpi == "error_rate":
        return f"{value:.2%}"
    return fmt(value, 0 if kpi == "volume" else 2)


def level_table(assessment: MaturityAssessment) -> pd.DataFrame:
    areas = assessment.areas
    return pd.DataFrame(
        {
            t("maturity.col.area"): areas["area"],
            t("maturity.col.level"): areas["level"],
            t("maturity.col.target"): [("—" if pd.isna(v) else str(int(v))) for v in areas["target_level"]],
            t("maturity.col.gap"): [("—" if pd.isna(v) else str(int(v))) for v in areas["gap"]],
            t("maturity.col.passing"): [f"{p}/{n}" for p, n in zip(areas["passing"], areas["practices"], strict=True)],
        }
    )


def improvement_table(assessment: MaturityAssessment) -> pd.DataFrame:
    items = assessment.improvements
    return pd.DataFrame(
        {
            t("maturity.col.rank"): items["rank"],
            t("maturity.col.area"): items["area"],
            t("maturity.col.practice"): items["practice"],
            t("maturity.col.practice_level"): items["level"],
            t("maturity.col.score"): items["score"].round(1),
            t("maturity.col.score_gap"): items["score_gap"].round(1),
        }
    )


def overview_table(overview: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("maturity.col.process"): overview["process"],
            t("maturity.col.kpi"): [t(f"maturity.kpi.{k}") for k in overview["kpi"]],
            t("maturity.col.months"): overview["months"],
            t("maturity.col.latest"): [kpi_value(k, v) for k, v in zip(overview["kpi"], overview["latest"], strict=True)],
            t("maturity.col.mean"): [kpi_value(k, v) for k, v in zip(overview["kpi"], overview["mean"], strict=True)],
            t("maturity.col.out_of_control"): overview["out_of_control"],
        }
    )


def verdict_text(result: BeforeAfter) -> str:
    if result.verdict == "insufficient_data":
        return t("maturity.verdict.insufficient_data", before=result.months_before, after=result.months_after)
    change_pct = "—" if result.change_pct is None else f"{result.change_pct:+.1%}"
    return t(f"maturity.verdict.{result.verdict}", kpi=t(f"maturity.kpi.{result.kpi}"),
             before=kpi_value(result.kpi, result.mean_before), after=kpi_value(result.kpi, result.mean_after),
             change=change_pct, p=f"{result.p_value:.3f}", u=fmt(result.u_statistic, 1),
             alpha=f"{result.alpha:g}")


# ----- figures ---------------------------------------------------------------------------------

RADAR_LABEL_WIDTH = 12  # display columns around the radar: six CJK characters, or five and "…"


def radar_figure(assessment: MaturityAssessment) -> go.Figure:
    areas = assessment.areas
    names = [plot(area) for area in areas["area"]]
    closed = [*names, names[0]] if names else names
    current = [*areas["level"], areas["level"].iloc[0]] if names else []
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=current, theta=closed, fill="toself", name=t("maturity.series.current"),
                                  line={"color": "#2b6cb0"}))
    with_target = areas[areas["target_level"].notna()]
    if len(with_target):
        targets = [float(v) if pd.notna(v) else None for v in areas["target_level"]]
        fig.add_trace(go.Scatterpolar(r=[*targets, targets[0]], theta=closed, name=t("maturity.series.target"),
                                      line={"color": "#dd6b20", "dash": "dash"}, connectgaps=False))
    # Long area names are shortened around the circle (the full name shows on hover) and the margins
    # leave room for the rest: a label at 3 o'clock was cut off by the figure's edge.
    fig.update_traces(hovertemplate="%{theta}: %{r}<extra>%{fullData.name}</extra>")
    fig.update_layout(polar={"radialaxis": {"range": [0, MAX_LEVEL], "dtick": 1},
                             "angularaxis": {"tickvals": names, "ticktext": [shorten(n, RADAR_LABEL_WIDTH) for n in names]}},
                      height=420, margin={"l": 80, "r": 80, "t": 30, "b": 30}, legend={"orientation": "h", "y": -0.1})
    return fig


def control_figure(analysis: KpiAnalysis, kpi: str, change_month: str | None) -> go.Figure:
    series, chart = analysis.series, analysis.chart
    months = list(series.index)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=series.to_numpy(), mode="lines+markers", name=t(f"maturity.kpi.{kpi}"),
                             line={"color": "#2b6cb0", "width": 2}))
    if chart.mean is not None:
        for value, key, dash in ((chart.mean, "mean", "solid"), (chart.upper_limit, "ucl", "dash"),
                                 (chart.lower_limit, "lcl", "dash")):
            fig.add_trace(go.Scatter(x=months, y=[value] * len(months), mode="lines", name=t(f"maturity.series.{key}"),
                                     line={"color": "#718096" if key == "mean" else "#c53030", "dash": dash, "width": 1}))
    if chart.out_of_control:
        outside = series.loc[list(chart.out_of_control)]
        fig.add_trace(go.Scatter(x=list(outside.index), y=outside.to_numpy(), mode="markers",
                                 name=t("maturity.series.out_of_control"),
                                 marker={"color": "#c53030", "size": 12, "symbol": "x"}))
    if change_month is not None and change_month in months:
        fig.add_vline(x=months.index(change_month), line_dash="dot", line_color="#dd6b20")
        fig.add_annotation(x=change_month, yref="paper", y=1.05, text=t("maturity.series.change"), showarrow=False,
                           font={"color": "#dd6b20"})
    fig.update_xaxes(type="category", title_text=t("maturity.axis.month"))
    fig.update_yaxes(title_text=t(f"maturity.kpi.{kpi}"), tickformat=".1%" if kpi == "error_rate" else None)
    fig.update_layout(height=400, margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return fig
