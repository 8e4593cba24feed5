"""Change control helpers (变更控制): the register, a request's impact, raising and deciding, scope creep.

The Change control page (views/changes.py) and the Delivery page's scope-creep section use these. The
register is read fresh on every run (raising and deciding change it); the snapshot's projects, committed
demand and capacity, which never change, are cached per database path and snapshot, and a project's own
demand rows per project (not every project's: a million rows at 10,000 projects, unpickled on each run).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.changes import ChangeImpact, ChangeRequest, change_impact, scope_creep
from analytics.resource_load import planning_horizon
from i18n.numbers import BLANK, number, percent
from store import changes, db, delivery, snapshots
from ui.session import actor, cursor, lang, t
from ui.text import md, plot

CACHE = {"ttl": 3600, "max_entries": 64, "show_spinner": False}
HORIZON_MONTHS = 24  # the load shown with a change: two years from the snapshot's month


@dataclass(frozen=True)
class SnapshotInputs:
    as_of: object
    currency_unit: str
    projects: pd.DataFrame  # project_id, name, status, start_month, duration_months, budget
    committed_demand: pd.DataFrame
    capacity: pd.DataFrame
    horizon: tuple[str, ...]
    path: str = ""          # where a project's demand rows are read (`project_demand`)
    snapshot_id: int = 0

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        """"P-001 · name" of every project, in the projects' order (built once per run, not per option)."""
        return {str(p): f"{p} · {n}" for p, n in zip(self.projects["project_id"], self.projects["name"], strict=True)}


@st.cache_data(**CACHE)
def load_inputs(path: str, snapshot_id: int) -> SnapshotInputs:
    con = db.cursor(path)
    try:
        snap = snapshots.get_snapshot(con, snapshot_id)
        projects = snapshots.read_table(con, "projects", snapshot_id)
        capacity = delivery.capacity(con, snapshot_id)
        horizon = tuple(planning_horizon(capacity["month"], snap.as_of, HORIZON_MONTHS)) if len(capacity) else ()
        return SnapshotInputs(
            as_of=snap.as_of, currency_unit=snap.currency_unit,
            projects=projects[["project_id", "name", "status", "start_month", "duration_months", "budget"]],
            committed_demand=delivery.committed_demand(con, snapshot_id), capacity=capacity, horizon=horizon,
            path=path, snapshot_id=snapshot_id,
        )
    finally:
        con.close()


@st.cache_data(**CACHE)
def project_demand(path: str, snapshot_id: int, project_id: str) -> pd.DataFrame:
    con = db.cursor(path)
    try:
        return changes.project_demand_rows(con, snapshot_id, project_id)
    finally:
        con.close()


def register(snapshot_id: int) -> pd.DataFrame:
    """The snapshot's change requests (imported, raised here, carried over)."""
    return changes.list_requests(cursor(), snapshot_id)


def impact(inputs: SnapshotInputs, requests: pd.DataFrame, request: ChangeRequest) -> ChangeImpact:
    """The request's impact, cached per snapshot, register (its rows, hashed) and request: the resource
    load with and without it is ~0.3 s at 2,500 projects, on every rerun of both tabs otherwise."""
    return _impact(inputs.path, inputs.snapshot_id, requests, request, inputs)


@st.cache_data(**CACHE)
def _impact(path: str, snapshot_id: int, requests: pd.DataFrame, request: ChangeRequest,
            _inputs: SnapshotInputs) -> ChangeImpact:
    demand = project_demand(path, snapshot_id, request.project_id)
    return change_impact(request, _inputs.projects, requests, as_of=_inputs.as_of,
                         committed_demand=_inputs.committed_demand, project_demand=demand,
                         capacity=_inputs.capacity, horizon_months=list(_inputs.horizon) or None)


def delta(value: object) -> float:
    """A delta as a number: a blank one is 0."""
    return 0.0 if value is None or pd.isna(value) else float(value)


def status_label(status: str) -> str:
    return t(f"changes.status.{status}")


def project_label(inputs: SnapshotInputs, project_id: str) -> str:
    return inputs.labels.get(project_id, f"{project_id} · ")


def register_table(requests: pd.DataFrame) -> pd.DataFrame:
    code = lang()
    table = pd.DataFrame({
        "cr_id": requests["cr_id"], "project_id": requests["project_id"], "title": requests["title"],
        "raised_on": [str(v) for v in requests["raised_on"]],
        "budget_delta": [number(None if pd.isna(v) else float(v), code) for v in requests["budget_delta"]],
        "schedule_delta_months": [BLANK if pd.isna(v) else str(int(v)) for v in requests["schedule_delta_months"]],
        "status": [status_label(s) for s in requests["status"]],
        "decided_on": [BLANK if v is None else str(v) for v in requests["decided_on"]],
        "decided_by": [BLANK if v is None or pd.isna(v) else str(v) for v in requests["decided_by"]],
        "decision_reason": [BLANK if v is None or pd.isna(v) else str(v) for v in requests["decision_reason"]],
        "origin": [t(f"changes.origin.{o}") for o in requests["origin"]],
    })
    return table.rename(columns={c: t(f"changes.col.{c}") for c in table.columns})


