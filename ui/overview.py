"""Composition for the Overview page (总览): the portfolio at a glance for one snapshot.

One cached loader gathers every tile's figures from the modules that own them:
- counts and money by status: the snapshot's projects table;
- strategic value covered: the recommended scenario's pack (`reports.pack`): the share of the
  strategic value of all open proposals that its chosen proposals carry;
- portfolio CPI/SPI with trend and projects in critical health: `ui.delivery.load_delivery` (the
  Delivery page's cached view with its default EAC method and thresholds, so both pages agree);
- capacity hot spots: the Resources page's default view, by the same function
  (`ui.resources.resource_view`): the recommended plan's load (committed work + its new projects, its
  hires counted as capacity), or committed work alone when nothing is recommended, over
  `resources.DEFAULT_HORIZON_MONTHS` months from the snapshot's month; roles with any month over capacity;
- the recommended plan's totals split into committed work, new proposals and hires
  (`analytics.metrics.plan_totals`);
- maturity: `analytics.maturity` (organisation level = the weakest area, and the average);
- the proposals bubble chart (open proposals: proposed or on hold, the optimiser's candidates): strategic value (under the recommended scenario's weights, else the
  active ones) against budget, size = expected benefit, colour = in or out of the recommendation.

The loader is keyed on the database path, snapshot, the recommended scenario's id and version and
the set of snapshots, so a new recommendation or import shows at once; snapshots are immutable.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.health import HealthThresholds
from analytics.maturity import assess_maturity
from analytics.metrics import PlanTotals, plan_totals
from analytics.resource_load import ResourceLoad
from analytics.scoring import strategic_value
from analytics.vocabulary import DECIDED_STATUSES, STATUS_ORDER
from i18n import has_key, numbers
from reports.pack import Finding, assemble_pack, read_pack_inputs
from store import db, delivery, scenarios, snapshots, weights
from ui import delivery as delivery_ui
from ui import resources as resources_ui
from ui.perf import scatter_trace, shared_by_view, shared_loader
from ui.session import db_path, lang, t
from ui.text import md, plot

IN_PLAN_COLOUR, OUT_COLOUR, NEUTRAL_COLOUR = "#2b6cb0", "#a0aec0", "#718096"
MAX_DECISIONS = 6


@dataclass(frozen=True)
class StatusLine:
    status: str
    count: int
    budget: float


@dataclass(frozen=True)
class HotSpot:
    role: str
    months_over: int
    peak_utilisation: float | None   # None: demand for a role nobody supplies
    first_month: str


@dataclass(frozen=True)
class Recommendation:
    scenario_id: int
    name: str
    rationale: str | None
    coverage: float | None
    selected_count: int
    proposals_count: int
    new_cost: float
    selected_ids: frozenset[str]
    decisions: tuple[Finding, ...]
    totals: PlanTotals | None = None


@dataclass(frozen=True)
class CapacityView:
    """What the hot-spot tile shows: the figures of the Resources page's default view."""

    plan_name: str | None          # the recommended plan whose load is shown; None: committed work only
    over_cells: int                # over-allocated role-months
    peak_utilisation: float | None
    hired_fte_months: float


@dataclass(frozen=True)
class CriticalProject:
    project_id: str
    name: str
    reasons: tuple


@dataclass(frozen=True)
class OverviewData:
    label: str
    as_of: dt.date
    currency_unit: str
    statuses: tuple[StatusLine, ...]
    project_count: int
    total_budget: float
    recommendation: Recommendation | None
    cpi: float | None
    spi: float | None
    previous_cpi: float | None
    previous_spi: float | None
    cpi_trend: tuple[float, ...]
    spi_trend: tuple[float, ...]
    reporting_count: int
    critical: tuple[CriticalProject, ...]
    hot_spots: tuple[HotSpot, ...]
    hot_spot_months: tuple[str, ...]
    capacity: CapacityView | None     # None: the snapshot has no capacity plan
    maturity_level: int | None
    maturity_average: float | None
    maturity_areas_below_target: int
    proposals: pd.DataFrame          # project_id, name, category, strategic_value, budget, expected_benefit, in_plan
    key: tuple = ()                  # the loader's arguments: what the shared bubble chart is keyed on

    @property
    def waiting_proposals(self) -> int:
        """Open proposals without a decision: all of them, or those outside the recommendation."""
        if self.recommendation is None:
            return len(self.proposals)
        return int((~self.proposals["in_plan"].astype(bool)).sum())


