"""Delivery page helpers: cached loaders (EVM, health, trends, benefits, drill-down) and Plotly figures.

Loaders are keyed on the database path, the snapshot id, the EAC method, the health thresholds and
`snapshot_set` (every snapshot id, so cross-snapshot trends refresh after an import or a delete).
Snapshots are immutable, so nothing else can make a cached result stale.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.benefits import UNCATEGORISED, BenefitsRealisation, benefits_realisation
from analytics.evm import EvmFigures, evm_frame, portfolio_evm
from analytics.health import HEALTH_LEVELS, HealthReason, HealthThresholds, assess_projects, exceptions
from analytics.months import months_between
from analytics.trends import (
    SnapshotChange,
    evm_trend,
    finish_slips,
    health_moves,
    milestone_hit_rate,
    scope_changes,
    snapshot_change,
)
from i18n import translate
from store import db, delivery, snapshots
from ui.perf import scatter_trace, shared_by_view, shared_loader
from ui.session import lang, t
from ui.text import plot

HEALTH_COLOURS = {"healthy": "#2f855a", "watch": "#d69e2e", "critical": "#c53030"}
SERIES_COLOURS = {"pv": "#4a5568", "ev": "#2b6cb0", "ac": "#c05621", "bac": "#718096"}
RAG_LEVELS = ("green", "amber", "red")


def thresholds_key(thresholds: HealthThresholds) -> tuple:
    """A hashable cache key of the thresholds (the loader rebuilds the dataclass from it)."""
    return astuple(thresholds)


def snapshot_set(path: str) -> tuple[int, ...]:
    """Every snapshot id: part of the cache key of cross-snapshot results (a cheap query)."""
    con = db.cursor(path)
    try:
        return delivery.snapshot_keys(con)
    finally:
        con.close()


@dataclass(frozen=True)
class DeliveryView:
    """Everything the delivery page shows for one snapshot."""

    label: str
    currency_unit: str
    projects: pd.DataFrame               # assessed: EVM figures, health, severity, reasons
    portfolio: EvmFigures
    previous: EvmFigures | None          # the previous snapshot's portfolio figures (trend arrows)
    previous_label: str | None
    hit_rate: float | None
    previous_hit_rate: float | None
    exceptions: pd.DataFrame
    moves: pd.DataFrame
    scope: pd.DataFrame
    slips: pd.DataFrame
    change: SnapshotChange | None
    trend: pd.DataFrame                  # portfolio per snapshot up to this one: cpi, spi, hit rate
    history: pd.DataFrame                # portfolio PV/EV/AC per month of this snapshot
    benefits: BenefitsRealisation
    key: tuple = ()                      # the loader's arguments: what the shared figures are keyed on


def _up_to(series: pd.DataFrame, as_of, snapshot_id: int) -> pd.DataFrame:
    """Rows of snapshots up to and including this one in (as_of, snapshot_id) order."""
    day = pd.Timestamp(as_of)
    stamps = pd.to_datetime(series["as_of"])
    return series[(stamps < day) | ((stamps == day) & (series["snapshot_id"] <= snapshot_id))]


@shared_loader(max_entries=64)
def load_delivery(path: str, snapshot_id: int, method: str, thresholds: tuple, snapshot_set: tuple[int, ...]) -> DeliveryView:
    con = db.cursor(path)
    try:
        snap = snapshots.get_snapshot(con, snapshot_id)
        latest = delivery.latest_reports(con, snapshot_id)
        compared = delivery.compare_with_previous(con, snapshot_id)
        series = delivery.portfolio_series(con)
        history = delivery.portfolio_history(con, snapshot_id)
        benefit_rows = delivery.completed_benefits(con, snapshot_id)
        previous_id = delivery.previous_snapshot_id(con, snapshot_id)
        # the previous snapshot's projects, so its EAC / ETC / TCPI follow the same closed-work rule
        previous_latest = delivery.latest_reports(con, previous_id) if previous_id is not None else None
    finally:
        con.close()
    th = HealthThresholds(*thresholds)
    projects = assess_projects(latest, method, th)
    trend = evm_trend(_up_to(series, snap.as_of, snapshot_id), method).reset_index(drop=True)
    previous_rows = trend[trend["snapshot_id"] == previous_id]
    previous_row = previous_rows.iloc[0] if previous_id is not None and len(previous_rows) else None
    return DeliveryView(
        label=snap.label,
        currency_unit=snap.currency_unit,
        projects=projects,
        portfolio=portfolio_evm(latest, method),
        previous=None if previous_row is None or previous_latest is None else portfolio_evm(previous_latest, method),
        previous_label=None if previous_row is None else str(previous_row["label"]),
        hit_rate=milestone_hit_rate(latest),
        previous_hit_rate=None if previous_row is None or pd.isna(previous_row["milestone_hit_rate"])
        else float(previous_row["milestone_hit_rate"]),
        exceptions=exceptions(projects),
        moves=health_moves(compared, th, method),
        scope=scope_changes(compared),
        slips=finish_slips(compared),
        change=snapshot_change(compared, th) if previous_id is not None else None,
        trend=trend,
        history=evm_frame(history, method) if len(history) else history,
        benefits=benefits_realisation(benefit_rows),
        key=(path, snapshot_id, method, thresholds, snapshot_set),
    )


@dataclass(frozen=True)
class ProjectDetail:
    history: pd.DataFrame     # reports of this snapshot with EVM figures per report date
    series: pd.DataFrame      # the project's latest figures in every snapshot up to this one
    key: tuple = ()           # the loader's arguments: what the shared figures are keyed on


@shared_loader(max_entries=64)
def load_project(path: str, snapshot_id: int, project_id: str, method: str, snapshot_set: tuple[int, ...]) -> ProjectDetail:
    con = db.cursor(path)
    try:
        as_of = snapshots.get_snapshot(con, snapshot_id).as_of
        history = delivery.report_history(con, snapshot_id, project_id)
        series = delivery.snapshot_series(con, project_id)
    finally:
        con.close()
    series = _up_to(series, as_of, snapshot_id)
    return ProjectDetail(
        history=evm_frame(history, method) if len(history) else history,
        series=evm_trend(series, method) if len(series) else series,
        key=(path, snapshot_id, project_id, method, snapshot_set),
    )


# ----- formatting -------------------------------------------------------------------------------

def fmt_number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "—"
    return f"{value:,.{digits}f}"


def fmt_pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0%}"


def _change_text(change: float, digits: int) -> str | None:
    """A signed change at `digits` decimals; None when it rounds to zero there ("-0.00" is no change)."""
    if not math.isfinite(change) or round(change, digits) == 0:
        return None
    return f"{change:+,.{digits}f}"


def delta(current: float | None, previous: float | None, digits: int = 2) -> str | None:
    """The st.metric delta text against the previous snapshot (None hides the arrow, also when the
    change does not show at `digits` decimals)."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    return _change_text(current - previous, digits)


