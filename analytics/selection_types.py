"""Typed inputs and results of portfolio selection, shared by the optimiser, scenarios and reports.

Everything here is plain data with a JSON round trip (`to_dict` / `from_dict`), so a scenario can
store its parameters and result in DuckDB and an export can read them back without the solver.
Months are "YYYY-MM" strings throughout.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

import pandas as pd

from analytics.vocabulary import (
    DEFAULT_BENEFIT_MONTHS,
    DEFAULT_DISCOUNT_RATE,
    SOLUTION_STATUSES,
    Objective,
    Solver,
)
from analytics.vocabulary import SolveStatus as Status

# optimal: proven optimal within the gap; feasible: a solution with a gap (time limit hit);
# infeasible: proven no solution; no_solution: time limit with nothing found; error: solver failure.


@dataclass(frozen=True)
class PortfolioData:
    """What the model needs from one snapshot, already filtered and typed by the store.

    projects: one row per project with project_id, name, category, status, start_month (YYYY-MM),
        latest_start_month (YYYY-MM or None), duration_months, budget, expected_benefit, risk_score,
        mandatory (bool), depends_on (list of ids), exclusive_group (str or None).
    strategic_value: project_id -> 0-100 weighted strategic score (from the active weight set).
    demand: project_id, role, month_offset, fte.
    capacity: role, month (YYYY-MM), capacity_fte, hire_cost_per_fte_month.
    as_of: "YYYY-MM" of the snapshot.
    spend_profile: optional project_id, month_offset, planned_spend. A project with rows spends
        budget x planned_spend_k / sum(planned_spend) in its k-th month; one without spends its budget
        evenly over its duration (analytics.prepare.project_month_spend). None = every project even.
    """

    projects: pd.DataFrame
    strategic_value: Mapping[str, float]
    demand: pd.DataFrame
    capacity: pd.DataFrame
    as_of: str
    spend_profile: pd.DataFrame | None = None
    cash_flows: pd.DataFrame | None = None   # optional project_id, month_offset, cost, benefit (objective npv)


@dataclass(frozen=True)
class SelectionParams:
    """Every user choice of one optimiser run. Defaults are the product's defaults."""

    horizon_start: str                                   # "YYYY-MM"; default: the snapshot's as-of month
    horizon_months: int = 24
    objective: Objective = "strategic_value"
    budget: float | None = None                          # total spend over the horizon; None = no limit
    annual_budget_caps: Mapping[int, float] = field(default_factory=dict)  # fiscal year -> cap
    fiscal_year_start_month: int = 1                     # 1 = calendar years
    discount_per_month: float = 0.0                      # value x (1 - d)^(months after earliest start)
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()
    category_min_share: Mapping[str, float] = field(default_factory=dict)  # category -> share of spend 0-1
    category_max_share: Mapping[str, float] = field(default_factory=dict)
    max_high_risk: int | None = None                     # cap on selected projects with risk >= threshold
    high_risk_threshold: float = 4.0
    allow_hiring: bool = False                           # buy extra FTE at hire_cost_per_fte_month
    allow_cancel_committed: bool = False                 # committed (active/approved) become decisions
    time_limit_seconds: float = 60.0
    mip_gap: float = 1e-4                                # relative gap at which the solver stops
    solver: Solver = "auto"                              # auto: by the model's shape (analytics/solver_choice.py)
    threads: int = 1
    weight_set_id: int | None = None                     # which weights gave strategic_value
    discount_rate: float = DEFAULT_DISCOUNT_RATE         # objective npv: annual rate, compounded monthly
    benefit_months: int = DEFAULT_BENEFIT_MONTHS         # objective npv: benefit months without cash flows

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["annual_budget_caps"] = {str(k): v for k, v in self.annual_budget_caps.items()}
        data["force_in"] = list(self.force_in)
        data["force_out"] = list(self.force_out)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SelectionParams:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["annual_budget_caps"] = {int(k): float(v) for k, v in dict(values.get("annual_budget_caps") or {}).items()}
        values["force_in"] = tuple(values.get("force_in") or ())
        values["force_out"] = tuple(values.get("force_out") or ())
        return cls(**values)

    def params_hash(self) -> str:
        """Stable short hash of every parameter (for the decision log)."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SelectedProject:
    project_id: str
    name: str
    category: str | None
    start_month: str           # "YYYY-MM"
    end_month: str             # last month of work, "YYYY-MM"
    value: float               # contribution to the objective (after discount)
    cost: float                # budget
    risk_score: float | None
    committed: bool            # True for active/approved work kept as is


@dataclass(frozen=True)
class Hire:
    """Extra capacity the model chose to buy: `fte` of `role` in `month`, costing `cost`.

    `cost` is None only for results saved before hires were itemised (their FTE came without a price).
    """

    role: str
    month: str                 # "YYYY-MM"
    fte: float
    cost: float | None


@dataclass(frozen=True)
class Reason:
    """One translatable reason a proposal was left out: i18n key `explain.<code>` with `params`."""

    code: str   # dependency | exclusive_group | capacity | budget | annual_budget | low_value_density |
                # forced_out | outside_horizon | category_balance | high_risk_cap | not_worth_it
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LeftOut:
    project_id: str
    name: str
    value: float
    cost: float
    reasons: tuple[Reason, ...]
    price_of_forcing: float | None = None   # objective lost when forced in; None = not computed
    forcing_infeasible: bool = False        # forcing it in makes the model infeasible


@dataclass(frozen=True)
class SelectionResult:
    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    selected: tuple[SelectedProject, ...]
    total_cost: float
    spend_by_month: Mapping[str, float]                  # month -> spend of selected+committed
    spend_by_category: Mapping[str, float]
    load: Mapping[str, Mapping[str, float]]              # role -> month -> FTE demanded
    capacity: Mapping[str, Mapping[str, float]]          # role -> month -> FTE available
    hires: Mapping[str, Mapping[str, float]]             # role -> month -> FTE bought
    hire_cost: float
    build_seconds: float
    solve_seconds: float
    solver: str
    message: str = ""
    violated: tuple[str, ...] = ()                       # for infeasible: names of constraints that cannot all hold
    # aligned with `violated`: each row in words (i18n `explain.<code>`, code infeasible_<kind>) and by how
    # much the nearest plan found exceeds it (`short`); empty for results saved before 2026-11-21
    violated_reasons: tuple[Reason, ...] = ()
    # the hires above, one line per role and month with what it costs (`hires` keeps the FTE map)
    hire_plan: tuple[Hire, ...] = ()
    # which solver ran and why (analytics.solver_choice.SolverChoice.to_dict: requested, solver, code and
    # the model's shape); empty for results saved before 2026-12 and for results not made by a solve
    solver_choice: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.status in SOLUTION_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=_jsonable))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SelectionResult:
        values = dict(data)
        values["selected"] = tuple(SelectedProject(**p) for p in data.get("selected", ()))
        values["violated"] = tuple(data.get("violated", ()))
        values["violated_reasons"] = tuple(Reason(r["code"], dict(r.get("params", {}))) for r in data.get("violated_reasons", ()))
        values["hire_plan"] = _hire_plan(data)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class FrontierPoint:
    budget: float
    status: Status
    objective: float | None
    cost: float | None
    selected_ids: tuple[str, ...]
    entered: tuple[str, ...]   # selected here but not at the previous (lower) budget
    left: tuple[str, ...]      # selected at the previous budget but not here


def _hire_plan(data: Mapping[str, Any]) -> tuple[Hire, ...]:
    """The stored hire lines; for results saved before they were kept, rebuilt from the FTE map (no cost)."""
    if "hire_plan" in data:
        return tuple(Hire(str(h["role"]), str(h["month"]), float(h["fte"]),
                          None if h.get("cost") is None else float(h["cost"])) for h in data["hire_plan"])
    hires = data.get("hires") or {}
    return tuple(Hire(str(role), str(month), float(fte), None)
                 for role, by_month in sorted(hires.items()) for month, fte in sorted(by_month.items()))


@dataclass(frozen=True)
class MarginalValue:
    """What one more unit of a resource is worth to the portfolio (analytics.marginal computes it)."""

    resource: str                          # role name, or "budget"
    kind: Literal["role", "budget"]
    value_per_unit: float | None           # objective gained per FTE (in `months`) or per unit of money
    method: Literal["resolve", "lp_dual"]
    note: str                              # English; `note_key` / `note_params` translate it
    step: float = 1.0                      # size of the change tried (FTE, or money)
    note_key: str = ""
    note_params: Mapping[str, Any] = field(default_factory=dict)
    months: tuple[str, ...] = ()           # for a role: the months where the extra FTE was added (binding)

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=_jsonable))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MarginalValue:
        """Also reads the shorter dicts of scenarios saved before 2026-12 (no step, key or months)."""
        value = data.get("value_per_unit")
        return cls(
            resource=str(data.get("resource", "")), kind=data.get("kind", "role"),
            value_per_unit=None if value is None else float(value), method=data.get("method", "resolve"),
            note=str(data.get("note") or ""), step=float(data.get("step") or 1.0),
            note_key=str(data.get("note_key") or ""), note_params=dict(data.get("note_params") or {}),
            months=tuple(data.get("months") or ()),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def explanations_to_dict(items: tuple[LeftOut, ...] | list[LeftOut]) -> list[dict[str, Any]]:
    return json.loads(json.dumps([asdict(i) for i in items], default=_jsonable))


def explanations_from_dict(data: list[Mapping[str, Any]]) -> tuple[LeftOut, ...]:
    out = []
    for item in data:
        values = dict(item)
        values["reasons"] = tuple(Reason(r["code"], dict(r.get("params") or {})) for r in item.get("reasons", ()))
        out.append(LeftOut(**values))
    return tuple(out)


def frontier_to_dict(points: list[FrontierPoint] | tuple[FrontierPoint, ...]) -> list[dict[str, Any]]:
    return json.loads(json.dumps([asdict(p) for p in points], default=_jsonable))


def frontier_from_dict(data: list[Mapping[str, Any]]) -> tuple[FrontierPoint, ...]:
    return tuple(
        FrontierPoint(
            **{**p, "selected_ids": tuple(p["selected_ids"]), "entered": tuple(p["entered"]), "left": tuple(p["left"])}
        )
        for p in data
    )
