"""The investment recommendation pack: everything an export shows about one scenario, as typed data.

`RecommendationPack` is language-independent: it holds ids, names from the data, numbers, "YYYY-MM"
months and *codes* (reason codes, finding codes, parameter names). The Excel, PowerPoint and CSV
writers translate those codes into the reader's language, so all three formats and both languages
come from one assembly and always agree on the numbers.

Two steps, kept apart so the assembly can be tested on plain data:
- `read_pack_inputs(con, scenario_id)` reads the scenario, its snapshot, the projects, and the
  strategic weights the scenario used (the weight set named in its parameters, or the objectives
  file's weights when it names none), with the strategic value of every project under those weights;
- `assemble_pack(inputs)` turns that into the pack: headline figures, selected and left-out
  projects, budget by fiscal year and category, role load against capacity by month, risks and
  the decisions the committee is asked to take.

Conventions: money is in the snapshot's currency unit; the spend of a project falls over its months
as the optimiser assumes (by the snapshot's spend profile, else evenly:
`analytics.prepare.project_month_spend`) to split a fiscal year's spend by category; a fiscal year is
named by the calendar year in which it starts (with `fiscal_year_start_month` = 4, April 2026 to
March 2027 is fiscal year 2026); utilisation, uplift and the committed / new / hires split of the
totals are the product's one definitions (`analytics.metrics`); budgets count spend inside the horizon.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analytics.errors import InvalidInput
from analytics.metrics import plan_totals, project_spend_by_month, result_utilisation, uplift
from analytics.months import add_months, month_index, month_of
from analytics.scoring import strategic_value as score_strategic_value
from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    Reason,
    SelectionParams,
    SelectionResult,
    explanations_from_dict,
    frontier_from_dict,
)
from analytics.vocabulary import CR_THRESHOLD, NO_CATEGORY
from store import db, snapshots, weights
from store import scenarios as scenario_store
from store.errors import NotFound

TIGHT_UTILISATION = 0.95   # a role this loaded in any month is named as a capacity risk
TIGHT_BUDGET_SHARE = 0.95  # spending this share of the budget leaves no room for surprises
CLOSE_CALLS = 3            # left-out proposals with the lowest price of forcing, shown as decisions
MAX_ROLE_FINDINGS = 3      # roles named one by one among the risks; the rest are counted
_EPS = 1e-9
HIRES_AND_OTHER = "+"      # spend of a fiscal year not attributable to one project's category (hired staff)
# A DuckDB connection or cursor (only store/ imports duckdb; it names the type for the rest).
Connection = db.Connection


@dataclass(frozen=True)
class WeightSetInfo:
    """The strategic weights a scenario was solved with; method "file" = the objectives file's weights."""

    weight_set_id: int | None
    name: str | None
    method: str
    consistency_ratio: float | None
    weights: Mapping[str, float]
    missing: bool = False   # the scenario names a weight set that has since been deleted


@dataclass(frozen=True)
class PackInputs:
    """Everything `assemble_pack` needs, read from the store (or built by hand in tests)."""

    scenario_id: int
    scenario_name: str
    is_recommended: bool
    rationale: str | None
    created_by: str | None
    created_at: dt.datetime | None
    snapshot_id: int
    snapshot_label: str
    as_of: dt.date
    currency_unit: str
    params: SelectionParams
    result: SelectionResult
    payload: Mapping[str, Any]
    projects: pd.DataFrame                  # the snapshot's projects table
    objective_names: Mapping[str, str]      # objective_id -> name
    weight_set: WeightSetInfo
    strategic_value: Mapping[str, float]    # project_id -> 0-100 under the scenario's weights
    spend_profile: pd.DataFrame | None = None   # the snapshot's spend_profile table (None: every project even)


@dataclass(frozen=True)
class PackProject:
    project_id: str
    name: str
    category: str | None
    department: str | None
    status: str
    start_month: str
    end_month: str
    requested_start_month: str | None   # the earliest start the proposal asked for
    duration_months: int | None
    cost: float
    value: float                        # contribution to the scenario's objective
    strategic_value: float | None
    expected_benefit: float | None
    risk_score: float | None
    mandatory: bool
    committed: bool
    forced_in: bool