def delta_points(current: float | None, previous: float | None) -> str | None:
    """The delta of two rates in whole percentage points (None when it rounds to 0 points)."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    points = _change_text((current - previous) * 100, 0)
    return None if points is None else t("delivery.delta.points", value=points)


def reason_text(reason: HealthReason, language: str | None = None) -> str:
    return translate(language or lang(), f"delivery.reason.{reason.code}", **reason.params)


def reasons_text(reasons, language: str | None = None) -> str:
    """The reasons as one line; tables pass the language once (not looked up per reason: thousands of rows)."""
    if not reasons:
        return ""
    language = language or lang()
    return translate(language, "delivery.reason.separator").join(reason_text(r, language) for r in reasons)


def health_label(level: str) -> str:
    return t(f"delivery.health.{level}")


def _health_labels(levels) -> list[str]:
    labels = {level: health_label(level) for level in HEALTH_LEVELS}
    return [labels[h] if h in labels else health_label(h) for h in levels]


def rag_label(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    return t(f"delivery.rag.{value.lower()}") if value.lower() in RAG_LEVELS else value


def project_label(row) -> str:
    return f"{row.project_id} · {row.name}"


# ----- tables -----------------------------------------------------------------------------------

def index_column(values: pd.Series) -> pd.Series:
    """CPI/SPI rounded as the reasons print them (`analytics.health.index_text`: Python's round, half
    to nearest on the exact value, not numpy's scaled rounding)."""
    return pd.Series([np.nan if pd.isna(v) else round(float(v), 2) for v in values], index=values.index, dtype=float)


def index_columns_config() -> dict:
    """st.dataframe column config showing CPI and SPI with 2 decimals always ("0.70", not "0.7")."""
    number = st.column_config.NumberColumn(format="%.2f")
    return {t("delivery.col.cpi"): number, t("delivery.col.spi"): number}


# st.dataframe wraps a cell's text when the row is tall enough: the reasons column gets a fixed width
# that fits beside the other columns in the main area at 1280 px, and rows room for three lines.
REASONS_ROW_HEIGHT = 76  # px
REASONS_WIDTH = 330      # px
NAME_WIDTH = 190         # px


def reasons_table_config() -> dict:
    """Column config of a table with a reasons column: CPI/SPI with 2 decimals, the reasons and the
    project name at the widths above (with REASONS_ROW_HEIGHT they wrap instead of being cut off)."""
    return {**index_columns_config(), t("delivery.col.reasons"): st.column_config.TextColumn(width=REASONS_WIDTH),
            t("delivery.col.name"): st.column_config.TextColumn(width=NAME_WIDTH)}


def exceptions_table(frame: pd.DataFrame) -> pd.DataFrame:
    language = lang()
    return pd.DataFrame(
        {
            t("delivery.col.project"): frame["project_id"],
            t("delivery.col.name"): frame["name"],
            t("delivery.col.health"): _health_labels(frame["health"]),
            t("delivery.col.cpi"): index_column(frame["cpi"]),
            t("delivery.col.spi"): index_column(frame["spi"]),
            t("delivery.col.budget"): frame["budget"].round(1),
            t("delivery.col.reasons"): [reasons_text(r, language) for r in frame["reasons"]],
        }
    )


def moves_table(frame: pd.DataFrame) -> pd.DataFrame:
    language = lang()
    return pd.DataFrame(
        {
            t("delivery.col.project"): frame["project_id"],
            t("delivery.col.name"): frame["name"],
            t("delivery.col.was"): _health_labels(frame["prev_health"]),
            t("delivery.col.now"): _health_labels(frame["health"]),
            t("delivery.col.reasons"): [reasons_text(r, language) for r in frame["reasons"]],
        }
    )


def scope_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("delivery.col.project"): frame["project_id"],
            t("delivery.col.name"): frame["name"],
            t("delivery.col.prev_budget"): frame["prev_budget"].round(1),
            t("delivery.col.budget"): frame["budget"].round(1),
            t("delivery.col.change"): frame["change"].round(1),
            t("delivery.col.change_pct"): [fmt_pct(v) for v in frame["change_pct"]],
        }
    )


