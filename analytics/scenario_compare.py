"""Side-by-side comparison of up to four optimiser results, and the capacity use of one result.

`compare_scenarios` turns saved results into a typed table: one `ComparisonRow` per figure (value,
cost inside the horizon split into committed work, new proposals and hires, gap, uplift over the
ranking baseline, number of projects (committed and new), mean risk, high-risk count, spend per category, peak and mean
capacity use per role), each flagged when the scenarios differ and naming the best column, plus one
`MembershipRow` per project selected anywhere (its start month in each scenario, or None), so a page
can highlight differences and list the projects in one scenario and not another.

`capacity_utilisation` gives the utilisation per role and month of one result, by the product's one
definition (`analytics.metrics`): demand / (capacity + hired), so a plan that hires to cover its
demand is at 100 %. A month with demand and nothing available is `inf` (its peak is "∞"); a month with
neither is NaN and left out of the peak and mean. The uplift row is `analytics.metrics.uplift`'s
difference (the objective's unit); its ratio is the `uplift_ratio` row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analytics.errors import InvalidInput
from analytics.metrics import PlanTotals, plan_totals, result_utilisation, uplift
from analytics.selection_types import SelectionResult

MAX_COMPARED = 4
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ScenarioInput:
    """One column of the comparison: a label shown to the user and the stored result."""

    label: str
    result: SelectionResult
    greedy_objective: float | None = None


@dataclass(frozen=True)
class ComparisonRow:
    metric: str                          # value, total_cost, gap, n_projects, ..., spend_category, peak_use, mean_use
    subject: str | None                  # the category or role of per-category / per-role rows
    values: tuple[float | None, ...]     # one per scenario, None where the scenario has no solution
    higher_is_better: bool | None        # None: neither direction is better (spend mix, counts)
    differs: bool                        # the known values are not all equal
    best: int | None                     # column of the best value when it differs and has a direction


@dataclass(frozen=True)
class MembershipRow:
    project_id: str
    name: str
    category: str | None
    committed: bool
    start_months: tuple[str | None, ...]  # "YYYY-MM" per scenario, None = not selected there

    @property
    def in_all(self) -> bool:
        return all(m is not None for m in self.start_months)

    @property
    def differs(self) -> bool:
        """Selected in some but not all scenarios, or starting in different months."""
        return len(set(self.start_months)) > 1


@dataclass(frozen=True)
class ScenarioComparison:
    labels: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    membership: tuple[MembershipRow, ...]

    def only_in(self, label: str, other: str) -> tuple[str, ...]:
        """Project ids selected in `label` and not in `other`."""
        i, j = self._index(label), self._index(other)
        return tuple(m.project_id for m in self.membership if m.start_months[i] and not m.start_months[j])

    def to_frame(self) -> pd.DataFrame:
        """metric, subject, differs, best, then one column per label (untranslated keys)."""
        records = [
            {"metric": r.metric, "subject": r.subject, "differs": r.differs, "best": r.best,
             **dict(zip(self.labels, r.values, strict=True))}
            for r in self.rows
        ]
        return pd.DataFrame.from_records(records, columns=["metric", "subject", "differs", "best", *self.labels])

    def _index(self, label: str) -> int:
        if label not in self.labels:
            raise InvalidInput(f"unknown scenario {label!r}")
        return self.labels.index(label)


def capacity_utilisation(result: SelectionResult) -> pd.DataFrame:
    """Long table role, month, load_fte, capacity_fte, hired_fte, utilisation of one result, by the one
    definition (`analytics.metrics`: demand / (capacity + hired))."""
    cells = result_utilisation(result).rename(columns={"demand_fte": "load_fte"})
    return cells[["role", "month", "load_fte", "capacity_fte", "hired_fte", "utilisation"]]


def compare_scenarios(scenarios: Sequence[ScenarioInput], high_risk_threshold: float = 4.0,
                      spend_profile: pd.DataFrame | None = None) -> ScenarioComparison:
    """`spend_profile`: the snapshot's, to split spend inside the horizon into committed and new work."""
    if not 1 <= len(scenarios) <= MAX_COMPARED:
        raise InvalidInput(f"compare 1 to {MAX_COMPARED} scenarios, got {len(scenarios)}")
    labels = tuple(s.label for s in scenarios)
    if len(set(labels)) != len(labels):
        raise InvalidInput("scenario labels must be unique")
    if not math.isfinite(high_risk_threshold):
        raise InvalidInput("high-risk threshold must be a number")
    rows = (
        _headline_rows(scenarios, high_risk_threshold, spend_profile)
        + _spend_rows(scenarios)
        + _capacity_rows(scenarios)
    )
    return ScenarioComparison(labels=labels, rows=tuple(rows), membership=_membership(scenarios))


