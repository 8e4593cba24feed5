"""Composition for the Scenarios page: the saved scenarios of a snapshot, actions on them, comparison.

Actions write through `store.scenarios` with the current user as actor, then the page reruns; the
comparison is computed by `analytics.scenario_compare` and rendered as styled tables where cells that
differ between scenarios are shaded and the best value of a row is in bold. Above the figures the
comparison names what each scenario optimised: its objective and the weight set behind its strategic
values, so two scenarios solved under different weights are never compared blind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from analytics.metrics import PlanTotals, plan_totals
from analytics.scenario_compare import ScenarioComparison, ScenarioInput, compare_scenarios
from i18n import has_key, numbers
from store import scenarios, snapshots
from ui import optimiser as opt
from ui.session import actor, cursor, lang, t
from ui.text import md, plot

CONFIRM_DELETE_KEY = "scenarios.confirm_delete"
_DIFF_BACKGROUND = "background-color: rgba(246, 173, 85, 0.25)"
_BEST_STYLE = "font-weight: 700; color: #276749"
_PERCENT_METRICS = frozenset({"gap", "peak_use", "mean_use", "uplift_ratio"})
_COUNT_METRICS = frozenset({"n_projects", "n_committed", "n_new", "high_risk_count"})


def listing(snapshot_id: int) -> pd.DataFrame:
    return scenarios.list_scenarios(cursor(), snapshot_id)


def label(row_or_scenario) -> str:
    """How a scenario is named in selectors and column headers: "name (#id)", unique by construction."""
    return f"{row_or_scenario.name} (#{int(row_or_scenario.scenario_id)})"


def weights_text(weight_set_id: int | None, name: str | None, exists: bool, objective: str) -> str:
    """A scenario's weight set as its cell shows it: deleted sets and unused weights are marked."""
    text = opt.weight_label(weight_set_id, name)
    if not exists:
        text = t("scenarios.weights.deleted", label=text)
    return text if objective == "strategic_value" else t("scenarios.weights.unused", label=text)


def _listing_weights(rows: pd.DataFrame) -> list[str]:
    return [
        weights_text(None if pd.isna(r.weight_set_id) else int(r.weight_set_id),
                     r.weight_set_name if isinstance(r.weight_set_name, str) else None,
                     bool(r.weight_set_exists), r.objective_kind)
        for r in rows.itertuples()
    ]


def _splits(rows: pd.DataFrame) -> list[PlanTotals | None]:
    """Each listed scenario's totals split into committed work, new proposals and hires (None: no solution)."""
    out: list[PlanTotals | None] = []
    for scenario_id in rows["scenario_id"]:
        scenario = get(int(scenario_id))
        out.append(plan_totals(scenario.result) if scenario.result.has_solution else None)
    return out


def _projects_text(count: int, totals: PlanTotals | None) -> str:
    return str(int(count)) if totals is None else t("figures.listing.projects", total=totals.project_count,
                                                    committed=totals.committed_count, new=totals.new_count)


