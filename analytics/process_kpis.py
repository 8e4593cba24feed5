"""Process KPIs over months: control limits and the before/after check of a process change (PDCA).

Each process reports per month: cycle_time_days, unit_cost, error_rate and volume.

Control chart (`control_chart`): an individuals chart with centre line = mean and limits
mean +/- 3 sigma, where sigma is the sample standard deviation (ddof = 1) of the baseline months
(all months, or those before `baseline_before` so a change does not widen its own yardstick). The
lower limit is floored at 0: none of these KPIs can be negative. A month is out of control when
its value lies strictly outside the limits. Fewer than 2 baseline months: limits not defined.

Before/after (`before_after`): months before the change month against the change month and after.
The change in mean (absolute and relative to the before-mean) and a two-sided Mann-Whitney U test
(scipy, no normality assumed; exact p-value for small samples) decide the verdict:
- "insufficient_data" when either side has fewer than `min_months` (default 3) months;
- "no_change" when p >= alpha (default 0.05): the difference is within noise;
- otherwise "improved" / "worsened" by the KPI's good direction (lower cycle time, unit cost and
  error rate are better), or "increased" / "decreased" for volume, which has no good direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analytics.errors import InvalidInput
from analytics.months import month_texts

KPI_COLUMNS: tuple[str, ...] = ("cycle_time_days", "unit_cost", "error_rate", "volume")
# True: lower is better; None: no good direction.
LOWER_IS_BETTER: dict[str, bool | None] = {
    "cycle_time_days": True, "unit_cost": True, "error_rate": True, "volume": None,
}
VERDICTS: tuple[str, ...] = ("improved", "worsened", "increased", "decreased", "no_change", "insufficient_data")


def kpi_series(frame: pd.DataFrame, process: str, kpi: str) -> pd.Series:
    """One KPI of one process indexed by "YYYY-MM", oldest first, months without a value dropped."""
    if kpi not in KPI_COLUMNS:
        raise InvalidInput(f"unknown KPI {kpi!r}", key="maturity.error.kpi", kpi=kpi)
    rows = frame[frame["process"] == process]
    if rows.empty:
        raise InvalidInput(f"no data for process {process!r}", key="maturity.error.process", process=process)
    values = pd.Series(pd.to_numeric(rows[kpi], errors="coerce").to_numpy(dtype=float),
                       index=month_texts(rows["month"]).to_numpy(), name=kpi)
    return values.dropna().groupby(level=0).mean().sort_index()


@dataclass(frozen=True)
class ControlChart:
    months: tuple[str, ...]
    values: tuple[float, ...]
    mean: float | None
    sigma: float | None
    upper_limit: float | None
    lower_limit: float | None
    out_of_control: tuple[str, ...]     # months outside the limits
    baseline_months: int


def control_chart(series: pd.Series, baseline_before: str | None = None) -> ControlChart:
    """Mean +/- 3 sigma limits of a monthly series and the months outside them (see module doc)."""
    months = tuple(str(m) for m in series.index)
    values = series.to_numpy(dtype=float)
    baseline = values if baseline_before is None else values[np.array(months) < str(baseline_before)[:7]]
    if baseline.size < 2:
        return ControlChart(months, tuple(values), None, None, None, None, (), int(baseline.size))
    mean = float(baseline.mean())
    sigma = float(baseline.std(ddof=1))
    upper, lower = mean + 3 * sigma, max(mean - 3 * sigma, 0.0)
    outside = tuple(m for m, v in zip(months, values, strict=True) if v > upper or v < lower)
    return ControlChart(months, tuple(values), mean, sigma, upper, lower, outside, int(baseline.size))


@dataclass(frozen=True)
class BeforeAfter:
    kpi: str
    change_month: str
    months_before: int
    months_after: int
    mean_before: float | None
    mean_after: float | None
    change: float | None             # mean_after - mean_before
    change_pct: float | None         # change / mean_before; None when mean_before is 0
    u_statistic: float | None
    p_value: float | None
    alpha: float
    verdict: str                     # one of VERDICTS


def _direction(kpi: str, change: float) -> str:
    lower_better = LOWER_IS_BETTER[kpi]
    if lower_better is None:
        return "increased" if change > 0 else "decreased"
    return "improved" if (change < 0) == lower_better else "worsened"


def before_after(
    series: pd.Series, kpi: str, change_month: str, alpha: float = 0.05, min_months: int = 3
) -> BeforeAfter:
    """Compare the months before `change_month` with it and the months after (see module doc)."""
    if kpi not in LOWER_IS_BETTER:
        raise InvalidInput(f"unknown KPI {kpi!r}", key="maturity.error.kpi", kpi=kpi)
    if not 0 < alpha < 1:
        raise InvalidInput("alpha outside (0, 1)", key="maturity.error.alpha", alpha=alpha)
    change = str(month_texts([change_month]).iloc[0])
    months = np.array([str(m) for m in series.index])
    values = series.to_numpy(dtype=float)
    before, after = values[months < change], values[months >= change]
    mean_before = float(before.mean()) if before.size else None
    mean_after = float(after.mean()) if after.size else None
    delta = None if mean_before is None or mean_after is None else mean_after - mean_before
    delta_pct = None if delta is None or mean_before == 0 else delta / mean_before
    base = dict(kpi=kpi, change_month=change, months_before=int(before.size), months_after=int(after.size),
                mean_before=mean_before, mean_after=mean_after, change=delta, change_pct=delta_pct, alpha=alpha)
    if before.size < min_months or after.size < min_months:
        return BeforeAfter(**base, u_statistic=None, p_value=None, verdict="insufficient_data")
    test = stats.mannwhitneyu(before, after, alternative="two-sided")
    p_value = float(test.pvalue)
    within_noise = math.isnan(p_value) or p_value >= alpha or delta == 0
    verdict = "no_change" if within_noise else _direction(kpi, delta)
    return BeforeAfter(**base, u_statistic=float(test.statistic), p_value=p_value, verdict=verdict)


def process_overview(frame: pd.DataFrame) -> pd.DataFrame:
    """Per process and KPI: months, latest value, mean and months out of control (all-month limits)."""
    records = []
    for process in sorted(frame["process"].dropna().unique()):
        for kpi in KPI_COLUMNS:
            series = kpi_series(frame, process, kpi)
            if series.empty:
                continue
            chart = control_chart(series)
            records.append({"process": process, "kpi": kpi, "months": len(series),
                            "latest": float(series.iloc[-1]), "mean": chart.mean,
                            "out_of_control": len(chart.out_of_control)})
    return pd.DataFrame.from_records(records, columns=["process", "kpi", "months", "latest", "mean", "out_of_control"])