def _row(metric: str, values: Sequence[float | None], higher_is_better: bool | None, subject: str | None = None) -> ComparisonRow:
    known = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if any(math.isinf(v) for _, v in known):   # "∞" (work with no capacity) against anything else differs
        differs = len({v for _, v in known}) > 1
    else:
        differs = len(known) > 1 and max(v for _, v in known) - min(v for _, v in known) > _TOLERANCE * max(
            1.0, max(abs(v) for _, v in known)
        )
    best = None
    if differs and higher_is_better is not None:
        pick = max if higher_is_better else min
        best = pick(known, key=lambda item: item[1])[0]
    return ComparisonRow(metric, subject, tuple(values), higher_is_better, differs, best)


def _headline_rows(scenarios: Sequence[ScenarioInput], threshold: float,
                   spend_profile: pd.DataFrame | None) -> list[ComparisonRow]:
    def each(fn) -> list[float | None]:
        return [fn(s) if s.result.has_solution else None for s in scenarios]

    def risks(s: ScenarioInput) -> list[float]:
        return [p.risk_score for p in s.result.selected if p.risk_score is not None and not math.isnan(p.risk_score)]

    def totals(s: ScenarioInput) -> PlanTotals:
        return plan_totals(s.result, spend_profile)

    return [
        _row("value", each(lambda s: s.result.objective), True),
        _row("total_cost", each(lambda s: s.result.total_cost), False),
        _row("gap", each(lambda s: s.result.gap), False),
        _row("committed_spend", each(lambda s: totals(s).committed_spend), None),
        _row("new_spend", each(lambda s: totals(s).new_spend), None),
        _row("hire_cost", each(lambda s: s.result.hire_cost), False),
        _row("uplift_over_greedy", each(lambda s: uplift(s.result.objective, s.greedy_objective).difference), True),
        _row("uplift_ratio", each(lambda s: uplift(s.result.objective, s.greedy_objective).ratio), True),
        _row("n_projects", each(lambda s: float(totals(s).project_count)), None),
        _row("n_committed", each(lambda s: float(totals(s).committed_count)), None),
        _row("n_new", each(lambda s: float(totals(s).new_count)), None),
        _row("mean_risk", each(lambda s: sum(risks(s)) / len(risks(s)) if risks(s) else None), False),
        _row("high_risk_count", each(lambda s: float(sum(r >= threshold for r in risks(s)))), False),
    ]


def _spend_rows(scenarios: Sequence[ScenarioInput]) -> list[ComparisonRow]:
    categories = sorted({c for s in scenarios if s.result.has_solution for c in s.result.spend_by_category})
    return [
        _row(
            "spend_category",
            [float(s.result.spend_by_category.get(c, 0.0)) if s.result.has_solution else None for s in scenarios],
            None,
            subject=c,
        )
        for c in categories
    ]


def _capacity_rows(scenarios: Sequence[ScenarioInput]) -> list[ComparisonRow]:
    uses = [capacity_utilisation(s.result) if s.result.has_solution else None for s in scenarios]
    roles = sorted({r for u in uses if u is not None for r in u["role"].unique()})
    rows = []
    for role in roles:
        for metric, reduce in (("peak_use", "max"), ("mean_use", "mean")):
            values = [_reduce_role(u, role, reduce) for u in uses]
            rows.append(_row(metric, values, False if metric == "peak_use" else None, subject=role))
    return rows


def _reduce_role(use: pd.DataFrame | None, role: str, how: str) -> float | None:
    if use is None:
        return None
    ratios = use.loc[use["role"] == role, "utilisation"].dropna()
    return None if ratios.empty else float(ratios.max() if how == "max" else ratios.mean())


def _membership(scenarios: Sequence[ScenarioInput]) -> tuple[MembershipRow, ...]:
    info: dict[str, tuple[str, str | None, bool]] = {}
    starts: dict[str, list[str | None]] = {}
    for i, s in enumerate(scenarios):
        for p in s.result.selected if s.result.has_solution else ():
            info.setdefault(p.project_id, (p.name, p.category, p.committed))
            starts.setdefault(p.project_id, [None] * len(scenarios))[i] = p.start_month
    ordered = sorted(starts, key=lambda pid: (not info[pid][2], pid))  # committed work first
    return tuple(
        MembershipRow(pid, info[pid][0], info[pid][1], info[pid][2], tuple(starts[pid])) for pid in ordered
    )


def spend_by_category_share(spend: Mapping[str, float]) -> dict[str, float]:
    """Each category's share of total spend (0-1); empty when nothing is spent."""
    total = sum(spend.values())
    return {} if total <= 0 else {c: v / total for c, v in spend.items()}