def slips_table(frame: pd.DataFrame) -> pd.DataFrame:
    def day(value) -> str:
        return "—" if pd.isna(value) else pd.Timestamp(value).date().isoformat()

    return pd.DataFrame(
        {
            t("delivery.col.project"): frame["project_id"],
            t("delivery.col.name"): frame["name"],
            t("delivery.col.planned_finish"): [day(v) for v in frame["planned_finish"]],
            t("delivery.col.prev_forecast"): [day(v) for v in frame["prev_forecast_finish"]],
            t("delivery.col.forecast"): [day(v) for v in frame["forecast_finish"]],
            t("delivery.col.slip_days"): frame["slip_days"],
            t("delivery.col.late_days"): frame["late_days"],
        }
    )


def status_history_table(history: pd.DataFrame) -> pd.DataFrame:
    def day(value) -> str:
        return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()

    return pd.DataFrame(
        {
            t("delivery.col.report_date"): [day(v) for v in history["report_date"]],
            t("delivery.col.pv"): history["planned_value"].round(1),
            t("delivery.col.ev"): history["earned_value"].round(1),
            t("delivery.col.ac"): history["actual_cost"].round(1),
            t("delivery.col.cpi"): index_column(history["cpi"]),
            t("delivery.col.spi"): index_column(history["spi"]),
            t("delivery.col.percent_complete"): history["percent_complete"],
            t("delivery.col.rag"): [rag_label(r) for r in history["rag"]],
            t("delivery.col.forecast"): [day(v) for v in history["forecast_finish"]],
            t("delivery.col.open_risks"): history["open_risks"],
            t("delivery.col.open_issues"): history["open_issues"],
            t("delivery.col.milestones"): [
                "" if pd.isna(d) else f"{int(m) if not pd.isna(m) else 0}/{int(d)}"
                for d, m in zip(history["milestones_due"], history["milestones_met"], strict=True)
            ],
        }
    )