def listing_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The listing with translated headers and values, ready for st.dataframe; projects and spend show
    their split into committed work, new proposals and hires."""
    splits = _splits(rows)
    return pd.DataFrame(
        {
            t("scenarios.col.id"): rows["scenario_id"].astype(int),
            t("scenarios.col.name"): rows["name"],
            t("scenarios.col.recommended"): ["★" if r else "" for r in rows["is_recommended"]],
            t("scenarios.col.objective_kind"): [t(f"optimiser.objective.{o}") for o in rows["objective_kind"]],
            t("scenarios.col.weight_set"): _listing_weights(rows),
            t("scenarios.col.status"): [opt.status_label(s) for s in rows["status"]],
            t("scenarios.col.value"): rows["objective"].round(2),
            t("scenarios.col.cost"): rows["total_cost"].round(2),
            t("figures.col.hire_cost"): [None if s is None else round(s.hire_spend, 2) for s in splits],
            t("scenarios.col.budget"): [
                t("optimiser.form.no_limit") if pd.isna(b) else opt.fmt_number(float(b), 2) for b in rows["budget"]
            ],
            t("scenarios.col.projects"): [_projects_text(n, s) for n, s in zip(rows["n_selected"], splits, strict=True)],
            t("scenarios.col.gap"): [opt.fmt_pct(None if pd.isna(g) else float(g)) for g in rows["gap"]],
            t("scenarios.col.solver"): [opt.solver_label(s) for s in rows["solver"]],
            t("scenarios.col.created_by"): rows["created_by"].fillna(""),
            t("scenarios.col.created_at"): pd.to_datetime(rows["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        }
    )


def text_or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


def get(scenario_id: int) -> scenarios.Scenario:
    return scenarios.get_scenario(cursor(), scenario_id)


def recommended(snapshot_id: int) -> scenarios.Scenario | None:
    return scenarios.recommended_scenario(cursor(), snapshot_id)


def rename(scenario_id: int, name: str) -> None:
    scenarios.rename_scenario(cursor(), scenario_id, name, actor=actor())


def delete(scenario_id: int) -> None:
    scenarios.delete_scenario(cursor(), scenario_id, actor=actor())
    run = st.session_state.get(opt.RUN_KEY)
    if isinstance(run, opt.OptimiserRun) and run.scenario_id == scenario_id:
        # the optimiser keeps showing the result, no longer as a saved scenario
        st.session_state[opt.RUN_KEY] = replace(run, scenario_id=None, scenario_name=None)


def recommend(scenario_id: int, rationale: str) -> None:
    scenarios.recommend_scenario(cursor(), scenario_id, rationale, actor=actor())


def withdraw_recommendation(snapshot_id: int) -> bool:
    return scenarios.clear_recommendation(cursor(), snapshot_id, actor=actor())


def load_into_optimiser(scenario_id: int) -> None:
    opt.load_into_optimiser(get(scenario_id))
    st.switch_page("views/optimiser.py")


@dataclass(frozen=True)
class ComparedScenarios:
    """The figures compared, and the text rows shown above them (what each scenario optimised)."""

    comparison: ScenarioComparison
    context: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, one text per scenario)


def compare(scenario_ids: Sequence[int]) -> ComparedScenarios:
    loaded = [get(i) for i in scenario_ids]
    threshold = loaded[0].params.high_risk_threshold if loaded else 4.0
    profile = snapshots.read_table(cursor(), "spend_profile", loaded[0].snapshot_id) if loaded else None
    comparison = compare_scenarios(
        [ScenarioInput(label(s), s.result, s.payload.get("greedy_objective")) for s in loaded],
        high_risk_threshold=threshold, spend_profile=profile,
    )
    context = (
        (t("scenarios.metric.objective"), tuple(t(f"optimiser.objective.{s.params.objective}") for s in loaded)),
        (t("scenarios.metric.weight_set"), tuple(_scenario_weights(s) for s in loaded)),
    )
    return ComparedScenarios(comparison, context)


def _scenario_weights(scenario: scenarios.Scenario) -> str:
    weight_set_id = scenario.params.weight_set_id
    current = scenarios.weight_set_name(cursor(), weight_set_id)
    saved = scenario.payload.get("weight_set")
    saved_name = saved.get("name") if isinstance(saved, Mapping) else None
    exists = weight_set_id is None or current is not None
    return weights_text(weight_set_id, current or saved_name, exists, scenario.params.objective)


def _metric_label(metric: str, subject: str | None) -> str:
    key = f"scenarios.metric.{metric}"
    name = t(key) if has_key(lang(), key) else t(f"figures.{metric}")
    return name if subject is None else t("scenarios.metric.with_subject", metric=name, subject=subject)


def _format(metric: str, value: float | None) -> str:
    if metric in _PERCENT_METRICS:
        return numbers.percent(value, lang(), 1)
    return numbers.number(value, lang(), 0 if metric in _COUNT_METRICS else 2)


def comparison_table(
    comparison: ScenarioComparison, context: Sequence[tuple[str, Sequence[str]]] = ()
) -> Styler:
    """Metrics down, scenarios across; rows that differ shaded, the best cell of a row in bold.

    `context` rows (label, one text per scenario), e.g. objective and weight set, come first.
    """
    frame = pd.DataFrame(
        [list(texts) for _, texts in context] + [[_format(r.metric, v) for v in r.values] for r in comparison.rows],
        index=[name for name, _ in context] + [_metric_label(r.metric, r.subject) for r in comparison.rows],
        columns=list(comparison.labels),
    )
    frame.index.name = t("scenarios.col.metric")
    top = len(context)

    def styles(_: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for i, (_, texts) in enumerate(context):
            if len(set(texts)) > 1:
                out.iloc[i, :] = _DIFF_BACKGROUND
        for i, row in enumerate(comparison.rows, start=top):
            for j in range(len(comparison.labels)):
                cell = _DIFF_BACKGROUND if row.differs else ""
                if row.best == j:
                    cell = f"{cell}; {_BEST_STYLE}" if cell else _BEST_STYLE
                out.iloc[i, j] = cell
        return out

    return frame.style.apply(styles, axis=None)


def membership_table(comparison: ScenarioComparison, only_differences: bool = False) -> Styler:
    """One row per project selected anywhere: its start month per scenario, "—" where left out.

    Rows where the scenarios differ (selected in some only, or starting in different months) are
    shaded; with `only_differences` the others are left out.
    """
    members = [m for m in comparison.membership if m.differs or not only_differences]
    frame = pd.DataFrame(
        {
            t("scenarios.col.project_id"): [m.project_id for m in members],
            t("scenarios.col.project"): [m.name for m in members],
            t("scenarios.col.kind"): [
                t("optimiser.kind.committed" if m.committed else "optimiser.kind.new") for m in members
            ],
            **{label_: [m.start_months[j] or "—" for m in members] for j, label_ in enumerate(comparison.labels)},
        }
    )
    differs = [m.differs for m in members]

    def shade(row: pd.Series) -> list[str]:
        return [_DIFF_BACKGROUND if differs[row.name] else ""] * len(row)

    return frame.style.apply(shade, axis=1)


def table_height(rows: int, limit: int = 24) -> int:
    """Pixels for a st.dataframe showing up to `limit` rows without an inner scroll bar."""
    return 35 * (min(rows, limit) + 1) + 3


def differences(comparison: ScenarioComparison) -> list[str]:
    """One Markdown line per ordered pair with projects selected in the first and not the second."""
    lines = []
    for a in comparison.labels:
        for b in comparison.labels:
            if a == b:
                continue
            only = comparison.only_in(a, b)
            if only:
                lines.append(t("scenarios.compare.only_in", a=md(a), b=md(b), n=len(only),
                               projects=", ".join(md(p) for p in only)))
    return lines


def _label_positions(costs: pd.Series) -> list[str]:
    """Labels of the leftmost and rightmost points lean inwards, so the plot's edge never cuts them."""
    if len(costs) < 2 or costs.min() == costs.max():
        return ["top center"] * len(costs)
    return ["top right" if c == costs.min() else "top left" if c == costs.max() else "top center" for c in costs]


def value_cost_figure(rows: pd.DataFrame) -> go.Figure:
    """Every scenario of the snapshot as a point of cost and value; the recommended one starred."""
    solved = rows[rows["objective"].notna()]
    fig = go.Figure(
        go.Scatter(
            x=solved["total_cost"],
            y=solved["objective"],
            mode="markers+text",
            text=[plot(label(r)) for r in solved.itertuples()],
            textposition=_label_positions(solved["total_cost"]),
            marker={
                "size": [18 if r else 11 for r in solved["is_recommended"]],
                "symbol": ["star" if r else "circle" for r in solved["is_recommended"]],
                "color": ["#d69e2e" if r else "#1f77b4" for r in solved["is_recommended"]],
            },
            hovertemplate="%{text}<br>" + t("scenarios.chart.hover") + "<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": t("optimiser.chart.cost")},
        yaxis={"title": t("optimiser.chart.value")},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        showlegend=False,
    )
    return fig