@dataclass(frozen=True)
class PackLeftOut:
    project_id: str
    name: str
    category: str | None
    cost: float
    value: float
    strategic_value: float | None
    reasons: tuple[Reason, ...]
    price_of_forcing: float | None
    forcing_infeasible: bool
    forced_out: bool


@dataclass(frozen=True)
class YearBudget:
    fiscal_year: int
    spend: float
    cap: float | None
    by_category: Mapping[str, float]


@dataclass(frozen=True)
class CategorySpend:
    category: str
    spend: float
    share: float | None
    min_share: float | None
    max_share: float | None


@dataclass(frozen=True)
class RoleMonthLoad:
    role: str
    month: str
    demand_fte: float
    capacity_fte: float
    hired_fte: float
    utilisation: float | None   # analytics.metrics: inf with demand and nothing available, None with neither
    over_allocated: bool = False


@dataclass(frozen=True)
class RoleSummary:
    role: str
    peak_utilisation: float | None
    peak_month: str | None
    months_over_capacity: int
    hired_fte_months: float


@dataclass(frozen=True)
class WeightLine:
    objective_id: str
    name: str
    weight: float


@dataclass(frozen=True)
class MarginalLine:
    resource: str
    kind: str            # "role" | "budget"
    value_per_unit: float | None
    method: str
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """A risk or a decision to put to the committee: i18n key `report.finding.<code>` with `params`."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PackSummary:
    status: str
    objective_kind: str
    objective: float | None
    bound: float | None
    gap: float | None
    greedy_objective: float | None
    uplift_over_greedy: float | None        # (objective - greedy) / |greedy| (analytics.metrics.uplift)
    uplift_difference: float | None         # objective - greedy, in the objective's unit
    selected_count: int                     # new proposals chosen
    committed_count: int                    # active/approved work kept
    left_out_count: int
    total_cost: float                       # the optimiser's spend inside the horizon: committed, new and hires
    new_cost: float                         # full budgets of the new proposals (what is approved)
    committed_cost: float                   # full budgets of the committed projects kept
    new_spend: float                        # spend of the new proposals inside the horizon
    committed_spend: float                  # spend of committed work inside the horizon
    budget: float | None
    budget_headroom: float | None
    strategic_value_selected: float         # sum over the chosen proposals
    strategic_value_available: float        # sum over all proposals (chosen + left out)
    strategic_coverage: float | None        # selected / available
    expected_benefit_selected: float
    hire_cost: float
    peak_utilisation: float | None
    peak_role: str | None
    peak_month: str | None
    over_allocated_cells: int
    horizon_start: str
    horizon_end: str
    solver: str
    build_seconds: float
    solve_seconds: float


@dataclass(frozen=True)
class RecommendationPack:
    scenario_id: int
    scenario_name: str
    is_recommended: bool
    rationale: str | None
    created_by: str | None
    created_at: dt.datetime | None
    snapshot_id: int
    snapshot_label: str
    as_of: dt.date
    currency_unit: str
    generated_on: dt.date
    params: SelectionParams
    summary: PackSummary
    selected: tuple[PackProject, ...]          # new proposals first, by start month; then committed work
    left_out: tuple[PackLeftOut, ...]          # by strategic value, highest first
    budget_by_year: tuple[YearBudget, ...]
    budget_by_category: tuple[CategorySpend, ...]
    role_load: tuple[RoleMonthLoad, ...]       # by role, then month
    role_summary: tuple[RoleSummary, ...]      # most loaded role first
    weights: WeightSetInfo
    weight_lines: tuple[WeightLine, ...]       # heaviest first
    frontier: tuple[FrontierPoint, ...]        # by budget
    marginal_values: tuple[MarginalLine, ...]
    risks: tuple[Finding, ...]
    decisions: tuple[Finding, ...]
    project_names: Mapping[str, str] = field(default_factory=dict)   # project_id -> name, every project
    # selected projects whose spend follows the snapshot's monthly spend profile (the others: evenly)
    profiled_projects: frozenset[str] = frozenset()
    # business cases, alternatives, the plan's simulation and Pareto front (reports.economics; None: not read)
    economics: Any = None

    def names_of(self, project_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """Names for ids (the frontier stores ids); an unknown id stays as it is."""
        return tuple(self.project_names.get(i, i) for i in project_ids)

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories with spend, largest first (the column order of budget tables and charts), then
        the hires-and-other column when some fiscal year has spend outside every project."""
        names = [c.category for c in self.budget_by_category]
        if any(HIRES_AND_OTHER in y.by_category for y in self.budget_by_year):
            names.append(HIRES_AND_OTHER)
        return tuple(names)

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(sorted({row.month for row in self.role_load}))