def benefits_table(benefits: BenefitsRealisation) -> pd.DataFrame:
    frame = benefits.by_category
    return pd.DataFrame(
        {
            t("delivery.col.category"): [c if c != UNCATEGORISED else t("delivery.uncategorised") for c in frame["category"]],
            t("delivery.col.projects"): frame["projects"],
            t("delivery.col.planned_benefit"): frame["planned"].round(1),
            t("delivery.col.realised_benefit"): frame["realised"].round(1),
            t("delivery.col.realisation_rate"): [fmt_pct(v) for v in frame["realisation_rate"]],
        }
    )


# ----- figures ----------------------------------------------------------------------------------

# Date ticks as numbers ("2025-03"), the same in every language: Plotly's own month names are English.
DATE_TICK_FORMAT = "%Y-%m"
MAX_DATE_TICKS = 8


def _layout(fig: go.Figure, height: int = 420) -> go.Figure:
    """Legend above the plot (below it, it covered rotated tick labels); margins grow to fit the ticks."""
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def month_axis(fig: go.Figure, dates: pd.Series) -> go.Figure:
    """A date x axis ticked on whole months as "YYYY-MM" (at most MAX_DATE_TICKS ticks, never a day
    step that would repeat a month's label)."""
    stamps = pd.to_datetime(pd.Series(dates), errors="coerce").dropna()
    if stamps.empty:
        return fig
    span = months_between(stamps.min(), stamps.max()) + 1
    step = max(1, math.ceil(span / MAX_DATE_TICKS))
    fig.update_xaxes(type="date", tickformat=DATE_TICK_FORMAT, hoverformat="%Y-%m-%d", dtick=f"M{step}",
                     tick0=stamps.min().to_period("M").start_time.strftime("%Y-%m-%d"))
    return fig


def snapshot_ticks(trend: pd.DataFrame) -> list[str]:
    """One x label per snapshot: its label, plus " · #id" when another snapshot shares its as-of
    date or its label (a re-import), so two points never merge or look alike."""
    labels = trend["label"].astype(str)
    shared = labels.duplicated(keep=False)
    if "as_of" in trend.columns:
        shared |= pd.to_datetime(trend["as_of"]).duplicated(keep=False)
    if "snapshot_id" not in trend.columns:
        return list(labels)
    return [f"{label} · #{int(sid)}" if dup else label
            for label, sid, dup in zip(labels, trend["snapshot_id"], shared, strict=True)]


# The CPI x SPI chart's axes span a robust range, so a few absurd indices (a CPI of 111 from a tiny
# planned value) cannot squash every other project into one dot. A low index is a project in
# trouble and is always drawn (indices are never below 0, so low values cannot squash the chart);
# a high one is left out only when it is above both ROBUST_PLAUSIBLE_HIGH and Tukey's "far out"
# fence Q3 + 3 IQR of the plotted values. The axes then fit the drawn points and always cover
# ROBUST_ALWAYS (so the 1.0 lines show). `quadrant_outliers` lists the projects left out.
ROBUST_FENCE = 3.0
ROBUST_PLAUSIBLE_HIGH = 2.0  # twice the value for the money, or twice the planned progress
ROBUST_ALWAYS = (0.8, 1.2)
ROBUST_PAD = 0.05  # share of the span added on both sides so edge dots are not cut in half


@dataclass(frozen=True)
class AxisRange:
    low: float   # fence: values below are outliers (0: none)
    high: float  # fence: values above are outliers

    def shown(self, values: pd.Series) -> list[float]:
        """The axis range drawn: the in-fence values and ROBUST_ALWAYS, padded."""
        inside = values[(values >= self.low) & (values <= self.high)]
        low = min([ROBUST_ALWAYS[0], *([float(inside.min())] if len(inside) else [])])
        high = max([ROBUST_ALWAYS[1], *([float(inside.max())] if len(inside) else [])])
        pad = ROBUST_PAD * (high - low)
        return [max(0.0, low - pad), high + pad]


def robust_range(values: pd.Series) -> AxisRange:
    """The fences of one index (see the comment above ROBUST_FENCE)."""
    finite = pd.to_numeric(values, errors="coerce").replace([np.inf, -np.inf], np.nan).dropna()
    if finite.empty:
        return AxisRange(0.0, ROBUST_PLAUSIBLE_HIGH)
    q1, q3 = float(finite.quantile(0.25)), float(finite.quantile(0.75))
    return AxisRange(0.0, max(q3 + ROBUST_FENCE * (q3 - q1), ROBUST_PLAUSIBLE_HIGH))


