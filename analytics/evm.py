"""Earned value management (EVM) figures for one project, many projects, and a portfolio.

Inputs are cumulative to-date values from status reports, in the snapshot's currency unit:
planned value (PV), earned value (EV), actual cost (AC), and the budget at completion (BAC, the
project's `budget`). The definitions follow the PMI Practice Standard for Earned Value Management:

    SV  = EV - PV                 schedule variance (negative = behind)
    CV  = EV - AC                 cost variance (negative = over cost)
    SPI = EV / PV                 schedule performance index
    CPI = EV / AC                 cost performance index
    EAC, estimate at completion, in one of three standard forms (`EacMethod`):
      "cpi"      AC + (BAC - EV) / CPI          remaining work at the cost efficiency seen so far
      "budget"   AC + (BAC - EV)                remaining work at the budgeted rate (atypical variance)
      "cpi_spi"  AC + (BAC - EV) / (CPI * SPI)  remaining work hurt by cost and schedule together
    ETC  = EAC - AC               estimate to complete
    VAC  = BAC - EAC              variance at completion
    TCPI = (BAC - EV) / (BAC - AC)  cost efficiency needed on the remaining work to land on BAC
                                    (negative once AC already exceeds BAC)

A figure whose denominator is zero, or that depends on a figure that is not defined, is itself
"not defined": None in `EvmFigures`, NaN in frames. Never inf and never an exception, so a project
that has spent nothing yet (AC = 0) or has no plan yet (PV = 0) shows blanks rather than garbage.
A project with no status report has unknown PV, EV and AC (NaN), so every figure but BAC is blank.

Closed work (status completed or cancelled, `analytics.vocabulary.CLOSED_STATUSES`) has nothing
left to do: ETC = 0, EAC = its actual cost, VAC = BAC - AC, and TCPI is not defined. A closed project
with no status report at all has EAC = its budget (the best estimate of what it cost) and is flagged
`closed_unreported`. Rows without a `status` column are all taken as in flight.

Portfolio figures add PV, EV, AC and BAC over the projects first and then take the ratios: the
portfolio CPI and SPI are total EV over total AC and PV, never an average of project ratios, and
count closed work too (it is the record of how the portfolio performed). The forecast counts each
kind of work once: EAC = the closed projects' EAC + the in-flight projects' EAC (the formula on
their summed PV, EV, AC, BAC); ETC and TCPI are the in-flight work's (ETC 0 and TCPI not defined
when nothing is in flight); VAC = BAC - EAC. In-flight projects without a report add their BAC (the
work still has to be done) and nothing to PV, EV and AC; when none of them has reported, their EAC
and ETC are their BAC.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.vocabulary import CLOSED_STATUSES

EacMethod = Literal["cpi", "budget", "cpi_spi"]
EAC_METHODS: tuple[str, ...] = ("cpi", "budget", "cpi_spi")

INPUT_COLUMNS: tuple[str, ...] = ("planned_value", "earned_value", "actual_cost", "budget")
# Columns `evm_frame` adds, in this order.
FIGURE_COLUMNS: tuple[str, ...] = ("sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi", "closed", "closed_unreported")


@dataclass(frozen=True)
class EvmFigures:
    """The EVM figures of one project or of a portfolio; None = not defined."""

    planned_value: float | None
    earned_value: float | None
    actual_cost: float | None
    budget_at_completion: float
    schedule_variance: float | None
    cost_variance: float | None
    spi: float | None
    cpi: float | None
    eac: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None
    eac_method: str
    project_count: int = 1
    reporting_count: int = 1   # projects with at least one status report
    closed_count: int = 0      # completed or cancelled: nothing left to do
    closed_unreported_count: int = 0   # closed without any status report: EAC = budget


def _check_method(method: str) -> None:
    if method not in EAC_METHODS:
        raise InvalidInput(f"unknown EAC method {method!r}", key="delivery.error.eac_method", method=method)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is zero or either side is not a number."""
    num, den = np.broadcast_arrays(np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float))
    out = np.full(num.shape, np.nan)
    defined = np.isfinite(num) & np.isfinite(den) & (den != 0)
    np.divide(num, den, out=out, where=defined)
    return out