def recommended_key(snapshot_id: int) -> tuple[int, str] | None:
    """(id, version) of the snapshot's recommended scenario: a cheap query keying the cached view."""
    con = db.cursor(db_path())
    try:
        chosen = scenarios.recommended_scenario(con, snapshot_id)
    finally:
        con.close()
    return None if chosen is None else (chosen.scenario_id, str(chosen.updated_at))


def load(snapshot_id: int) -> OverviewData:
    path = db_path()
    return load_overview(path, snapshot_id, recommended_key(snapshot_id), delivery_ui.snapshot_set(path))


@shared_loader(max_entries=32)
def load_overview(path: str, snapshot_id: int, recommended: tuple[int, str] | None, snapshot_set: tuple[int, ...]) -> OverviewData:
    con = db.cursor(path)
    try:
        snap = snapshots.get_snapshot(con, snapshot_id)
        projects = snapshots.read_table(con, "projects", snapshot_id)
        pack_inputs = read_pack_inputs(con, recommended[0]) if recommended else None
        values = dict(pack_inputs.strategic_value) if pack_inputs else _active_values(con, snapshot_id, projects)
        resource = resources_ui.resource_view(con, snapshot_id, recommended[0] if recommended else None,
                                              resources_ui.DEFAULT_HORIZON_MONTHS)
        maturity_rows = delivery.maturity_rows(con, snapshot_id)
    finally:
        con.close()
    view = delivery_ui.load_delivery(path, snapshot_id, "cpi", delivery_ui.thresholds_key(HealthThresholds()), snapshot_set)
    recommendation = _recommendation(pack_inputs)
    shown = resource.with_scenario or resource.committed
    maturity = assess_maturity(maturity_rows) if len(maturity_rows) else None
    critical = view.exceptions[view.exceptions["health"] == "critical"]
    trend = view.trend
    return OverviewData(
        label=snap.label, as_of=snap.as_of, currency_unit=snap.currency_unit,
        statuses=_statuses(projects), project_count=len(projects), total_budget=float(projects["budget"].sum()),
        recommendation=recommendation,
        cpi=view.portfolio.cpi, spi=view.portfolio.spi,
        previous_cpi=None if view.previous is None else view.previous.cpi,
        previous_spi=None if view.previous is None else view.previous.spi,
        cpi_trend=_finite(trend["cpi"]) if "cpi" in trend else (), spi_trend=_finite(trend["spi"]) if "spi" in trend else (),
        reporting_count=view.portfolio.reporting_count,
        critical=tuple(CriticalProject(str(r.project_id), str(r.name), tuple(r.reasons)) for r in critical.itertuples()),
        hot_spots=_hot_spots(shown), hot_spot_months=() if shown is None else shown.months,
        capacity=None if shown is None else CapacityView(
            resource.scenario_name, len(shown.over_allocations()), shown.peak_utilisation(), resource.hired_fte_months),
        maturity_level=None if maturity is None else maturity.organisation_level,
        maturity_average=None if maturity is None else maturity.average_level,
        maturity_areas_below_target=0 if maturity is None else int((maturity.areas["gap"].fillna(0) > 0).sum()),
        proposals=_proposals(projects, values, recommendation),
        key=(path, snapshot_id, recommended, snapshot_set),
    )


def _finite(series: pd.Series) -> tuple[float, ...]:
    return tuple(float(v) for v in pd.to_numeric(series, errors="coerce") if v is not None and math.isfinite(v))