# ---------------------------------------------------------------------------------------------- months


def fiscal_year(month: str, fiscal_year_start_month: int = 1) -> int:
    """The fiscal year of a month, named by the calendar year in which that fiscal year starts."""
    year, number = divmod(month_index(month), 12)
    return year if number + 1 >= fiscal_year_start_month else year - 1


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------------------------- reading


def read_pack_inputs(con: Connection, scenario_id: int) -> PackInputs:
    """Read a scenario and what its pack needs from the snapshot it was solved on."""
    scenario = scenario_store.get_scenario(con, scenario_id)
    snapshot = snapshots.get_snapshot(con, scenario.snapshot_id)
    projects = snapshots.read_table(con, "projects", scenario.snapshot_id)
    objectives = snapshots.read_table(con, "objectives", scenario.snapshot_id)
    scores = snapshots.read_table(con, "project_scores", scenario.snapshot_id)
    weight_set = _weight_set_used(con, scenario.snapshot_id, scenario.params.weight_set_id,
                                  scenario.payload.get("weight_set") or {})
    values: dict[str, float] = {}
    if weight_set.weights and not projects.empty:
        series = score_strategic_value(
            scores[["project_id", "objective_id", "score"]], weight_set.weights, projects["project_id"].astype(str)
        )
        values = {str(k): float(v) for k, v in series.items()}
    return PackInputs(
        scenario_id=scenario.scenario_id,
        scenario_name=scenario.name,
        is_recommended=scenario.is_recommended,
        rationale=scenario.rationale,
        created_by=scenario.created_by,
        created_at=scenario.created_at,
        snapshot_id=snapshot.snapshot_id,
        snapshot_label=snapshot.label,
        as_of=snapshot.as_of,
        currency_unit=snapshot.currency_unit,
        params=scenario.params,
        result=scenario.result,
        payload=scenario.payload,
        projects=projects,
        objective_names={str(r.objective_id): str(r.name) for r in objectives.itertuples()},
        weight_set=weight_set,
        strategic_value=values,
        spend_profile=snapshots.read_table(con, "spend_profile", scenario.snapshot_id),
    )


def _weight_set_used(con: Connection, snapshot_id: int, weight_set_id: int | None,
                     record: Mapping[str, Any]) -> WeightSetInfo:
    # A scenario without a weight set id was solved on the objectives file's weights (no set was active).
    if weight_set_id is None:
        return WeightSetInfo(None, None, "file", None, weights.file_weights(con, snapshot_id))
    try:
        saved = weights.get_weight_set(con, weight_set_id)
    except NotFound:
        # Deleted after the solve: the scenario's own copy of the weights (kept after 0.1.0), else the
        # file weights; either way the pack says the set is gone.
        kept = record.get("weights")
        if kept:
            total = sum(kept.values()) or 1.0
            return WeightSetInfo(weight_set_id, record.get("name"), str(record.get("method") or "direct"),
                                 record.get("consistency_ratio"), {k: v / total for k, v in kept.items()},
                                 missing=True)
        return WeightSetInfo(weight_set_id, record.get("name"), "file", None, weights.file_weights(con, snapshot_id),
                             missing=True)
    total = sum(saved.weights.values()) or 1.0
    return WeightSetInfo(
        saved.weight_set_id,
        saved.name,
        saved.method,
        saved.consistency_ratio,
        {k: v / total for k, v in saved.weights.items()},
    )