def _quadrant_parts(projects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, AxisRange, AxisRange]:
    """(drawn, outliers, SPI range, CPI range) of the projects with both indices defined."""
    plotted = projects[projects["cpi"].notna() & projects["spi"].notna()]
    plotted = plotted[np.isfinite(plotted["cpi"].astype(float)) & np.isfinite(plotted["spi"].astype(float))]
    x_range, y_range = robust_range(plotted["spi"]), robust_range(plotted["cpi"])
    inside = plotted["spi"].between(x_range.low, x_range.high) & plotted["cpi"].between(y_range.low, y_range.high)
    return plotted[inside], plotted[~inside], x_range, y_range


def quadrant_outliers(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects the CPI x SPI chart leaves out because an index is outside its robust range."""
    _, outliers, _, _ = _quadrant_parts(projects)
    distance = np.maximum((outliers["cpi"] - 1.0).abs(), (outliers["spi"] - 1.0).abs())
    outliers = outliers.iloc[np.argsort(-distance.to_numpy(), kind="stable")]
    return pd.DataFrame({
        t("delivery.col.project"): outliers["project_id"].to_numpy(),
        t("delivery.col.name"): outliers["name"].to_numpy(),
        t("delivery.col.cpi"): index_column(outliers["cpi"]).to_numpy(),
        t("delivery.col.spi"): index_column(outliers["spi"]).to_numpy(),
        t("delivery.col.health"): [health_label(h) for h in outliers["health"]],
    })


def quadrant_figure(projects: pd.DataFrame) -> go.Figure:
    """CPI (y) against SPI (x), one dot per project, size = budget, colour = health; axes clipped to a
    robust range (outliers listed by `quadrant_outliers`)."""
    drawn, _, x_range, y_range = _quadrant_parts(projects)
    fig = go.Figure()
    biggest = float(drawn["budget"].max()) if len(drawn) else 1.0
    for level in HEALTH_LEVELS:
        part = drawn[drawn["health"] == level]
        if part.empty:
            continue
        fig.add_trace(scatter_trace(
            len(drawn), x=part["spi"], y=part["cpi"], mode="markers", name=health_label(level),
            marker={"size": part["budget"], "sizemode": "area", "sizeref": 2.0 * max(biggest, 1e-9) / 40**2,
                    "sizemin": 4, "color": HEALTH_COLOURS[level], "opacity": 0.7, "line": {"width": 1, "color": "white"}},
            text=[plot(f"{p} · {n}") for p, n in zip(part["project_id"], part["name"], strict=True)],
            customdata=np.stack([part["budget"]], axis=-1),
            hovertemplate="%{text}<br>SPI %{x:.2f} · CPI %{y:.2f}<br>" + t("delivery.col.budget") + " %{customdata[0]:,.1f}<extra></extra>",
        ))
    fig.update_layout(shapes=[reference_line(x=1.0), reference_line(y=1.0)])
    for x, y, key in ((1, 1, "ahead_under"), (0, 1, "behind_under"), (1, 0, "ahead_over"), (0, 0, "behind_over")):
        fig.add_annotation(xref="x domain", yref="y domain", x=0.98 if x else 0.02, y=0.98 if y else 0.02,
                           xanchor="right" if x else "left", yanchor="top" if y else "bottom", showarrow=False,
                           text=t(f"delivery.quadrant.{key}"), font={"color": "#718096", "size": 11})
    fig.update_xaxes(title_text=t("delivery.axis.spi"), range=x_range.shown(drawn["spi"]))
    fig.update_yaxes(title_text=t("delivery.axis.cpi"), range=y_range.shown(drawn["cpi"]))
    return _layout(fig, 480)


def reference_line(*, x: float | None = None, y: float | None = None, dash: str = "dot",
                   colour: str = "#a0aec0") -> dict:
    """A line across the plot at x= or y= (a layout shape: Plotly's add_hline/add_vline cost ~70 ms each)."""
    if x is not None:
        return {"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0, "y1": 1,
                "line": {"dash": dash, "color": colour}}
    return {"type": "line", "yref": "y", "y0": y, "y1": y, "xref": "x domain", "x0": 0, "x1": 1,
            "line": {"dash": dash, "color": colour}}


def s_curve_figure(history: pd.DataFrame, x: str, budget: float | None = None) -> go.Figure:
    """PV, EV and AC over time (cumulative), with the budget at completion as a dashed line."""
    fig = go.Figure()
    for column, key in (("planned_value", "pv"), ("earned_value", "ev"), ("actual_cost", "ac")):
        fig.add_trace(go.Scatter(x=history[x], y=history[column], mode="lines+markers", name=t(f"delivery.series.{key}"),
                                 line={"color": SERIES_COLOURS[key], "width": 2}))
    if budget is not None and math.isfinite(budget):
        fig.update_layout(
            shapes=[reference_line(y=budget, dash="dash", colour=SERIES_COLOURS["bac"])],
            annotations=[{"text": t("delivery.series.bac"), "xref": "x domain", "x": 0, "xanchor": "left",
                          "yref": "y", "y": budget, "yanchor": "bottom", "showarrow": False}])
    fig.update_yaxes(title_text=t("delivery.axis.money"))
    return month_axis(_layout(fig), history[x])


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """CPI and SPI per snapshot (x: `snapshot_ticks`), with the 1.0 line."""
    fig = go.Figure()
    ticks = [plot(tick) for tick in snapshot_ticks(trend)]
    for column, colour in (("cpi", SERIES_COLOURS["ac"]), ("spi", SERIES_COLOURS["ev"])):
        fig.add_trace(go.Scatter(x=ticks, y=trend[column], mode="lines+markers",
                                 name=t(f"delivery.metric.{column}"), line={"color": colour, "width": 2}))
    fig.update_layout(shapes=[reference_line(y=1.0)])
    fig.update_xaxes(title_text=t("delivery.axis.snapshot"), type="category")
    fig.update_yaxes(title_text=t("delivery.axis.index"))
    return _layout(fig, 360)


def benefits_figure(benefits: BenefitsRealisation) -> go.Figure:
    frame = benefits.by_category
    names = [plot(c) if c != UNCATEGORISED else t("delivery.uncategorised") for c in frame["category"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=frame["planned"], name=t("delivery.series.planned_benefit"), marker_color="#a0aec0"))
    fig.add_trace(go.Bar(x=names, y=frame["realised"], name=t("delivery.series.realised_benefit"), marker_color="#2f855a",
                         text=[fmt_pct(v) for v in frame["realisation_rate"]], textposition="outside"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("delivery.axis.money"))
    return _layout(fig, 380)


# ----- built once per view and language, shared by every session (ui.perf) ---------------------

@shared_by_view
def quadrant_chart(view: DeliveryView) -> go.Figure:
    return quadrant_figure(view.projects)


@shared_by_view
def portfolio_curve_chart(view: DeliveryView) -> go.Figure:
    return s_curve_figure(view.history, "month")


@shared_by_view
def trend_chart(view: DeliveryView) -> go.Figure:
    return trend_figure(view.trend)


@shared_by_view
def benefits_chart(view: DeliveryView) -> go.Figure:
    return benefits_figure(view.benefits)


@shared_by_view
def exceptions_shown(view: DeliveryView) -> pd.DataFrame:
    return exceptions_table(view.exceptions)


@shared_by_view
def moves_shown(view: DeliveryView) -> pd.DataFrame:
    return moves_table(view.moves)


@shared_by_view
def scope_shown(view: DeliveryView) -> pd.DataFrame:
    return scope_table(view.scope)


@shared_by_view
def slips_shown(view: DeliveryView) -> pd.DataFrame:
    return slips_table(view.slips)


@shared_by_view
def outliers_shown(view: DeliveryView) -> pd.DataFrame:
    return quadrant_outliers(view.projects)


@shared_by_view
def drill_options(view: DeliveryView) -> dict[str, str]:
    """Project id -> label for the drill-down search, most severe first."""
    ordered = view.projects.sort_values(["severity", "project_id"], ascending=[False, True])
    return {row.project_id: project_label(row) for row in ordered.itertuples()}


@shared_by_view
def project_curve_chart(detail: ProjectDetail, budget: float) -> go.Figure:
    return s_curve_figure(detail.history, "report_date", budget)


@shared_by_view
def project_trend_chart(detail: ProjectDetail) -> go.Figure:
    return trend_figure(detail.series)
