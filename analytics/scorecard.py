"""The PMO scorecard: project success, on-time, on-budget and benefits figures against annual SMART targets.

The definitions (docs/governance.md states them for people; tests/test_scorecard.py pins them):

- The projects of year Y are the snapshot's projects with status `completed` whose *actual finish*
  falls in Y. Actual finish = `forecast_finish` of the project's latest status report (the one with
  the latest `report_date`), else that report's `report_date` (`analytics.finish.actual_finish`, the
  one definition the overrun history uses too).
- A completed project without any status report has no actual finish: it is placed in the year of
  its *planned* finish, is counted in every rate's denominator and is neither on time nor on budget
  (nothing evidences either; `no_report` is true in its row). Leaving it out would reward not reporting.
- Planned finish = the month `start_month + duration_months - 1` (`analytics.finish`): the last month of planned work
  (a 3-month project starting 2026-01 works January to March and is planned to finish in 2026-03;
  the same month `store.delivery` ends its planned work in).
- `on_time_rate`: share of the year's projects whose actual finish month is at most
  `late_months_tolerance` (default 1) months after the planned finish month. Months are whole
  calendar months (`analytics.months`): a finish on 2026-04-30 against a planned 2026-03 is one month late.
- `on_budget_rate`: share whose latest report's `actual_cost` <= budget x (1 + `budget_tolerance`)
  (default 0.10; exactly 110 % of budget is on budget).
- `benefits_realisation_rate`: Σ realised / Σ expected benefit over the year's projects, as
  `analytics.benefits.benefits_realisation` computes it (realised = the latest reported
  `benefit_realized`, 0 when none; projects without an expected benefit are left out of both sums).
- `project_success_rate`: share that are on time, on budget and whose realised benefit is at least
  `benefit_threshold` (default 0.80, exactly 80 % counts) of their expected benefit. A project with
  no expected benefit (blank or 0) has nothing to realise: its benefit condition holds.
- A rate over no project (no completed project in the year; for benefits, no expected benefit) is
  None ("none" on the page and in the CLI), never 0 or NaN.
- A target is met when the actual figure is at least the target (all four metrics are shares where
  higher is better); `met` is None when there is no target or no actual figure.
- Comparisons at a tolerance are made with a relative slack of 1e-9, so 110.0 against a budget of
  100 x 1.10 = 110.00000000000001 (floating point) is on budget, as the definition says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analytics.benefits import benefits_realisation
from analytics.errors import InvalidInput
from analytics.finish import actual_finish, planned_finish_month
from analytics.months import month_index, month_of, months_between
from analytics.vocabulary import SCORECARD_METRICS

_SLACK = 1e-9  # relative slack for "exactly at the tolerance" under floating point

REQUIRED_COLUMNS: tuple[str, ...] = (
    "project_id", "name", "status", "start_month", "duration_months", "budget", "expected_benefit",
    "report_date", "forecast_finish", "actual_cost", "benefit_realized",
)


@dataclass(frozen=True)
class ScorecardSettings:
    """The tolerances of the definitions (shown on the page; the CLI takes them as options)."""

    late_months_tolerance: int = 1  # a finish this many months after the planned finish month is on time
    budget_tolerance: float = 0.10  # actual cost up to budget x (1 + this) is on budget
    benefit_threshold: float = 0.80  # realised share of expected benefit a successful project needs

    def __post_init__(self) -> None:
        if self.late_months_tolerance < 0 or self.budget_tolerance < 0 or not 0 <= self.benefit_threshold <= 1:
            raise InvalidInput("scorecard tolerances out of range", key="scorecard.error.settings")


@dataclass(frozen=True)
class MetricFigure:
    """One metric of one year: the actual share, the target, whether it is met, and the projects behind it."""

    metric: str
    actual: float | None
    target: float | None
    met: bool | None
    project_ids: tuple[str, ...] = ()  # the projects the figure is over (its denominator)
    hit_ids: tuple[str, ...] = ()  # those of them that count for it (on time, on budget, successful, at threshold)

    def to_dict(self) -> dict:
        return {"actual": self.actual, "target": self.target, "met": self.met,
                "projects": list(self.project_ids), "hits": list(self.hit_ids)}


@dataclass(frozen=True)
class Scorecard:
    year: int
    settings: ScorecardSettings
    figures: dict[str, MetricFigure]
    projects: pd.DataFrame = field(repr=False)  # the year's completed projects, one row each (see `assess`)

    def to_dict(self) -> dict:
        return {metric: figure.to_dict() for metric, figure in self.figures.items()}


def _at_most(value: float, limit: float) -> bool:
    return value <= limit or math.isclose(value, limit, rel_tol=_SLACK)


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def assess(frame: pd.DataFrame, settings: ScorecardSettings | None = None) -> pd.DataFrame:
    """Every completed project of `frame` with the facts the figures count.

    `frame`: one row per project with REQUIRED_COLUMNS (report columns of its latest report; NULL
    without a report; `benefit_realized` the latest reported). Returns project_id, name, budget,
    expected_benefit, planned_finish ("YYYY-MM"), actual_finish (date or None), year, months_late,
    no_report, actual_cost, realised, realised_share, on_time, on_budget, benefit_met, success.
    """
    settings = settings or ScorecardSettings()
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="scorecard.error.columns", columns=", ".join(missing))
    rows = []
    for row in frame[frame["status"] == "completed"].itertuples(index=False):
        planned = planned_finish_month(row.start_month, row.duration_months)
        finished = actual_finish(row.report_date, row.forecast_finish)
        no_report = _blank(row.report_date)
        late = None if finished is None else months_between(planned, month_of(finished))
        cost = None if _blank(row.actual_cost) else float(row.actual_cost)
        budget = float(row.budget)
        expected = None if _blank(row.expected_benefit) else float(row.expected_benefit)
        realised = 0.0 if _blank(row.benefit_realized) else float(row.benefit_realized)
        share = realised / expected if expected else None
        on_time = late is not None and late <= settings.late_months_tolerance
        on_budget = cost is not None and _at_most(cost, budget * (1 + settings.budget_tolerance))
        benefit_met = not expected or _at_most(settings.benefit_threshold * expected, realised)
        rows.append({
            "project_id": row.project_id, "name": row.name, "budget": budget, "expected_benefit": expected,
            "planned_finish": planned, "actual_finish": None if finished is None else finished.date(),
            "year": (finished.year if finished is not None else month_index(planned) // 12),
            "months_late": late, "no_report": no_report, "actual_cost": cost, "realised": realised,
            "realised_share": share, "on_time": on_time, "on_budget": on_budget, "benefit_met": benefit_met,
            "success": on_time and on_budget and benefit_met,
        })
    columns = ["project_id", "name", "budget", "expected_benefit", "planned_finish", "actual_finish", "year",
               "months_late", "no_report", "actual_cost", "realised", "realised_share", "on_time", "on_budget",
               "benefit_met", "success"]
    return pd.DataFrame(rows, columns=columns).sort_values("project_id", ignore_index=True)


def _share(done: pd.DataFrame, flag: str) -> tuple[float | None, tuple[str, ...]]:
    if done.empty:
        return None, ()
    hits = done.loc[done[flag].astype(bool), "project_id"]
    return len(hits) / len(done), tuple(hits)


def _met(actual: float | None, target: float | None) -> bool | None:
    if actual is None or target is None:
        return None
    return actual >= target or math.isclose(actual, target, rel_tol=_SLACK)


def scorecard(
    frame: pd.DataFrame, year: int, targets: pd.DataFrame | None = None, settings: ScorecardSettings | None = None,
    assessed: pd.DataFrame | None = None,
) -> Scorecard:
    """The four figures of `year` against its targets (`targets`: year, metric, target rows).

    `assessed`: `assess(frame, settings)` when the caller has it already (the page, `trend`).
    """
    settings = settings or ScorecardSettings()
    assessed = assess(frame, settings) if assessed is None else assessed
    done = assessed[assessed["year"] == int(year)].reset_index(drop=True)
    goal = targets_of(targets, int(year))
    ids = tuple(done["project_id"])
    figures: dict[str, MetricFigure] = {}
    for metric, flag in (("project_success_rate", "success"), ("on_time_rate", "on_time"),
                         ("on_budget_rate", "on_budget")):
        actual, hits = _share(done, flag)
        figures[metric] = MetricFigure(metric, actual, goal.get(metric), _met(actual, goal.get(metric)), ids, hits)
    benefits = benefits_realisation(
        done.assign(status="completed", benefit_realized=done["realised"])
    )
    planned = tuple(benefits.projects["project_id"])
    hits = tuple(done.loc[done["project_id"].isin(planned) & done["benefit_met"].astype(bool), "project_id"])
    rate = benefits.realisation_rate
    figures["benefits_realisation_rate"] = MetricFigure(
        "benefits_realisation_rate", rate, goal.get("benefits_realisation_rate"),
        _met(rate, goal.get("benefits_realisation_rate")), tuple(sorted(planned)), hits,
    )
    return Scorecard(int(year), settings, {m: figures[m] for m in SCORECARD_METRICS}, done)


def targets_of(targets: pd.DataFrame | None, year: int) -> dict[str, float]:
    """{metric: target} of one year."""
    if targets is None or targets.empty:
        return {}
    rows = targets[targets["year"].astype(int) == int(year)]
    return {str(r.metric): float(r.target) for r in rows.itertuples(index=False)}


def scorecard_years(frame: pd.DataFrame, targets: pd.DataFrame | None = None,
                    settings: ScorecardSettings | None = None, assessed: pd.DataFrame | None = None) -> list[int]:
    """Years with a completed project or a target, oldest first."""
    assessed = assess(frame, settings) if assessed is None else assessed
    years = {int(y) for y in assessed["year"]}
    if targets is not None and not targets.empty:
        years |= {int(y) for y in targets["year"]}
    return sorted(years)


def trend(frame: pd.DataFrame, targets: pd.DataFrame | None = None,
          settings: ScorecardSettings | None = None, assessed: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per year and metric: year, metric, actual, target, met, projects (count)."""
    assessed = assess(frame, settings) if assessed is None else assessed
    rows = []
    for year in scorecard_years(frame, targets, settings, assessed):
        card = scorecard(frame, year, targets, settings, assessed)
        for metric, figure in card.figures.items():
            rows.append({"year": year, "metric": metric, "actual": figure.actual, "target": figure.target,
                         "met": figure.met, "projects": len(figure.project_ids)})
    return pd.DataFrame(rows, columns=["year", "metric", "actual", "target", "met", "projects"])