def build_pack(con: Connection, scenario_id: int, generated_on: dt.date | None = None) -> RecommendationPack:
    """Read and assemble the pack of one scenario, with its economics and uncertainty (reports.economics)."""
    from reports.economics import read_economics  # it reads through store/, as read_pack_inputs does

    pack = assemble_pack(read_pack_inputs(con, scenario_id), generated_on=generated_on)
    return dataclasses.replace(pack, economics=read_economics(con, scenario_id))


# ---------------------------------------------------------------------------------------------- assembly


def assemble_pack(inputs: PackInputs, generated_on: dt.date | None = None) -> RecommendationPack:
    """The pack of one scenario from plain data (see the module docstring for the conventions)."""
    result = inputs.result
    if not result.has_solution:
        raise InvalidInput(
            f"scenario {inputs.scenario_id} has no solution ({result.status})",
            key="report.error.no_solution",
            scenario_id=inputs.scenario_id,
            status=result.status,
        )
    info = _project_info(inputs.projects)
    selected = _selected_projects(inputs, info)
    left_out = _left_out(inputs, info)
    role_load = _role_load(result)
    role_summary = _role_summary(role_load)
    monthly = project_spend_by_month(result.selected, inputs.spend_profile)
    budget_by_year = _budget_by_year(inputs.params, result, selected, monthly)
    budget_by_category = _budget_by_category(inputs.params, result)
    summary = _summary(inputs, selected, left_out, role_load, role_summary)
    weight_lines = tuple(
        sorted(
            (WeightLine(oid, inputs.objective_names.get(oid, oid), float(w)) for oid, w in inputs.weight_set.weights.items()),
            key=lambda line: (-line.weight, line.objective_id),
        )
    )
    return RecommendationPack(
        scenario_id=inputs.scenario_id,
        scenario_name=inputs.scenario_name,
        is_recommended=inputs.is_recommended,
        rationale=inputs.rationale,
        created_by=inputs.created_by,
        created_at=inputs.created_at,
        snapshot_id=inputs.snapshot_id,
        snapshot_label=inputs.snapshot_label,
        as_of=inputs.as_of,
        currency_unit=inputs.currency_unit,
        generated_on=generated_on or dt.date.today(),
        params=inputs.params,
        summary=summary,
        selected=selected,
        left_out=left_out,
        budget_by_year=budget_by_year,
        budget_by_category=budget_by_category,
        role_load=role_load,
        role_summary=role_summary,
        weights=inputs.weight_set,
        weight_lines=weight_lines,
        frontier=tuple(sorted(frontier_from_dict(inputs.payload.get("frontier") or []), key=lambda p: p.budget)),
        marginal_values=_marginal_values(inputs.payload),
        risks=_risks(inputs, summary, selected, role_summary, budget_by_year),
        decisions=_decisions(inputs, summary, selected, left_out, role_summary),
        project_names={str(r["project_id"]): str(r["name"]) for r in inputs.projects.to_dict("records")},
        profiled_projects=_profiled(selected, inputs.spend_profile),
    )


def _profiled(selected: tuple[PackProject, ...], profile: pd.DataFrame | None) -> frozenset[str]:
    """Selected projects with rows in the spend profile: `project_month_spend` spreads their cost by it."""
    if profile is None or profile.empty:
        return frozenset()
    with_rows = set(profile["project_id"].astype(str))
    return frozenset(p.project_id for p in selected if p.project_id in with_rows)


def _project_info(projects: pd.DataFrame) -> dict[str, dict[str, Any]]:
    info: dict[str, dict[str, Any]] = {}
    for row in projects.to_dict("records"):
        info[str(row["project_id"])] = {
            "department": _text(row.get("department")),
            "status": _text(row.get("status")) or "",
            "start_month": month_of(row.get("start_month")),
            "duration_months": int(row["duration_months"]) if _number(row.get("duration_months")) is not None else None,
            "expected_benefit": _number(row.get("expected_benefit")),
            "mandatory": bool(row.get("mandatory")) if row.get("mandatory") is not None else False,
            "category": _text(row.get("category")),
        }
    return info


