"""Would one more project fit? The incremental feasibility check behind the greedy baseline and the
explanations of left-out proposals.

`FitState(prep, chosen)` holds a portfolio (committed work plus the chosen options) and its use of
every resource the model constrains. `violations(option)` lists, with numbers, every constraint that
adding the option would break: dependency, exclusive group, forced out, high-risk cap, role capacity
(months and overload; with hiring allowed only where no hire is possible, the hires otherwise costing
budget), total budget, fiscal-year caps and category shares. `add(option)` commits an option.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analytics.months import month_text
from analytics.prepare import Prepared, committed_in_horizon

TOLERANCE = 1e-7


@dataclass(frozen=True)
class Violation:
    code: str                                  # a Reason code (see analytics.explain)
    params: dict[str, Any] = field(default_factory=dict)


class FitState:
    """Resource use of committed work plus chosen options; mutable (`add`)."""

    def __init__(self, prep: Prepared, chosen: Iterable[int] = ()) -> None:
        self.prep = prep
        self.params = prep.params
        self.capacity = np.where(np.isfinite(prep.capacity), prep.capacity, np.inf)
        # as in the model: committed work that already overloads a month does not block the rest,
        # it only leaves nothing for new work there
        self.capacity = np.maximum(self.capacity, prep.committed_load)
        self.load = prep.committed_load.copy()
        self.spend = prep.committed_spend.copy()          # project spend per month (hires kept apart)
        self.hire_cost = np.where(np.isfinite(prep.hire_cost), prep.hire_cost, np.inf)
        self._hire_spend = np.zeros(prep.horizon)
        self.start: dict[str, int] = {}                   # selected project -> start (relative)
        self.category_spend: dict[str, float] = {}
        projects = prep.projects
        committed = prep.committed()
        self.taken_groups: dict[str, str] = {
            str(g): pid for pid, g in committed["exclusive_group"].items() if g is not None
        }
        self.high_risk = int(committed["high_risk"].sum())
        for pid, spend in committed_in_horizon(prep, committed.index).items():
            self._add_category(committed.at[pid, "category"], float(spend))
        self._categories = projects["category"]
        self._option_rows = _index_rows(prep.option_load["option"].to_numpy(), len(prep.options))
        self._spend_rows = _index_rows(prep.option_spend_month["option"].to_numpy(), len(prep.options))
        self._load_role = prep.option_load["role"].map({r: i for i, r in enumerate(prep.roles)}).to_numpy(dtype=int)
        self._load_month = prep.option_load["month"].to_numpy(dtype=int)
        self._load_fte = prep.option_load["fte"].to_numpy(dtype=float)
        self._option_project = prep.options["project_id"].astype(str).tolist()
        self._option_start = prep.options["t"].to_numpy(dtype=int)
        self._option_spend = prep.options["spend"].to_numpy(dtype=float)
        self._project = prep.projects[["exclusive_group", "high_risk", "category", "forced_out", "risk_score",
                                       "duration"]].to_dict("index")
        self._options_of: dict[str, list[int]] = {}
        for option, pid in enumerate(self._option_project):
            self._options_of.setdefault(pid, []).append(option)
        self._deps: dict[str, list[Any]] = {}
        for dep in prep.dependencies.itertuples():
            self._deps.setdefault(dep.project_id, []).append(dep)
        self._spend_month = prep.option_spend_month["month"].to_numpy(dtype=int)
        self._spend_value = prep.option_spend_month["spend"].to_numpy(dtype=float)
        for option in chosen:
            self.add(int(option))

    # ------------------------------------------------------------------------------------ state

    def _add_category(self, category: Any, spend: float) -> None:
        key = "-" if category is None or (isinstance(category, float) and np.isnan(category)) else str(category)
        self.category_spend[key] = self.category_spend.get(key, 0.0) + spend

    def options_of(self, pid: str) -> list[int]:
        """The option indices (allowed starts) of a candidate, earliest first."""
        return self._options_of.get(pid, [])

    def option_load(self, option: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = self._option_rows[option]
        return self._load_role[rows], self._load_month[rows], self._load_fte[rows]

    def option_spend(self, option: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self._spend_rows[option]
        return self._spend_month[rows], self._spend_value[rows]

    def hires(self) -> np.ndarray:
        """FTE bought per role and month (only with hiring allowed) so the current load fits."""
        if not self.params.allow_hiring:
            return np.zeros_like(self.load)
        return np.clip(self.load - self.capacity, 0, None)

    def hire_spend(self) -> np.ndarray:
        """Hire cost per month of the current portfolio."""
        return self._hire_spend.copy()

    def total_spend(self) -> float:
        return float(self.spend.sum() + self._hire_spend.sum())

    def _cells(self, option: int) -> dict[str, np.ndarray]:
        """The option's effect on the cells it touches: load after, capacity, extra hire cost per cell."""
        roles, months, fte = self.option_load(option)
        before = self.load[roles, months]
        after = before + fte
        capacity = self.capacity[roles, months]
        extra_hire = np.zeros(len(roles))
        if self.params.allow_hiring:
            cost = self.hire_cost[roles, months]
            grow = np.clip(after - capacity, 0, None) - np.clip(before - capacity, 0, None)
            extra_hire = np.where(np.isfinite(cost), grow * np.where(np.isfinite(cost), cost, 0.0), 0.0)
        return {"roles": roles, "months": months, "after": after, "capacity": capacity, "extra_hire": extra_hire}

    def add(self, option: int) -> None:
        pid = self._option_project[option]
        cells = self._cells(option)
        np.add.at(self._hire_spend, cells["months"], cells["extra_hire"])
        self.load[cells["roles"], cells["months"]] = cells["after"]
        spend_months, spend = self.option_spend(option)
        np.add.at(self.spend, spend_months, spend)
        self.start[pid] = int(self._option_start[option])
        project = self._project[pid]
        if project["exclusive_group"] is not None:
            self.taken_groups[str(project["exclusive_group"])] = pid
        self.high_risk += int(bool(project["high_risk"]))
        self._add_category(project["category"], float(self._option_spend[option]))

    # ------------------------------------------------------------------------------- violations

    def fits(self, option: int) -> bool:
        return not self.violations(option)

    def violations(self, option: int) -> list[Violation]:
        """Every constraint adding `option` would break (empty: it fits)."""
        pid, start = self._option_project[option], int(self._option_start[option])
        project = self._project[pid]
        found = self._logical(pid, start, project)
        cells = self._cells(option)
        found += self._capacity(cells)
        found += self._budget(option, cells)
        found += self._categories_after(project["category"], float(self._option_spend[option]))
        return found

    def _logical(self, pid: str, start: int, project: dict[str, Any]) -> list[Violation]:
        found = []
        if project["forced_out"]:
            found.append(Violation("forced_out"))
        found += self._dependencies(pid, start)
        group = project["exclusive_group"]
        if group is not None and group in self.taken_groups and self.taken_groups[group] != pid:
            found.append(Violation("exclusive_group", {"group": group, "taken_by": self.taken_groups[group]}))
        cap = self.params.max_high_risk
        if cap is not None and project["high_risk"] and self.high_risk + 1 > cap:
            found.append(Violation("high_risk_cap", {"cap": cap, "risk": _num(project["risk_score"]),
                                                     "threshold": _num(self.params.high_risk_threshold)}))
        return found

    def _dependencies(self, pid: str, start: int) -> list[Violation]:
        found = []
        for dep in self._deps.get(pid, ()):
            if dep.kind == "satisfied":
                continue
            if dep.kind == "blocked":
                found.append(Violation("dependency", {"predecessor": dep.predecessor, "state": "unavailable"}))
            elif dep.kind == "committed" and start <= dep.predecessor_end:
                found.append(Violation("dependency", {"predecessor": dep.predecessor, "state": "finishes_late",
                                                      "finish": self._label(int(dep.predecessor_end))}))
            elif dep.kind == "candidate":
                pred_start = self.start.get(dep.predecessor)
                if pred_start is None:
                    found.append(Violation("dependency", {"predecessor": dep.predecessor, "state": "not_selected"}))
                else:
                    finish = pred_start + int(self._project[dep.predecessor]["duration"]) - 1
                    if start <= finish:
                        found.append(Violation("dependency", {"predecessor": dep.predecessor, "state": "finishes_late",
                                                              "finish": self._label(finish)}))
        return found

    def _capacity(self, cells: dict[str, np.ndarray]) -> list[Violation]:
        over = cells["after"] - cells["capacity"] > TOLERANCE
        if self.params.allow_hiring:
            over &= ~np.isfinite(self.hire_cost[cells["roles"], cells["months"]])
        found = []
        for r in np.unique(cells["roles"][over]):
            mask = over & (cells["roles"] == r)
            months = np.sort(cells["months"][mask])
            excess = float((cells["after"][mask] - cells["capacity"][mask]).max())
            found.append(Violation("capacity", {"role": self.prep.roles[r], "months": self._months(months),
                                                "excess": _num(excess)}))
        return found

    def _budget(self, option: int, cells: dict[str, np.ndarray]) -> list[Violation]:
        params, found = self.params, []
        spend_months, spend = self.option_spend(option)
        added = np.zeros(self.prep.horizon)
        np.add.at(added, spend_months, spend)
        np.add.at(added, cells["months"], cells["extra_hire"])
        current = self.spend + self._hire_spend
        if params.budget is not None and current.sum() + added.sum() > params.budget + TOLERANCE:
            found.append(Violation("budget", {"needed": _num(added.sum()),
                                              "available": _num(max(params.budget - current.sum(), 0.0)),
                                              "budget": _num(params.budget)}))
        for year, cap in sorted(params.annual_budget_caps.items()):
            months = self.prep.fiscal_years == year
            extra = added[months].sum()
            if months.any() and extra > TOLERANCE and current[months].sum() + extra > cap + TOLERANCE:
                found.append(Violation("annual_budget", {"year": year, "needed": _num(extra),
                                                         "available": _num(max(cap - current[months].sum(), 0.0)),
                                                         "cap": _num(cap)}))
        return found

    def _categories_after(self, category: Any, spend: float) -> list[Violation]:
        params = self.params
        own = "-" if category is None else str(category)
        total = sum(self.category_spend.values()) + spend
        if total <= 0:
            return []
        found = []
        high = params.category_max_share.get(own)
        share = (self.category_spend.get(own, 0.0) + spend) / total
        if high is not None and share > high + TOLERANCE and spend > 0:
            found.append(Violation("category_balance", {"category": own, "bound": "max", "share": _pct(share), "limit": _pct(high)}))
        for other, low in params.category_min_share.items():
            if other == own:
                continue
            before_total = total - spend
            before = self.category_spend.get(other, 0.0) / before_total if before_total > 0 else 1.0
            after = self.category_spend.get(other, 0.0) / total
            if before >= low - TOLERANCE and after < low - TOLERANCE:
                found.append(Violation("category_balance", {"category": other, "bound": "min", "share": _pct(after), "limit": _pct(low)}))
        return found

    def _months(self, months: np.ndarray) -> str:
        labels = [self._label(int(m)) for m in months]
        return ", ".join(labels) if len(labels) <= 6 else ", ".join(labels[:5]) + f" … {labels[-1]}"

    def _label(self, relative: int) -> str:
        return month_text(self.prep.horizon_start + relative)


def _index_rows(option_of_row: np.ndarray, n_options: int) -> list[np.ndarray]:
    order = np.argsort(option_of_row, kind="stable")
    bounds = np.searchsorted(option_of_row[order], np.arange(n_options + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(n_options)]


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return round(float(value), 2)


def _pct(share: float) -> float:
    """A share of spend as a number 0-1 (the UI and reports show it as a percentage in the reader's locale)."""
    return float(share)
