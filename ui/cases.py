"""Business cases page helpers: cached figures per snapshot and parameters, and the tables shown.

Cached on (database path, snapshot id, rate, benefit months): snapshots are immutable. The current
plan used by the alternatives is part of what the loader reads, so it is keyed on the scenarios'
latest update stamp as well. The tables built from them (thousands of formatted numbers) are built
once per view and language and shared by every session (`ui.perf.shared_by_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics.cases import Alternative, BusinessCase
from i18n import numbers
from store import db, scenarios
from store.cases import CurrentPlan, alternatives_of, business_cases_of, project_names
from ui.perf import shared_by_view
from ui.session import lang, t
from ui.text import md

CACHE = {"ttl": 3600, "max_entries": 32, "show_spinner": False}
GROUPS_PER_PAGE = 5  # exclusive groups shown at once (a 2,500-project portfolio has ~80, a table each)


@st.cache_data(**CACHE)
def load_cases(path: str, snapshot_id: int, rate: float, benefit_months: int) -> list[BusinessCase]:
    return business_cases_of(db.cursor(path), snapshot_id, rate=rate, benefit_months=benefit_months)


@st.cache_data(**CACHE)
def load_names(path: str, snapshot_id: int) -> dict[str, str]:
    return project_names(db.cursor(path), snapshot_id)


def plan_stamp(path: str, snapshot_id: int) -> str:
    """Changes whenever a scenario of the snapshot is saved, renamed, recommended or deleted."""
    return scenarios.change_stamp(db.cursor(path), snapshot_id)


@st.cache_data(**CACHE)
def load_alternatives(path: str, snapshot_id: int, rate: float, benefit_months: int,
                      stamp: str) -> tuple[list[Alternative], CurrentPlan | None]:
    return alternatives_of(db.cursor(path), snapshot_id, rate=rate, benefit_months=benefit_months,
                           cases=load_cases(path, snapshot_id, rate, benefit_months))


@dataclass(frozen=True)
class CasesView:
    """What the page shows for one snapshot and settings; `key` names it for the shared tables."""

    key: tuple
    cases: list[BusinessCase]
    alternatives: list[Alternative]
    plan: CurrentPlan | None
    names: dict[str, str]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(a.group for a in self.alternatives))


def load_view(path: str, snapshot_id: int, rate: float, benefit_months: int) -> CasesView:
    stamp = plan_stamp(path, snapshot_id)
    cases = load_cases(path, snapshot_id, rate, benefit_months)
    alternatives, plan = load_alternatives(path, snapshot_id, rate, benefit_months, stamp)
    return CasesView((path, snapshot_id, rate, benefit_months, stamp), cases, alternatives, plan,
                     load_names(path, snapshot_id))


@shared_by_view
def view_cases_table(view: CasesView) -> pd.DataFrame:
    return cases_table(view.cases, view.names)


@shared_by_view
def view_alternatives(view: CasesView, group: str) -> tuple[pd.DataFrame, str]:
    """One exclusive group's table and its reasons as a numbered Markdown list."""
    rows = [a for a in view.alternatives if a.group == group]
    return alternatives_table(rows), "\n".join(f"{r.rank}. {reason_text(r)}" for r in rows)


def _never(value: int | None) -> str:
    return t("cases.never") if value is None else str(value)


def cases_table(cases: list[BusinessCase], names: dict[str, str]) -> pd.DataFrame:
    lg = lang()
    return pd.DataFrame({
        t("cases.col.project"): [c.project_id for c in cases],
        t("cases.col.name"): [names.get(c.project_id, c.project_id) for c in cases],
        t("cases.col.npv"): [numbers.number(c.npv, lg, 1) for c in cases],
        t("cases.col.irr"): [t("cases.never") if c.irr is None else numbers.percent(c.irr, lg, 1) for c in cases],
        t("cases.col.payback"): [_never(c.payback_month_offset) for c in cases],
        t("cases.col.discounted_payback"): [_never(c.discounted_payback_month_offset) for c in cases],
        t("cases.col.cost"): [numbers.number(c.total_cost, lg, 1) for c in cases],
        t("cases.col.benefit"): [numbers.number(c.total_benefit, lg, 1) for c in cases],
        t("cases.col.source"): [t(f"cases.source.{c.source}") for c in cases],
    })


def alternatives_table(rows: list[Alternative]) -> pd.DataFrame:
    lg = lang()
    roles = sorted({role for r in rows for role in r.peak_fte})
    columns = {
        t("cases.col.rank"): [r.rank for r in rows],
        t("cases.col.project"): [r.project_id for r in rows],
        t("cases.col.name"): [r.name for r in rows],
        t("cases.col.npv"): [numbers.number(r.npv, lg, 1) for r in rows],
        t("cases.col.irr"): [t("cases.never") if r.irr is None else numbers.percent(r.irr, lg, 1) for r in rows],
        t("cases.col.payback"): [_never(r.payback_month_offset) for r in rows],
        t("cases.col.strategic_value"): [numbers.number(r.strategic_value, lg, 1) for r in rows],
        t("cases.col.risk"): [numbers.number(r.risk_score, lg, 1) for r in rows],
    }
    for role in roles:
        columns[t("cases.col.peak_fte", role=role)] = [numbers.number(r.peak_fte.get(role), lg, 1) for r in rows]
    columns[t("cases.col.in_plan")] = [t("cases.no_plan") if r.in_plan is None
                                       else t("cases.yes" if r.in_plan else "cases.no") for r in rows]
    return pd.DataFrame(columns)  # built at once: a column added at a time cost 20 ms a group


def reason_text(row: Alternative) -> str:
    """Why `row` ranks above the next project of its group (or that it is last), as Markdown (ids escaped)."""
    if row.reason == "last":
        return t("cases.alt.reason.last", project=md(row.project_id))
    return t(f"cases.alt.reason.{row.reason}", project=md(row.project_id), next=md(row.next_project_id))