def _selected_projects(inputs: PackInputs, info: Mapping[str, Mapping[str, Any]]) -> tuple[PackProject, ...]:
    forced = set(inputs.params.force_in)
    rows = []
    for chosen in inputs.result.selected:
        extra = info.get(chosen.project_id, {})
        rows.append(
            PackProject(
                project_id=chosen.project_id,
                name=chosen.name,
                category=chosen.category,
                department=extra.get("department"),
                status=extra.get("status", ""),
                start_month=chosen.start_month,
                end_month=chosen.end_month,
                requested_start_month=extra.get("start_month"),
                duration_months=extra.get("duration_months"),
                cost=float(chosen.cost),
                value=float(chosen.value),
                strategic_value=inputs.strategic_value.get(chosen.project_id),
                expected_benefit=extra.get("expected_benefit"),
                risk_score=_number(chosen.risk_score),
                mandatory=bool(extra.get("mandatory", False)),
                committed=bool(chosen.committed),
                forced_in=chosen.project_id in forced,
            )
        )
    rows.sort(key=lambda p: (p.committed, p.start_month, -(p.strategic_value or 0.0), p.project_id))
    return tuple(rows)


def _left_out(inputs: PackInputs, info: Mapping[str, Mapping[str, Any]]) -> tuple[PackLeftOut, ...]:
    explained: tuple[LeftOut, ...] = explanations_from_dict(inputs.payload.get("explanations") or [])
    forced_out = set(inputs.params.force_out)
    rows = [
        PackLeftOut(
            project_id=item.project_id,
            name=item.name,
            category=info.get(item.project_id, {}).get("category"),
            cost=float(item.cost),
            value=float(item.value),
            strategic_value=inputs.strategic_value.get(item.project_id),
            reasons=tuple(item.reasons),
            price_of_forcing=_number(item.price_of_forcing),
            forcing_infeasible=bool(item.forcing_infeasible),
            forced_out=item.project_id in forced_out,
        )
        for item in explained
    ]
    rows.sort(key=lambda p: (-(p.strategic_value if p.strategic_value is not None else p.value), p.project_id))
    return tuple(rows)


def _role_load(result: SelectionResult) -> tuple[RoleMonthLoad, ...]:
    cells = result_utilisation(result)
    return tuple(
        RoleMonthLoad(str(c.role), str(c.month), float(c.demand_fte), float(c.capacity_fte), float(c.hired_fte),
                      None if math.isnan(c.utilisation) else float(c.utilisation), bool(c.over_allocated))
        for c in cells.itertuples(index=False)
    )


def _role_summary(load: tuple[RoleMonthLoad, ...]) -> tuple[RoleSummary, ...]:
    by_role: dict[str, list[RoleMonthLoad]] = defaultdict(list)
    for row in load:
        by_role[row.role].append(row)
    summaries = []
    for role, rows in by_role.items():
        rated = [r for r in rows if r.utilisation is not None]
        peak = max(rated, key=lambda r: (r.utilisation, -month_index(r.month)), default=None)
        summaries.append(
            RoleSummary(
                role=role,
                peak_utilisation=None if peak is None else peak.utilisation,
                peak_month=None if peak is None else peak.month,
                months_over_capacity=sum(1 for r in rows if r.over_allocated),
                hired_fte_months=sum(r.hired_fte for r in rows),
            )
        )
    summaries.sort(key=lambda s: (-(s.peak_utilisation if s.peak_utilisation is not None else -1.0), s.role))
    return tuple(summaries)


def _budget_by_year(params: SelectionParams, result: SelectionResult, selected: tuple[PackProject, ...],
                    monthly: Mapping[str, Mapping[str, float]]) -> tuple[YearBudget, ...]:
    start = params.fiscal_year_start_month
    totals: dict[int, float] = defaultdict(float)
    for month, spend in result.spend_by_month.items():
        totals[fiscal_year(month, start)] += float(spend)
    months = set(result.spend_by_month)
    split: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for project in selected:
        for month, spend in monthly.get(project.project_id, {}).items():
            if month not in months:
                continue
            split[fiscal_year(month, start)][project.category or NO_CATEGORY] += spend
    for year, total in totals.items():
        rest = total - sum(split.get(year, {}).values())
        if rest > 1e-6 * max(total, 1.0):
            split[year][HIRES_AND_OTHER] += rest
    years = sorted(set(totals) | set(params.annual_budget_caps))
    return tuple(
        YearBudget(
            fiscal_year=year,
            spend=totals.get(year, 0.0),
            cap=_number(params.annual_budget_caps.get(year)),
            by_category=dict(sorted(split.get(year, {}).items(), key=lambda kv: -kv[1])),
        )
        for year in years
    )