def show_impact(result: ChangeImpact, unit: str, key: str) -> None:
    """The change against the baseline: budget, finish, the portfolio's budget, each role's load."""
    code = lang()
    c1, c2, c3 = st.columns(3)
    c1.metric(t("changes.impact.budget"), number(result.new_budget, code),
              delta=number(result.new_budget - result.current_budget, code), delta_color="inverse")
    c1.caption(t("changes.impact.budget_basis", baseline=number(result.baseline_budget, code),
                 current=number(result.current_budget, code), unit=md(unit)))
    c2.metric(t("changes.impact.finish"), result.new_finish)
    c2.caption(t("changes.impact.finish_basis", baseline=result.baseline_finish, current=result.current_finish))
    c3.metric(t("changes.impact.portfolio"), number(result.new_portfolio_budget, code),
              delta=number(result.new_portfolio_budget - result.portfolio_budget, code), delta_color="inverse")
    c3.caption(t("changes.impact.portfolio_basis", before=number(result.portfolio_budget, code), unit=md(unit)))
    if result.load_before is None:
        st.caption(t("changes.impact.no_capacity"))
    elif not result.roles:
        st.caption(t("changes.impact.no_load_change"))
    else:
        rows = pd.DataFrame({
            t("changes.col.role"): [r.role for r in result.roles],
            t("changes.col.peak_before"): [percent(r.peak_before, code) for r in result.roles],
            t("changes.col.peak_after"): [percent(r.peak_after, code) for r in result.roles],
            t("changes.col.over_before"): [r.over_months_before for r in result.roles],
            t("changes.col.over_after"): [r.over_months_after for r in result.roles],
        })
        st.caption(t("changes.impact.load_help", months=len(result.load_before.months)))
        st.dataframe(rows, hide_index=True, key=key)


def raise_request(snapshot_id: int, request: ChangeRequest) -> str:
    return changes.raise_request(cursor(), snapshot_id, request, actor=actor())


def decide(snapshot_id: int, cr_id: str, decision: str, reason: str) -> None:
    changes.decide(cursor(), snapshot_id, cr_id, decision, reason, actor=actor())


# ----- scope creep (the Delivery page) ------------------------------------------------------------


def creep_figure(portfolio: pd.DataFrame) -> go.Figure:
    """Approved budget deltas per month (bars) and the cumulative share of the original budgets (line)."""
    figure = go.Figure()
    figure.add_trace(go.Bar(x=portfolio["month"].tolist(), y=portfolio["budget_delta"].tolist(),
                            name=plot(t("changes.creep.monthly"))))
    figure.add_trace(go.Scatter(x=portfolio["month"].tolist(),
                                y=[None if v is None or pd.isna(v) else float(v) for v in portfolio["cumulative_share"]],
                                name=plot(t("changes.creep.share")), yaxis="y2", mode="lines+markers"))
    figure.update_layout(height=320, margin={"t": 20}, xaxis={"title": t("changes.creep.month")},
                         yaxis={"title": t("changes.creep.monthly")},
                         yaxis2={"title": t("changes.creep.share"), "overlaying": "y", "side": "right",
                                 "tickformat": ".0%", "rangemode": "tozero"},
                         legend={"orientation": "h"})
    return figure


def creep_table(creep: pd.DataFrame, inputs: SnapshotInputs) -> pd.DataFrame:
    """Per project: its approved budget deltas in total and as a share of its original budget."""
    last = creep[creep["project_id"] != ""].groupby("project_id").tail(1)
    code = lang()
    table = pd.DataFrame({
        t("changes.col.project_id"): [project_label(inputs, p) for p in last["project_id"]],
        t("changes.col.original_budget"): [number(v, code) for v in last["original_budget"]],
        t("changes.col.approved_delta"): [number(v, code) for v in last["cumulative"]],
        t("changes.col.creep_share"): [percent(v, code, 1) for v in last["cumulative_share"]],
    })
    return table


def scope_creep_section(path: str, snapshot_id: int) -> None:
    """The Delivery page's scope creep from approved change requests (beside its snapshot-to-snapshot budget changes)."""
    st.subheader(t("changes.creep.title"))
    inputs = load_inputs(path, snapshot_id)
    creep = scope_creep(register(snapshot_id), inputs.projects)
    if creep.empty:
        st.caption(t("changes.creep.none"))
        return
    portfolio = creep[creep["project_id"] == ""]
    final = portfolio.iloc[-1]
    st.caption(t("changes.creep.summary", total=number(final["cumulative"], lang()),
                 share=percent(final["cumulative_share"], lang(), 1), unit=md(inputs.currency_unit)))
    st.plotly_chart(creep_figure(portfolio), width="stretch", key="chg.creep")
    st.dataframe(creep_table(creep, inputs), hide_index=True, key="chg.creep_table")
