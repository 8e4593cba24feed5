"""The horizon-indexed view of a portfolio that the MILP, the greedy baseline and the explanations share.

`prepare(data, params)` checks the inputs and turns `PortfolioData` + `SelectionParams` into arrays
indexed by horizon month (0 .. H-1, relative to `params.horizon_start`):

- every project classified for this run: `candidate` (a decision), `committed` (active/approved work
  kept as it is, consuming capacity and budget from its actual start) or `ignored`
  (completed/cancelled, or committed work the user forced out);
- one *option* per candidate and allowed start month, with its objective value (after the optional
  discount for starting later; with the objective `npv`, the project's NPV at its own start
  (analytics.cases) discounted by the months from the horizon start to the option's start) and its
  spend inside the horizon;
- the demand of every option by role and month, the committed load and spend, and the capacity of
  every role and month (carried forward past the last month given, back-filled before the first).

Rules decided here and documented in docs/optimiser.md:
- allowed starts of a proposal are [start_month, latest_start_month] (latest defaults to start)
  clipped to the horizon; a proposal whose window lies wholly outside it has no option;
- on_hold work is a candidate that may be resumed: its window is moved to begin no earlier than the
  horizon start (it consumes nothing while paused, and its full duration is charged on resumption);
- with `allow_cancel_committed`, active work (or approved work whose start has passed) may only be
  kept at its actual start or cancelled; approved work not yet started may also be deferred inside
  its window;
- spend: a project's k-th month spends budget x planned_spend_k / sum(planned_spend) when the
  snapshot gives it a spend profile, else budget / duration (`project_month_spend`); only the months
  inside the horizon count, for options, committed work and every figure built on them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.months import month_index, month_text
from analytics.selection_types import PortfolioData, SelectionParams
from analytics.vocabulary import CLOSED_STATUSES, COMMITTED_STATUSES, OBJECTIVES, SOLVERS

REQUIRED_PROJECT_COLUMNS = ("project_id", "status", "start_month", "duration_months", "budget")
PROFILE_COLUMNS = ("project_id", "month_offset", "planned_spend")


def fiscal_year(index: int, start_month: int) -> int:
    """The fiscal year of an absolute month, named by the calendar year in which that year starts."""
    year, month = divmod(index, 12)
    return year if month + 1 >= start_month else year - 1


@dataclass(frozen=True)
class Prepared:
    """Everything the model needs, indexed by horizon month. Tables are pandas, matrices numpy."""

    months: tuple[str, ...]              # horizon months, "YYYY-MM"
    horizon_start: int                   # absolute month number of months[0]
    projects: pd.DataFrame               # index project_id; see `_classify`
    options: pd.DataFrame                # option, project_id, t (relative start), value, spend
    option_load: pd.DataFrame            # option, role, month (relative), fte  (all roles)
    option_spend_month: pd.DataFrame     # option, month (relative), spend     (inside the horizon)
    project_spend: pd.DataFrame          # project_id, month_offset, spend: every month of every project
    roles: tuple[str, ...]               # every role seen in demand or capacity
    capacity: np.ndarray                 # roles x H, NaN where the role has no capacity data at all
    hire_cost: np.ndarray                # roles x H, NaN where hiring is not possible
    committed_load: np.ndarray           # roles x H
    committed_spend: np.ndarray          # H
    committed_project_spend: pd.Series   # index project_id (committed work): its spend inside the horizon
    committed_value: float
    fiscal_years: np.ndarray             # H, fiscal year of each month
    dependencies: pd.DataFrame           # project_id, predecessor, kind, predecessor_end (relative)
    params: SelectionParams

    @property
    def horizon(self) -> int:
        return len(self.months)

    def role_index(self, role: str) -> int:
        return self.roles.index(role)

    def candidates(self) -> pd.DataFrame:
        return self.projects[self.projects["kind"] == "candidate"]

    def committed(self) -> pd.DataFrame:
        return self.projects[self.projects["kind"] == "committed"]


def validate_params(params: SelectionParams) -> None:
    """Guard clauses for every parameter; raises InvalidInput naming the first bad one."""
    month_index(params.horizon_start)
    checks = [
        ("horizon_months", 1 <= params.horizon_months <= 240),
        ("objective", params.objective in OBJECTIVES),
        ("budget", params.budget is None or params.budget >= 0),
        ("annual_budget_caps", all(v >= 0 for v in params.annual_budget_caps.values())),
        ("fiscal_year_start_month", 1 <= params.fiscal_year_start_month <= 12),
        ("discount_per_month", 0 <= params.discount_per_month < 1),
        ("force_in", not set(params.force_in) & set(params.force_out)),
        ("category_min_share", all(0 <= v <= 1 for v in params.category_min_share.values())),
        ("category_max_share", all(0 <= v <= 1 for v in params.category_max_share.values())),
        ("category_min_share", all(low <= params.category_max_share.get(c, 1.0) for c, low in params.category_min_share.items())),
        ("max_high_risk", params.max_high_risk is None or params.max_high_risk >= 0),
        ("time_limit_seconds", params.time_limit_seconds > 0),
        ("mip_gap", params.mip_gap >= 0),
        ("solver", params.solver in SOLVERS),
        ("threads", params.threads >= 1),
        ("discount_rate", math.isfinite(params.discount_rate) and params.discount_rate > -1),
        ("benefit_months", params.benefit_months >= 1),
    ]
    for name, ok in checks:
        if not ok:
            raise InvalidInput(f"invalid parameter {name}", key="explain.invalid_param", param=name)


def prepare(data: PortfolioData, params: SelectionParams) -> Prepared:
    """Validate and index the portfolio for one run (see the module docstring for the rules)."""
    validate_params(params)
    missing = [c for c in REQUIRED_PROJECT_COLUMNS if c not in data.projects.columns]
    if missing:
        raise InvalidInput(f"projects lack columns {missing}", key="explain.invalid_data", column=", ".join(missing))
    horizon_start = month_index(params.horizon_start)
    horizon = params.horizon_months
    projects = _classify(data, params, horizon_start, horizon)
    spend = project_month_spend(
        pd.DataFrame({"project_id": projects.index, "duration_months": projects["duration"].to_numpy(),
                      "budget": projects["budget"].to_numpy()}),
        data.spend_profile,
    )
    options = _options(projects, params)
    option_spend_month = _option_spend_month(options, projects, spend, horizon)
    options["spend"] = np.bincount(option_spend_month["option"].to_numpy(dtype=int),
                                   weights=option_spend_month["spend"].to_numpy(dtype=float), minlength=len(options))
    demand = _demand(data.demand, projects)
    roles = tuple(sorted(set(demand["role"]) | set(data.capacity.get("role", pd.Series(dtype=str)))))
    capacity, hire_cost = _capacity(data.capacity, roles, horizon_start, horizon)
    option_load = _option_load(options, demand, horizon)
    committed_load = _committed_load(projects, demand, roles, horizon)
    committed = projects[projects["kind"] == "committed"]
    committed_spend, committed_project_spend = _committed_spend(committed, spend, horizon)
    return Prepared(
        months=tuple(month_text(horizon_start + t) for t in range(horizon)),
        horizon_start=horizon_start,
        projects=projects,
        options=options,
        option_load=option_load,
        option_spend_month=option_spend_month,
        project_spend=spend,
        roles=roles,
        capacity=capacity,
        hire_cost=hire_cost if params.allow_hiring else np.full_like(hire_cost, np.nan),
        committed_load=committed_load,
        committed_spend=committed_spend,
        committed_project_spend=committed_project_spend,
        committed_value=float(committed["value"].sum()),
        fiscal_years=np.array([fiscal_year(horizon_start + t, params.fiscal_year_start_month) for t in range(horizon)]),
        dependencies=_dependencies(projects),
        params=params,
    )


def _value_column(frame: pd.DataFrame, data: PortfolioData, params: SelectionParams) -> pd.Series:
    objective = params.objective
    benefit = pd.to_numeric(frame.get("expected_benefit"), errors="coerce").fillna(0.0)
    if objective == "benefit":
        return benefit.astype(float)
    if objective == "net_benefit":
        return (benefit - frame["budget"]).astype(float)
    if objective == "npv":  # the NPV at the project's own start; `_options` moves it to the horizon start
        from analytics.cases import start_npv  # here: analytics.cases builds on this module

        table = pd.DataFrame({"project_id": frame.index, "duration_months": frame["duration"].to_numpy(),
                              "budget": frame["budget"].to_numpy(), "expected_benefit": benefit.to_numpy()})
        return pd.Series(start_npv(table, data.spend_profile, data.cash_flows, rate=params.discount_rate,
                                   benefit_months=params.benefit_months).to_numpy(), index=frame.index)
    values = data.strategic_value or {}
    return frame.index.to_series().map(lambda pid: float(values.get(pid, 0.0) or 0.0)).astype(float)


def _classify(data: PortfolioData, params: SelectionParams, horizon_start: int, horizon: int) -> pd.DataFrame:
    """One row per project: kind, window of allowed starts (relative months) and per-run attributes."""
    raw = data.projects.copy()
    if raw["project_id"].duplicated().any():
        raise InvalidInput("duplicate project_id in projects", key="explain.invalid_data", column="project_id")
    frame = raw.set_index(raw["project_id"].astype(str))
    known = set(frame.index)
    unknown = [p for p in (*params.force_in, *params.force_out) if p not in known]
    if unknown:
        raise InvalidInput(f"unknown project ids {unknown}", key="explain.unknown_projects", ids=", ".join(unknown))
    frame["duration"] = pd.to_numeric(frame["duration_months"], errors="coerce")
    frame["budget"] = pd.to_numeric(frame["budget"], errors="coerce")
    if frame["duration"].isna().any() or (frame["duration"] < 1).any():
        raise InvalidInput("every duration_months must be at least 1", key="explain.invalid_data", column="duration_months")
    if frame["budget"].isna().any() or (frame["budget"] < 0).any():
        raise InvalidInput("every budget must be a number >= 0", key="explain.invalid_data", column="budget")
    frame["duration"] = frame["duration"].astype(int)
    frame["status"] = frame["status"].astype(str).str.strip().str.lower()
    frame["name"] = frame["name"].astype(str) if "name" in frame else frame.index.to_series()
    category = frame["category"] if "category" in frame else pd.Series(None, frame.index)
    frame["category"] = pd.Series([None if _blank(c) else str(c) for c in category], index=frame.index, dtype=object)
    frame["value"] = _value_column(frame, data, params)
    risk = pd.to_numeric(frame.get("risk_score"), errors="coerce") if "risk_score" in frame else pd.Series(np.nan, frame.index)
    frame["risk_score"] = risk
    frame["high_risk"] = risk.fillna(-math.inf) >= params.high_risk_threshold
    frame["mandatory"] = frame["mandatory"].fillna(False).astype(bool) if "mandatory" in frame else False
    frame["forced_in"] = frame.index.isin(params.force_in)
    frame["forced_out"] = frame.index.isin(params.force_out)
    frame["depends_on"] = [_id_tuple(v) for v in frame["depends_on"]] if "depends_on" in frame else [()] * len(frame)
    group = frame["exclusive_group"] if "exclusive_group" in frame else pd.Series(None, frame.index)
    frame["exclusive_group"] = [None if _blank(g) else str(g) for g in group]
    frame["start_rel"] = [month_index(v) - horizon_start for v in frame["start_month"]]
    latest = frame["latest_start_month"] if "latest_start_month" in frame else pd.Series(None, frame.index)
    frame["latest_rel"] = [
        s if _blank(v) else max(s, month_index(v) - horizon_start) for s, v in zip(frame["start_rel"], latest, strict=True)
    ]
    kinds, firsts, lasts = [], [], []
    for row in frame.itertuples():
        kind, first, last = _window(row, params, horizon)
        kinds.append(kind)
        firsts.append(first)
        lasts.append(last)
    frame["kind"], frame["first_start"], frame["last_start"] = kinds, firsts, lasts
    frame["outside_horizon"] = (frame["kind"] == "candidate") & (frame["first_start"] > frame["last_start"])
    keep = ["name", "category", "status", "kind", "duration", "budget", "value", "risk_score", "high_risk",
            "mandatory", "forced_in", "forced_out", "depends_on", "exclusive_group", "start_rel", "latest_rel",
            "first_start", "last_start", "outside_horizon"]
    out = frame[keep].copy()
    out.index.name = "project_id"
    return out


def _window(row: Any, params: SelectionParams, horizon: int) -> tuple[str, int, int]:
    """(kind, first allowed start, last allowed start) in relative months; empty window = first > last."""
    status, start, latest = row.status, int(row.start_rel), int(row.latest_rel)
    if status in CLOSED_STATUSES:
        return "ignored", 0, -1
    if status in COMMITTED_STATUSES:
        if row.forced_out:
            return "ignored", 0, -1
        if not params.allow_cancel_committed:
            return "committed", start, start
        if status == "active" or start < 0:
            return "candidate", start, start if start <= horizon - 1 else -1
        return "candidate", max(start, 0), min(latest, horizon - 1)
    if status == "on_hold":
        return "candidate", max(start, 0), min(max(latest, 0), horizon - 1)
    return "candidate", max(start, 0), min(latest, horizon - 1)


def _id_tuple(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in re.split(r"[;,|\s]+", value) if v.strip())
    return tuple(str(v).strip() for v in value if str(v).strip())


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NaT or (isinstance(value, str) and not value.strip())


def _options(projects: pd.DataFrame, params: SelectionParams) -> pd.DataFrame:
    """One row per (candidate, allowed start): the decision variables of the model (spend added by `prepare`)."""
    cands = projects[(projects["kind"] == "candidate") & ~projects["outside_horizon"]]
    counts = (cands["last_start"] - cands["first_start"] + 1).to_numpy(dtype=int)
    pids = np.repeat(cands.index.to_numpy(), counts)
    first = np.repeat(cands["first_start"].to_numpy(dtype=int), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    start = first + within
    value = np.repeat(cands["value"].to_numpy(dtype=float), counts)
    if params.discount_per_month:
        value = value * (1.0 - params.discount_per_month) ** within
    if params.objective == "npv":  # valued at the horizon start: a later start is worth less
        from analytics.cases import value_at_horizon_start  # here: analytics.cases builds on this module

        value = value_at_horizon_start(value, start, params.discount_rate)
    return pd.DataFrame({"option": np.arange(len(pids)), "project_id": pids, "t": start, "value": value})


def _demand(demand: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    columns = ["project_id", "role", "month_offset", "fte"]
    if demand is None or demand.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("project_id", "role") else float) for c in columns})
    frame = demand[columns].copy()
    frame["project_id"] = frame["project_id"].astype(str)
    frame["role"] = frame["role"].astype(str)
    frame["month_offset"] = pd.to_numeric(frame["month_offset"], errors="coerce")
    frame["fte"] = pd.to_numeric(frame["fte"], errors="coerce")
    if frame[["month_offset", "fte"]].isna().any().any() or (frame["fte"] < 0).any():
        raise InvalidInput("demand needs numeric month_offset and fte >= 0", key="explain.invalid_data", column="fte")
    frame["month_offset"] = frame["month_offset"].astype(int)
    frame = frame[frame["project_id"].isin(projects.index) & (frame["fte"] > 0)]
    return frame.groupby(["project_id", "role", "month_offset"], as_index=False)["fte"].sum()


def _capacity(capacity: pd.DataFrame, roles: tuple[str, ...], horizon_start: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Capacity and hire cost per role x month; each role's first/last known month fills the gaps outside."""
    cap = np.full((len(roles), horizon), np.nan)
    hire = np.full((len(roles), horizon), np.nan)
    if capacity is None or capacity.empty:
        return cap, hire
    frame = capacity.copy()
    frame["t"] = [month_index(m) - horizon_start for m in frame["month"]]
    frame["capacity_fte"] = pd.to_numeric(frame["capacity_fte"], errors="coerce")
    if frame["capacity_fte"].isna().any() or (frame["capacity_fte"] < 0).any():
        raise InvalidInput("capacity_fte must be a number >= 0", key="explain.invalid_data", column="capacity_fte")
    hire_col = frame["hire_cost_per_fte_month"] if "hire_cost_per_fte_month" in frame else pd.Series(np.nan, frame.index)
    frame["hire"] = pd.to_numeric(hire_col, errors="coerce")
    grouped = frame.groupby(["role", "t"], as_index=False).agg(capacity_fte=("capacity_fte", "sum"), hire=("hire", "min"))
    for role, rows in grouped.groupby("role"):
        r = roles.index(str(role))
        cap[r] = _carry(rows["t"].to_numpy(), rows["capacity_fte"].to_numpy(dtype=float), horizon)
        hire[r] = _carry(rows["t"].to_numpy(), rows["hire"].to_numpy(dtype=float), horizon)
    return cap, hire