def _figures(pv: np.ndarray, ev: np.ndarray, ac: np.ndarray, bac: np.ndarray, method: str) -> dict[str, np.ndarray]:
    spi = _ratio(ev, pv)
    cpi = _ratio(ev, ac)
    remaining_work = bac - ev
    if method == "cpi":
        eac = ac + _ratio(remaining_work, cpi)
    elif method == "budget":
        eac = ac + remaining_work
    else:
        eac = ac + _ratio(remaining_work, cpi * spi)
    return {
        "sv": ev - pv,
        "cv": ev - ac,
        "spi": spi,
        "cpi": cpi,
        "eac": eac,
        "etc": eac - ac,
        "vac": bac - eac,
        "tcpi": _ratio(remaining_work, bac - ac),
    }


def _check_frame(frame: pd.DataFrame) -> None:
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="delivery.error.columns", columns=", ".join(missing))
    values = frame[list(INPUT_COLUMNS)].to_numpy(dtype=float)
    if (values[~np.isnan(values)] < 0).any():
        raise InvalidInput("negative PV, EV, AC or budget", key="delivery.error.negative")
    if frame["budget"].isna().any():
        raise InvalidInput("a project has no budget", key="delivery.error.no_budget")


def _closed(frame: pd.DataFrame) -> np.ndarray:
    if "status" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame["status"].astype("string").fillna("").isin(CLOSED_STATUSES).to_numpy(dtype=bool)


def evm_frame(frame: pd.DataFrame, method: EacMethod = "cpi") -> pd.DataFrame:
    """A copy of `frame` with the EVM figure columns added (NaN = not defined).

    `frame` needs planned_value, earned_value, actual_cost and budget per row (one row per project,
    or per project and report date); NaN PV/EV/AC means "no report". With a `status` column, closed
    rows get the closed-work figures of the module doc and `closed`/`closed_unreported` flags.
    """
    _check_method(method)
    _check_frame(frame)
    out = frame.copy()
    arrays = [frame[c].to_numpy(dtype=float) for c in INPUT_COLUMNS]
    figures = _figures(*arrays, method)
    closed = _closed(frame)
    if closed.any():
        ac, bac = arrays[2], arrays[3]
        unreported = closed & np.isnan(arrays[1])
        eac = np.where(unreported, bac, ac)
        figures["eac"] = np.where(closed, eac, figures["eac"])
        figures["etc"] = np.where(closed, 0.0, figures["etc"])
        figures["vac"] = np.where(closed, bac - eac, figures["vac"])
        figures["tcpi"] = np.where(closed, np.nan, figures["tcpi"])
    figures["closed"] = closed
    figures["closed_unreported"] = closed & np.isnan(arrays[1])
    for name, values in figures.items():
        out[name] = values
    return out


def _none_if_nan(value: float) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def evm_figures(
    planned_value: float | None,
    earned_value: float | None,
    actual_cost: float | None,
    budget_at_completion: float,
    method: EacMethod = "cpi",
    status: str | None = None,
) -> EvmFigures:
    """The figures of one project from its latest cumulative PV, EV, AC, its budget and its status."""
    row = pd.DataFrame(
        {
            "planned_value": [np.nan if planned_value is None else planned_value],
            "earned_value": [np.nan if earned_value is None else earned_value],
            "actual_cost": [np.nan if actual_cost is None else actual_cost],
            "budget": [budget_at_completion],
        },
        dtype=float,
    ).assign(status=[status or ""])
    computed = evm_frame(row, method).iloc[0]
    reporting = int(not math.isnan(computed["earned_value"]))
    return _to_figures(computed, method, project_count=1, reporting_count=reporting,
                       closed_count=int(computed["closed"]), closed_unreported_count=int(computed["closed_unreported"]))