def _budget_by_category(params: SelectionParams, result: SelectionResult) -> tuple[CategorySpend, ...]:
    total = sum(float(v) for v in result.spend_by_category.values())
    names = set(result.spend_by_category) | set(params.category_min_share) | set(params.category_max_share)
    rows = [
        CategorySpend(
            category=name,
            spend=float(result.spend_by_category.get(name, 0.0)),
            share=float(result.spend_by_category.get(name, 0.0)) / total if total > _EPS else None,
            min_share=_number(params.category_min_share.get(name)),
            max_share=_number(params.category_max_share.get(name)),
        )
        for name in names
    ]
    rows.sort(key=lambda c: (-c.spend, c.category))
    return tuple(rows)


def _marginal_values(payload: Mapping[str, Any]) -> tuple[MarginalLine, ...]:
    lines = []
    for item in payload.get("marginal_values") or []:
        lines.append(
            MarginalLine(
                resource=str(item.get("resource", "")),
                kind=str(item.get("kind", "")),
                value_per_unit=_number(item.get("value_per_unit")),
                method=str(item.get("method", "")),
                note=str(item.get("note") or ""),
            )
        )
    return tuple(lines)


def _summary(
    inputs: PackInputs,
    selected: tuple[PackProject, ...],
    left_out: tuple[PackLeftOut, ...],
    role_load: tuple[RoleMonthLoad, ...],
    role_summary: tuple[RoleSummary, ...],
) -> PackSummary:
    result, params = inputs.result, inputs.params
    new = [p for p in selected if not p.committed]
    greedy = _number(inputs.payload.get("greedy_objective"))
    objective = _number(result.objective)
    gain = uplift(objective, greedy)
    totals = plan_totals(result, inputs.spend_profile)
    sv_selected = sum(p.strategic_value or 0.0 for p in new)
    sv_available = sv_selected + sum(p.strategic_value or 0.0 for p in left_out)
    peak = next((s for s in role_summary if s.peak_utilisation is not None), None)
    budget = _number(params.budget)
    return PackSummary(
        status=result.status,
        objective_kind=params.objective,
        objective=objective,
        bound=_number(result.bound),
        gap=_number(result.gap),
        greedy_objective=greedy,
        uplift_over_greedy=gain.ratio,
        uplift_difference=gain.difference,
        selected_count=len(new),
        committed_count=len(selected) - len(new),
        left_out_count=len(left_out),
        total_cost=float(result.total_cost),
        new_cost=totals.new_budget,
        committed_cost=totals.committed_budget,
        new_spend=totals.new_spend,
        committed_spend=totals.committed_spend,
        budget=budget,
        budget_headroom=None if budget is None else budget - float(result.total_cost),
        strategic_value_selected=sv_selected,
        strategic_value_available=sv_available,
        strategic_coverage=sv_selected / sv_available if sv_available > _EPS else None,
        expected_benefit_selected=sum(p.expected_benefit or 0.0 for p in new),
        hire_cost=float(result.hire_cost),
        peak_utilisation=None if peak is None else peak.peak_utilisation,
        peak_role=None if peak is None else peak.role,
        peak_month=None if peak is None else peak.peak_month,
        over_allocated_cells=sum(1 for r in role_load if r.over_allocated),
        horizon_start=params.horizon_start,
        horizon_end=add_months(params.horizon_start, params.horizon_months - 1),
        solver=result.solver,
        build_seconds=float(result.build_seconds),
        solve_seconds=float(result.solve_seconds),
    )


def _names(projects: list[PackProject] | list[PackLeftOut], limit: int = 3) -> tuple[str, ...]:
    """The first few names; the writer joins them in the reader's language."""
    return tuple(p.name for p in projects[:limit])