def _active_values(con, snapshot_id: int, projects: pd.DataFrame) -> dict[str, float]:
    _, active = weights.active_weights(con, snapshot_id)
    if not active or projects.empty:
        return {}
    scores = snapshots.read_table(con, "project_scores", snapshot_id)
    series = strategic_value(scores[["project_id", "objective_id", "score"]], active, projects["project_id"].astype(str))
    return {str(k): float(v) for k, v in series.items()}


def _recommendation(inputs) -> Recommendation | None:
    if inputs is None:
        return None
    pack = assemble_pack(inputs)
    s = pack.summary
    return Recommendation(
        scenario_id=pack.scenario_id, name=pack.scenario_name, rationale=pack.rationale, coverage=s.strategic_coverage,
        selected_count=s.selected_count, proposals_count=s.selected_count + s.left_out_count, new_cost=s.new_cost,
        selected_ids=frozenset(p.project_id for p in pack.selected if not p.committed),
        decisions=tuple(f for f in pack.decisions if f.code in {"approve", "hiring"}),
        totals=plan_totals(inputs.result, inputs.spend_profile),
    )


def _statuses(projects: pd.DataFrame) -> tuple[StatusLine, ...]:
    grouped = projects.groupby("status")["budget"].agg(["count", "sum"])
    order = [s for s in STATUS_ORDER if s in grouped.index] + sorted(set(grouped.index) - set(STATUS_ORDER))
    return tuple(StatusLine(s, int(grouped.loc[s, "count"]), float(grouped.loc[s, "sum"])) for s in order)


def _hot_spots(load: ResourceLoad | None) -> tuple[HotSpot, ...]:
    """Roles over capacity in the load shown (most months over first)."""
    if load is None:
        return ()
    over = load.cells[load.cells["over_allocated"]]
    spots = []
    for role, cells in over.groupby("role"):
        peak = cells["utilisation"].max()
        spots.append(HotSpot(str(role), len(cells), None if pd.isna(peak) else float(peak), str(cells["month"].min())))
    spots.sort(key=lambda h: (-h.months_over, -(h.peak_utilisation if h.peak_utilisation is not None else math.inf), h.role))
    return tuple(spots)


def _proposals(projects: pd.DataFrame, values: dict[str, float], recommendation: Recommendation | None) -> pd.DataFrame:
    open_ = projects[~projects["status"].isin(DECIDED_STATUSES)]
    frame = pd.DataFrame({
        "project_id": open_["project_id"].astype(str),
        "name": open_["name"].astype(str),
        "category": open_["category"].fillna(""),
        "strategic_value": [values.get(str(p), 0.0) for p in open_["project_id"]],
        "budget": open_["budget"].astype(float),
        "expected_benefit": pd.to_numeric(open_["expected_benefit"], errors="coerce").fillna(0.0).clip(lower=0.0),
    })
    frame["in_plan"] = frame["project_id"].isin(recommendation.selected_ids) if recommendation else False
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- display


def money(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f} {unit}"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def delta(current: float | None, previous: float | None) -> str | None:
    """The CPI/SPI tile's change at the 2 decimals shown; None (no arrow) when it rounds to zero."""
    return delivery_ui.delta(current, previous, 2)


def status_label(status: str) -> str:
    key = f"overview.status.{status}"
    return t(key) if has_key(lang(), key) else status


def join_names(names: list[str]) -> str:
    """Names as one line of Markdown, each shown as typed."""
    return ("、" if lang() == "zh" else ", ").join(md(name) for name in names)


