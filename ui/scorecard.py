"""Scorecard page helpers: the cached inputs of a snapshot, the figures' texts, the trend chart, the projects table.

The inputs are cached per database path and snapshot (snapshots are immutable); the figures are
computed from them for the year and tolerances chosen, which is cheap.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.scorecard import MetricFigure, Scorecard, ScorecardSettings, assess
from i18n.numbers import BLANK, number, percent
from store import db
from store import scorecard as store_scorecard
from ui.session import lang, t
from ui.text import plot

CACHE = {"ttl": 3600, "max_entries": 64, "show_spinner": False}


@st.cache_data(**CACHE)
def load_inputs(path: str, snapshot_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(completed projects with their latest report, targets) of a snapshot."""
    con = db.cursor(path)
    try:
        return store_scorecard.completed_projects(con, snapshot_id), store_scorecard.targets(con, snapshot_id)
    finally:
        con.close()


@st.cache_data(**CACHE)
def load_assessed(path: str, snapshot_id: int, settings: ScorecardSettings) -> pd.DataFrame:
    """`analytics.scorecard.assess` of a snapshot's completed projects under these tolerances."""
    return assess(load_inputs(path, snapshot_id)[0], settings)


def share_text(value: float | None) -> str:
    return t("scorecard.value.none") if value is None else percent(value, lang(), 1)


def target_text(figure: MetricFigure) -> str:
    if figure.target is None:
        return t("scorecard.no_target")
    met = t(f"scorecard.met.{'none' if figure.met is None else str(figure.met).lower()}")
    return f"{t('scorecard.target', target=percent(figure.target, lang(), 1))} · {met}"


def definitions_text(settings: ScorecardSettings) -> str:
    return t("scorecard.definitions", late=settings.late_months_tolerance,
             budget=number(1 + settings.budget_tolerance, lang(), 2),
             benefit=percent(settings.benefit_threshold, lang(), 0))


def trend_figure(rows: pd.DataFrame) -> go.Figure:
    """Each metric's actual share per year as a line, its target as dotted markers."""
    figure = go.Figure()
    for metric, group in rows.groupby("metric", sort=False):
        name = t(f"scorecard.metric.{metric}")
        actual = [None if pd.isna(v) else float(v) for v in group["actual"]]
        figure.add_trace(go.Scatter(x=group["year"].tolist(), y=actual, mode="lines+markers", name=plot(name),
                                    legendgroup=metric))
        targets = group[group["target"].notna()]
        if len(targets):
            figure.add_trace(go.Scatter(x=targets["year"].tolist(), y=targets["target"].tolist(), mode="markers", legendgroup=metric,
                                        name=plot(t("scorecard.trend.target", metric=name)),
                                        marker={"symbol": "line-ew-open", "size": 18}))
    figure.update_layout(xaxis={"title": t("scorecard.trend.axis.year"), "dtick": 1},
                         yaxis={"title": t("scorecard.trend.axis.share"), "tickformat": ".0%", "rangemode": "tozero"},
                         height=360, margin={"t": 20})
    return figure


def _flag(value: object) -> str:
    return t("scorecard.yes") if bool(value) else t("scorecard.no")


def projects_table(card: Scorecard) -> pd.DataFrame:
    """The year's completed projects with what each figure counts, in the user's language."""
    rows = card.projects
    code = lang()
    table = pd.DataFrame({
        "project_id": rows["project_id"], "name": rows["name"], "planned_finish": rows["planned_finish"],
        "actual_finish": [BLANK if v is None else str(v) for v in rows["actual_finish"]],
        "months_late": [BLANK if pd.isna(v) else str(int(v)) for v in rows["months_late"]],
        "budget": [number(v, code) for v in rows["budget"]],
        "actual_cost": [number(v, code) for v in rows["actual_cost"]],
        "expected_benefit": [number(v, code) for v in rows["expected_benefit"]],
        "realised": [number(v, code) for v in rows["realised"]],
        "realised_share": [percent(v, code, 0) for v in rows["realised_share"]],
        "on_time": [_flag(v) for v in rows["on_time"]], "on_budget": [_flag(v) for v in rows["on_budget"]],
        "benefit_met": [_flag(v) for v in rows["benefit_met"]], "success": [_flag(v) for v in rows["success"]],
        "no_report": [_flag(v) for v in rows["no_report"]],
    })
    return table.rename(columns={c: t(f"scorecard.col.{c}") for c in table.columns})