def _risks(
    inputs: PackInputs,
    summary: PackSummary,
    selected: tuple[PackProject, ...],
    roles: tuple[RoleSummary, ...],
    budget_by_year: tuple[YearBudget, ...],
) -> tuple[Finding, ...]:
    params = inputs.params
    found: list[Finding] = []
    if summary.status != "optimal" and summary.gap is not None:
        found.append(Finding("not_proven_optimal", {"gap": summary.gap}))
    capacity: list[Finding] = []
    for role in roles:
        if role.months_over_capacity:
            capacity.append(Finding("over_capacity", {"role": role.role, "months": role.months_over_capacity,
                                                      "peak": role.peak_utilisation, "month": role.peak_month}))
        elif role.peak_utilisation is not None and role.peak_utilisation >= TIGHT_UTILISATION:
            capacity.append(Finding("capacity_tight", {"role": role.role, "peak": role.peak_utilisation,
                                                       "month": role.peak_month}))
    found.extend(capacity[:MAX_ROLE_FINDINGS])  # roles come most loaded first
    if len(capacity) > MAX_ROLE_FINDINGS:
        more = capacity[MAX_ROLE_FINDINGS:]
        found.append(Finding("capacity_more", {"count": len(more), "roles": tuple(f.params["role"] for f in more)}))
    risky = [p for p in selected if p.risk_score is not None and p.risk_score >= params.high_risk_threshold]
    if risky:
        found.append(Finding("high_risk", {"count": len(risky), "threshold": params.high_risk_threshold,
                                           "names": _names(risky)}))
    if summary.budget is not None and summary.budget > _EPS and summary.total_cost >= TIGHT_BUDGET_SHARE * summary.budget:
        found.append(Finding("budget_tight", {"share": summary.total_cost / summary.budget}))
    for year in budget_by_year:
        if year.cap and year.spend >= TIGHT_BUDGET_SHARE * year.cap:
            found.append(Finding("annual_cap_tight", {"year": year.fiscal_year, "share": year.spend / year.cap}))
    if inputs.weight_set.missing:
        found.append(Finding("weights_missing", {"weight_set_id": inputs.weight_set.weight_set_id}))
    if inputs.weight_set.consistency_ratio is not None and inputs.weight_set.consistency_ratio > CR_THRESHOLD:
        found.append(Finding("weights_inconsistent", {"cr": inputs.weight_set.consistency_ratio}))
    return tuple(found)


def _decisions(
    inputs: PackInputs,
    summary: PackSummary,
    selected: tuple[PackProject, ...],
    left_out: tuple[PackLeftOut, ...],
    roles: tuple[RoleSummary, ...],
) -> tuple[Finding, ...]:
    found: list[Finding] = []
    new = [p for p in selected if not p.committed]
    if new:
        first = min(p.start_month for p in new)
        found.append(Finding("approve", {"count": len(new), "cost": summary.new_cost, "first_month": first}))
    deferred = [p for p in new if p.requested_start_month and month_index(p.start_month) > month_index(p.requested_start_month)]
    if deferred:
        found.append(Finding("deferred", {"count": len(deferred), "names": _names(deferred)}))
    hired = [r for r in roles if r.hired_fte_months > _EPS]
    if hired:
        found.append(Finding("hiring", {"fte_months": sum(r.hired_fte_months for r in hired),
                                        "roles": tuple(r.role for r in hired), "cost": summary.hire_cost}))
    forced = [p for p in selected if p.forced_in]
    if forced:
        found.append(Finding("forced_in", {"count": len(forced), "names": _names(forced)}))
    if inputs.params.force_out:
        found.append(Finding("forced_out", {"count": len(inputs.params.force_out)}))
    priced = sorted((p for p in left_out if p.price_of_forcing is not None and not p.forcing_infeasible),
                    key=lambda p: (p.price_of_forcing, p.project_id))
    for item in priced[:CLOSE_CALLS]:
        found.append(Finding("close_call", {"name": item.name, "price": item.price_of_forcing, "cost": item.cost}))
    return tuple(found)