def bubble_figure(data: OverviewData) -> go.Figure:
    """Strategic value (x) against budget (y) of open proposals; size = expected benefit."""
    fig = go.Figure()
    frame = data.proposals
    biggest = float(frame["expected_benefit"].max()) if len(frame) else 0.0
    size_ref = 2.0 * biggest / (40.0**2) if biggest > 0 else 1.0
    groups = ([(True, t("overview.bubble.in_plan"), IN_PLAN_COLOUR), (False, t("overview.bubble.out_of_plan"), OUT_COLOUR)]
              if data.recommendation else [(False, t("overview.bubble.proposal"), NEUTRAL_COLOUR)])
    for flag, name, colour in groups:
        part = frame[frame["in_plan"] == flag]
        if part.empty:
            continue
        fig.add_trace(scatter_trace(
            len(frame), x=part["strategic_value"], y=part["budget"], mode="markers", name=name,
            marker={"size": part["expected_benefit"].clip(lower=biggest * 0.02 if biggest else 0) if biggest else 12,
                    "sizemode": "area", "sizeref": size_ref, "sizemin": 4, "color": colour, "opacity": 0.75,
                    "line": {"width": 1, "color": "white"}},
            # one array, not a tuple per point: Plotly validated 36,804 items one by one at 10,000 projects (0.95 s)
            customdata=np.column_stack([part["name"].map(plot), part["expected_benefit"], part["project_id"].map(plot)]),
            hovertemplate=t("overview.bubble.hover", unit=plot(data.currency_unit)) + "<extra></extra>",
        ))
    fig.update_layout(
        height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": -0.18},
        xaxis_title=t("overview.bubble.x"), yaxis_title=t("overview.bubble.y", unit=plot(data.currency_unit)),
    )
    return fig


bubble_chart = shared_by_view(bubble_figure)  # built once per loaded view and language, for every session


def totals_lines(rec: Recommendation, unit: str) -> list[str]:
    """The recommended plan's projects and spend, split into committed work, new proposals and hires."""
    if rec.totals is None:
        return []
    tot, lg = rec.totals, lang()
    return [
        t("figures.plan.projects", total=tot.project_count, committed=tot.committed_count, new=tot.new_count),
        t("figures.plan.spend", total=numbers.money(tot.total_spend, unit, lg), committed=numbers.money(tot.committed_spend, unit, lg),
          new=numbers.money(tot.new_spend, unit, lg), hires=numbers.money(tot.hire_spend, unit, lg)),
    ]


def capacity_line(view: CapacityView) -> str:
    """Whose load the hot spots count, with its peak and over-allocated role-months."""
    peak = numbers.utilisation_text(view.peak_utilisation, lang())
    if view.plan_name is None:
        return t("figures.hot_spots.committed", peak=peak, over=view.over_cells)
    return t("figures.hot_spots.plan", name=md(view.plan_name), hired=numbers.number(view.hired_fte_months, lang(), 1),
             peak=peak, over=view.over_cells)


def decision_lines(data: OverviewData) -> list[tuple[str, str | None]]:
    """(markdown line, page to link or None), most pressing first, at most MAX_DECISIONS."""
    lines: list[tuple[str, str | None]] = []
    rec = data.recommendation
    if rec is None:
        lines.append((t("overview.decide.no_recommendation", count=len(data.proposals)), "views/optimiser.py"))
    else:
        lines.append((t("overview.decide.approve", name=md(rec.name), count=rec.selected_count,
                        cost=money(rec.new_cost, md(data.currency_unit))), "views/scenarios.py"))
    if data.critical:
        names = join_names([p.name for p in data.critical[:3]])
        more = len(data.critical) - 3
        lines.append((t("overview.decide.critical", count=len(data.critical), names=names)
                      + (t("overview.decide.more", count=more) if more > 0 else ""), "views/delivery.py"))
    for spot in data.hot_spots[:2]:
        lines.append((t("overview.decide.hot_spot", role=md(spot.role), months=spot.months_over, first=spot.first_month,
                        peak=numbers.utilisation_text(spot.peak_utilisation, lang())),
                      "views/resources.py"))
    if rec is not None and data.waiting_proposals:
        lines.append((t("overview.decide.waiting", count=data.waiting_proposals), "views/scenarios.py"))
    return lines[:MAX_DECISIONS]
