"""The Optimiser page's numbers and tables: KPI figures, the schedule, hires, left-out reasons, marginal
values, frontier points, and the note that says a result no longer matches the form.

Tables are plain text in `st.dataframe` (nothing there renders Markdown); the few strings meant for
Markdown (`left_out_detail`, `stale_note`, `run_weights_label`) escape user text with `ui.text.md`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from analytics import metrics
from analytics.frontier import plateau
from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    MarginalValue,
    PortfolioData,
    Reason,
    SelectionParams,
    SelectionResult,
)
from analytics.solver_choice import choice_text, solver_name
from i18n import numbers
from reports.text import ReportText
from store.snapshots import get_snapshot
from ui.optimiser.params import changed_fields, field_label, portfolio, weight_label
from ui.optimiser.runs import OptimiserRun
from ui.session import cursor, lang, t
from ui.text import md


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
    hire_cost: float = 0.0


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
        hire_cost=float(result.hire_cost),
    )


def bound_note(run: OptimiserRun) -> str | None:
    """For a solve stopped before its proof: the best value any portfolio could reach; else None."""
    k = kpis(run)
    if run.result.status != "feasible" or k.bound is None:
        return None
    return t("optimiser.status_bound", bound=fmt_number(k.bound), gap=fmt_pct(k.gap))


def solver_label(solver: str) -> str:
    """The solver select's words: `auto` says it is chosen by the model."""
    return solver_name(lang(), solver)


def solver_choice_text(run: OptimiserRun) -> str | None:
    """Which solver `auto` chose for the shown run and why (None when the user named the solver)."""
    return choice_text(lang(), run.result.solver_choice)


def fmt_number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}"


def fmt_pct(share: float | None, digits: int = 2) -> str:
    return "—" if share is None else f"{100.0 * share:.{digits}f}%"


def run_weights_label(run: OptimiserRun) -> str:
    """The weights a run used, for its result header (Markdown, escaped); says so when its objective ignores them."""
    label = weight_label(run.params.weight_set_id, run.weight_set_name, markdown=True)
    if run.params.objective != "strategic_value":
        return t("optimiser.weights.unused", label=label, objective=t(f"optimiser.objective.{run.params.objective}"))
    return t("optimiser.weights.used", label=label)


def stale_note(shown: SelectionParams, wanted: SelectionParams | None) -> str | None:
    """Markdown saying the result on screen is out of date and what changed; None when it matches the form.

    `wanted` None: the form's values cannot be read (the page shows why when Optimise is pressed).
    """
    if wanted is None:
        return t("optrun.stale.invalid")
    changed = changed_fields(shown, wanted)
    if not changed:
        return None
    separator = "、" if lang() == "zh" else ", "
    return t("optrun.stale.changed", fields=separator.join(field_label(name) for name in changed))  # our labels, not user text


def totals_lines(run: OptimiserRun, data: PortfolioData | None) -> list[str]:
    """The plan's projects and spend inside the horizon split into committed work, new proposals and
    hires (`analytics.metrics.plan_totals`, the Overview's and the pack's split), for under the tiles."""
    if data is None:
        data = portfolio(run.snapshot_id, None)   # spend profiles do not depend on the weights
    unit = md(get_snapshot(cursor(), run.snapshot_id).currency_unit)  # typed at import; the lines are Markdown captions
    tot, lg = metrics.plan_totals(run.result, data.spend_profile), lang()
    return [
        t("figures.plan.projects", total=tot.project_count, committed=tot.committed_count, new=tot.new_count),
        t("figures.plan.spend", total=numbers.money(tot.total_spend, unit, lg),
          committed=numbers.money(tot.committed_spend, unit, lg), new=numbers.money(tot.new_spend, unit, lg),
          hires=numbers.money(tot.hire_spend, unit, lg)),
    ]


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


def hires_frame(result: SelectionResult) -> pd.DataFrame:
    """The hires the run chose: role, month, FTE and cost, one row per role and month."""
    return pd.DataFrame({
        t("optrun.col.role"): [h.role for h in result.hire_plan],
        t("optrun.col.month"): [h.month for h in result.hire_plan],
        t("optrun.col.fte"): [round(h.fte, 2) for h in result.hire_plan],
        t("optrun.col.hire_cost"): [None if h.cost is None else round(h.cost, 2) for h in result.hire_plan],
    })


def hires_caption(result: SelectionResult) -> str:
    fte = sum(h.fte for h in result.hire_plan)
    return t("optrun.hires.caption", n=len(result.hire_plan), fte=fmt_number(fte, 2), cost=fmt_number(result.hire_cost))


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
    """Markdown with every reason of one left-out proposal in full, and its price of forcing (user text escaped)."""
    lines = [t("optimiser.left_out.detail_title", project=md(f"{item.project_id} · {item.name}"),
               value=fmt_number(item.value, 2), cost=fmt_number(item.cost, 2))]
    lines += [f"- {md(reason_text(r.code, r.params))}" for r in item.reasons]
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


def left_out_columns() -> dict[str, Any]:
    """The left-out table's columns: numbers localised, the reasons wide (rows are tall enough to wrap)."""
    return number_columns("optimiser.col.value", "optimiser.col.cost") | {
        t("optimiser.col.reasons"): st.column_config.TextColumn(
            t("optimiser.col.reasons"), width="large", help=t("optrun.left_out.reasons_help")),
    }


def marginal_frame(values: Sequence[MarginalValue]) -> pd.DataFrame:
    rows = [
        {
            t("optimiser.col.resource"): t("optimiser.marginal.budget") if v.kind == "budget" else v.resource,
            t("optimiser.col.value_per_unit"): v.value_per_unit,
            t("optimiser.col.method"): t(f"optimiser.method.{v.method}") if v.method in ("resolve", "lp_dual") else v.method,
            t("optrun.col.binding_months"): _months_text(v.months),
            t("optimiser.col.note"): _marginal_note(v),
        }
        for v in values
    ]
    return pd.DataFrame(rows)


def _months_text(months: Sequence[str]) -> str:
    if not months:
        return ""
    if len(months) <= 4:
        return ", ".join(months)
    return t("optrun.marginal.months_range", first=months[0], last=months[-1], n=len(months))


def _marginal_note(value: MarginalValue) -> str:
    """The engine's note in the user's language (its English `note` when no key is given)."""
    if value.note_key:
        try:
            return t(value.note_key, **dict(value.note_params))
        except (KeyError, IndexError, ValueError):
            pass
    return value.note


def number_columns(*keys: str) -> dict[str, Any]:
    """Column settings showing the named columns (i18n keys) with thousands separators, as the tiles do."""
    return {t(k): st.column_config.NumberColumn(t(k), format="localized") for k in keys}


def plateau_note(points: Sequence[FrontierPoint]) -> str | None:
    """Where more budget stops buying value, in words; None when there is no solved point.

    Breakpoints (every value once): the top point is where value stops rising. Evenly spaced levels
    (scenarios saved before 2026-12) say how many levels share the top value, if more than one.
    """
    top = plateau(tuple(points))
    if top is not None:
        return t("optimiser.frontier.plateau", budget=fmt_number(top.budget), value=fmt_number(top.value),
                 levels=top.levels, total=len(points), cost=fmt_number(top.cheapest_cost))
    solved = [p for p in points if p.objective is not None]
    if not solved:
        return None
    best = max(solved, key=lambda p: (p.objective, -p.budget))
    return t("optrun.frontier.top", budget=fmt_number(best.budget), value=fmt_number(best.objective), n=len(solved))


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