def _carry(months: np.ndarray, values: np.ndarray, horizon: int) -> np.ndarray:
    """Values on horizon months 0..H-1: the last known value at or before each month, else the first known."""
    order = np.argsort(months)
    months, values = months[order], values[order]
    position = np.searchsorted(months, np.arange(horizon), side="right") - 1
    return values[np.clip(position, 0, None)]


def _option_load(options: pd.DataFrame, demand: pd.DataFrame, horizon: int) -> pd.DataFrame:
    merged = options[["option", "project_id", "t"]].merge(demand, on="project_id", how="inner")
    merged["month"] = merged["t"] + merged["month_offset"]
    merged = merged[(merged["month"] >= 0) & (merged["month"] < horizon)]
    return merged[["option", "role", "month", "fte"]].reset_index(drop=True)


def project_month_spend(projects: pd.DataFrame, spend_profile: pd.DataFrame | None) -> pd.DataFrame:
    """Every month of every project and what it spends: project_id, month_offset, spend.

    `projects` holds project_id, duration_months and budget. A project with rows in `spend_profile`
    (project_id, month_offset, planned_spend) spends budget x planned_spend_k / sum(planned_spend) in
    its k-th month (0 in months the profile leaves out); any other spends budget / duration each month.
    Rows are ordered by project (as in `projects`) then month offset, `duration` rows per project, so
    the offsets of the i-th project start at row sum(duration[:i]). Profile rows of projects not in
    `projects` are ignored (as demand rows are); bad rows raise InvalidInput.
    """
    ids = projects["project_id"].astype(str).to_numpy()
    duration = pd.to_numeric(projects["duration_months"], errors="coerce").to_numpy(dtype=float)
    budget = pd.to_numeric(projects["budget"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(duration).any() or (duration < 1).any() or np.isnan(budget).any():
        raise InvalidInput("projects need a duration >= 1 and a budget", key="explain.invalid_data", column="duration_months")
    duration = duration.astype(int)
    first_row = np.cumsum(duration) - duration
    project = np.repeat(np.arange(len(ids)), duration)
    offset = np.arange(duration.sum()) - np.repeat(first_row, duration)
    spend = np.repeat(budget / duration, duration)
    profile = _profile_rows(spend_profile, ids, duration)
    if not profile.empty:
        position = profile["position"].to_numpy(dtype=int)
        planned = np.zeros(len(spend))
        planned[first_row[position] + profile["month_offset"].to_numpy(dtype=int)] = profile["planned_spend"].to_numpy(dtype=float)
        total = np.bincount(position, weights=profile["planned_spend"].to_numpy(dtype=float), minlength=len(ids))
        if ((total <= 0) & (budget > 0))[np.unique(position)].any():
            raise InvalidInput("a spend profile of zeros for a project with a budget", key="explain.invalid_data",
                               column="planned_spend")
        profiled = np.isin(project, position)
        share = np.divide(planned, total[project], out=np.zeros(len(spend)), where=total[project] > 0)
        spend = np.where(profiled, budget[project] * share, spend)
    return pd.DataFrame({"project_id": ids[project], "month_offset": offset, "spend": spend})


def _profile_rows(spend_profile: pd.DataFrame | None, ids: np.ndarray, duration: np.ndarray) -> pd.DataFrame:
    """The profile rows of known projects, checked, with each project's position in `ids`."""
    if spend_profile is None or spend_profile.empty:
        return pd.DataFrame({"position": [], "month_offset": [], "planned_spend": []})
    missing = [c for c in PROFILE_COLUMNS if c not in spend_profile.columns]
    if missing:
        raise InvalidInput(f"spend_profile lacks columns {missing}", key="explain.invalid_data", column=", ".join(missing))
    frame = pd.DataFrame({
        "position": pd.Series(spend_profile["project_id"].astype(str).to_numpy()).map(
            pd.Series(np.arange(len(ids)), index=ids)),
        "month_offset": pd.to_numeric(spend_profile["month_offset"], errors="coerce").to_numpy(dtype=float),
        "planned_spend": pd.to_numeric(spend_profile["planned_spend"], errors="coerce").to_numpy(dtype=float),
    }).dropna(subset=["position"])
    if frame["planned_spend"].isna().any() or (frame["planned_spend"] < 0).any():
        raise InvalidInput("planned_spend must be a number >= 0", key="explain.invalid_data", column="planned_spend")
    offsets = frame["month_offset"].to_numpy()
    months = duration[frame["position"].to_numpy(dtype=int)]
    if np.isnan(offsets).any() or (offsets != np.floor(offsets)).any() or (offsets < 0).any() or (offsets >= months).any():
        raise InvalidInput("month_offset must be a whole month inside the project's duration",
                           key="explain.invalid_data", column="month_offset")
    if frame.duplicated(["position", "month_offset"]).any():
        raise InvalidInput("a project's month appears twice in spend_profile", key="explain.invalid_data",
                           column="month_offset")
    return frame.astype({"position": int, "month_offset": int})


def _option_spend_month(options: pd.DataFrame, projects: pd.DataFrame, spend: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """option, month (relative), spend: each option's project months that fall inside the horizon."""
    position = pd.Series(np.arange(len(projects)), index=projects.index)[options["project_id"]].to_numpy(dtype=int)
    duration = projects["duration"].to_numpy(dtype=int)
    first_row = (np.cumsum(duration) - duration)[position]
    length = duration[position]
    option = np.repeat(options["option"].to_numpy(), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    month = np.repeat(options["t"].to_numpy(dtype=int), length) + offset
    amount = spend["spend"].to_numpy(dtype=float)[np.repeat(first_row, length) + offset]
    keep = (month >= 0) & (month < horizon) & (amount > 0)
    return pd.DataFrame({"option": option[keep], "month": month[keep], "spend": amount[keep]})


def _committed_load(projects: pd.DataFrame, demand: pd.DataFrame, roles: tuple[str, ...], horizon: int) -> np.ndarray:
    load = np.zeros((len(roles), horizon))
    committed = projects[projects["kind"] == "committed"]
    rows = demand[demand["project_id"].isin(committed.index)]
    if rows.empty:
        return load
    month = committed.loc[rows["project_id"], "start_rel"].to_numpy(dtype=int) + rows["month_offset"].to_numpy(dtype=int)
    role = np.array([roles.index(r) for r in rows["role"]])
    keep = (month >= 0) & (month < horizon)
    np.add.at(load, (role[keep], month[keep]), rows["fte"].to_numpy(dtype=float)[keep])
    return load


def _committed_spend(committed: pd.DataFrame, spend: pd.DataFrame, horizon: int) -> tuple[np.ndarray, pd.Series]:
    """Committed work's spend per horizon month, and per project, from its actual start (inside the horizon)."""
    rows = spend[spend["project_id"].isin(committed.index)]
    month = committed.loc[rows["project_id"], "start_rel"].to_numpy(dtype=int) + rows["month_offset"].to_numpy(dtype=int)
    inside = (month >= 0) & (month < horizon)
    amount = rows["spend"].to_numpy(dtype=float)[inside]
    by_month = np.bincount(month[inside], weights=amount, minlength=horizon)[:horizon].astype(float)
    by_project = pd.Series(amount, index=rows["project_id"].to_numpy()[inside]).groupby(level=0).sum()
    return by_month, by_project.reindex(committed.index, fill_value=0.0).astype(float)


def committed_in_horizon(prep: Prepared, ids: Iterable[str]) -> pd.Series:
    """Spend inside the horizon of the given committed projects (index project_id), from their actual
    start and by their spend profile (0 for ids that are not committed work of this run)."""
    return prep.committed_project_spend.reindex(pd.Index(list(ids), name="project_id"), fill_value=0.0)


def _dependencies(projects: pd.DataFrame) -> pd.DataFrame:
    """How each candidate's predecessors constrain it.

    kind: `candidate` (a model row links the two), `committed` (starts must follow its finish),
    `satisfied` (completed), `blocked` (cancelled, forced out while committed, or not in the snapshot).
    """
    rows = []
    candidates = projects[projects["kind"] == "candidate"]
    for pid, depends_on in zip(candidates.index, candidates["depends_on"], strict=True):
        for pred in depends_on:
            if pred == pid:
                continue
            if pred not in projects.index:
                rows.append((pid, pred, "blocked", None))
                continue
            other = projects.loc[pred]
            if other["kind"] == "candidate":
                rows.append((pid, pred, "candidate", None))
            elif other["kind"] == "committed":
                rows.append((pid, pred, "committed", int(other["start_rel"]) + int(other["duration"]) - 1))
            elif other["status"] == "completed":
                rows.append((pid, pred, "satisfied", None))
            else:
                rows.append((pid, pred, "blocked", None))
    return pd.DataFrame(rows, columns=["project_id", "predecessor", "kind", "predecessor_end"])