def _to_figures(row: pd.Series, method: str, *, project_count: int, reporting_count: int,
                closed_count: int = 0, closed_unreported_count: int = 0) -> EvmFigures:
    return EvmFigures(
        planned_value=_none_if_nan(row["planned_value"]),
        earned_value=_none_if_nan(row["earned_value"]),
        actual_cost=_none_if_nan(row["actual_cost"]),
        budget_at_completion=float(row["budget"]),
        schedule_variance=_none_if_nan(row["sv"]),
        cost_variance=_none_if_nan(row["cv"]),
        spi=_none_if_nan(row["spi"]),
        cpi=_none_if_nan(row["cpi"]),
        eac=_none_if_nan(row["eac"]),
        etc=_none_if_nan(row["etc"]),
        vac=_none_if_nan(row["vac"]),
        tcpi=_none_if_nan(row["tcpi"]),
        eac_method=method,
        project_count=project_count,
        reporting_count=reporting_count,
        closed_count=closed_count,
        closed_unreported_count=closed_unreported_count,
    )


def _summed(frame: pd.DataFrame, method: str) -> pd.Series:
    """PV, EV, AC, BAC summed over the rows (NaN PV/EV/AC when nobody reported), with the figures."""
    reporting = int(frame["earned_value"].notna().sum())
    sums = {c: float(frame[c].sum(skipna=True)) for c in INPUT_COLUMNS}
    if reporting == 0:
        sums.update(planned_value=np.nan, earned_value=np.nan, actual_cost=np.nan)
    return evm_frame(pd.DataFrame({c: [v] for c, v in sums.items()}, dtype=float), method).iloc[0]


def portfolio_evm(frame: pd.DataFrame, method: EacMethod = "cpi") -> EvmFigures:
    """Portfolio figures: PV, EV, AC and BAC summed over the rows, then the ratios; the forecast (EAC,
    ETC, VAC, TCPI) counts closed and in-flight work each by its own rule (module doc).

    With no project reporting at all, PV, EV and AC are not defined (not zero).
    """
    _check_method(method)
    _check_frame(frame)
    closed = _closed(frame)
    computed = _summed(frame, method).copy()
    if closed.any():
        flight = frame[~closed]
        finished = evm_frame(frame[closed], method)
        ahead = _summed(flight, method) if len(flight) else None
        closed_eac = float(finished["eac"].sum())
        if ahead is not None and math.isnan(ahead["actual_cost"]):   # nothing in flight reported yet: all to do
            ahead = ahead.copy()
            ahead["eac"], ahead["etc"] = ahead["budget"], ahead["budget"]
        flight_eac = 0.0 if ahead is None else float(ahead["eac"])
        computed["eac"] = closed_eac + flight_eac if math.isfinite(flight_eac) else np.nan
        computed["etc"] = 0.0 if ahead is None else ahead["etc"]
        computed["tcpi"] = np.nan if ahead is None else ahead["tcpi"]
        computed["vac"] = computed["budget"] - computed["eac"]
    return _to_figures(computed, method, project_count=len(frame), reporting_count=int(frame["earned_value"].notna().sum()),
                       closed_count=int(closed.sum()),
                       closed_unreported_count=int((closed & frame["earned_value"].isna().to_numpy()).sum()))


def grouped_evm(frame: pd.DataFrame, by: str | Iterable[str], method: EacMethod = "cpi") -> pd.DataFrame:
    """Sums then ratios per group (per report month, per snapshot, per category ...).

    Returns one row per group with the summed inputs, `project_count`, `reporting_count` and the
    figure columns. A group where nobody reported has NaN PV, EV and AC.
    """
    _check_method(method)
    _check_frame(frame)
    keys = [by] if isinstance(by, str) else list(by)
    grouped = frame.groupby(keys, sort=True, dropna=False)
    sums = grouped[list(INPUT_COLUMNS)].sum(min_count=0)
    sums["project_count"] = grouped.size()
    sums["reporting_count"] = grouped["earned_value"].count()
    silent = sums["reporting_count"] == 0
    sums.loc[silent, ["planned_value", "earned_value", "actual_cost"]] = np.nan
    return evm_frame(sums.reset_index(), method)
