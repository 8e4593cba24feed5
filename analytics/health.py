"""Delivery health: the rule that turns a project's latest status into healthy / watch / critical.

The rule (thresholds in `HealthThresholds`, defaults shown) looks at five signals of the latest
status report and gives each a level; the project's health is the worst level of any signal, and
the reasons are every signal that is not healthy, worst first:

    signal                          watch when                   critical when
    CPI (cost efficiency)           CPI < 0.95                   CPI < 0.85
    SPI (schedule efficiency)       SPI < 0.95                   SPI < 0.85
    RAG reported by the manager     amber                        red
    milestones missed lately        >= 1                         >= 3
    open risks                      >= 5                         >= 10
    no status report at all         an active or on-hold project without one (watch)

Milestones missed lately: the `milestones_missed` column (the store counts due - met over the last
few reports); without it, milestones_due - milestones_met. A CPI or SPI that is not defined
(nothing spent or nothing planned yet) raises no signal. Each reason is a `HealthReason(code, level, params)`; the page shows it through the i18n key
`delivery.reason.<code>` with `params` (codes: cpi_low, spi_low, rag_red, rag_amber,
milestones_missed, open_risks, no_report). The CPI/SPI reasons carry their figures as text,
`index_text` (2 decimals, as the tables round them) and `threshold_text`, so a reason never shows a
different figure from the table beside it.

"Worst first" (the exceptions table) sorts by level, then by the number of reasons, then by the
lower of CPI and SPI (lowest first).

Counting projects by health (`health_counts`) and listing exceptions count work *in flight* only:
closed work (completed, cancelled) keeps its assessment as a record but has no health to manage, so
the Delivery page, the Overview and `cli.py kpis` show one and the same count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.evm import EacMethod, evm_frame
from analytics.vocabulary import CLOSED_STATUSES, REPORTING_STATUSES

HealthLevel = Literal["healthy", "watch", "critical"]
HEALTH_LEVELS: tuple[str, ...] = ("healthy", "watch", "critical")   # index = severity
REASON_CODES: tuple[str, ...] = (
    "no_report", "rag_red", "rag_amber", "cpi_low", "spi_low", "milestones_missed", "open_risks",
)
# Projects expected to file status reports: a missing report is itself a signal for these.


@dataclass(frozen=True)
class HealthThresholds:
    """Where each signal turns a project to watch or critical."""

    cpi_watch: float = 0.95          # CPI below this: watch (over cost by more than ~5 %)
    cpi_critical: float = 0.85       # CPI below this: critical
    spi_watch: float = 0.95          # SPI below this: watch (behind schedule)
    spi_critical: float = 0.85       # SPI below this: critical
    missed_watch: int = 1            # this many milestones missed lately or more: watch
    missed_critical: int = 3         # this many or more: critical
    open_risks_watch: int = 5        # this many open risks or more: watch
    open_risks_critical: int = 10    # this many or more: critical

    def __post_init__(self) -> None:
        for name in ("cpi", "spi"):
            watch, critical = getattr(self, f"{name}_watch"), getattr(self, f"{name}_critical")
            if not (0 < critical <= watch):
                raise InvalidInput(
                    f"{name}: need 0 < critical <= watch", key="delivery.error.thresholds", signal=name.upper()
                )
        for name in ("missed", "open_risks"):
            watch, critical = getattr(self, f"{name}_watch"), getattr(self, f"{name}_critical")
            if not (1 <= watch <= critical):
                raise InvalidInput(
                    f"{name}: need 1 <= watch <= critical", key="delivery.error.thresholds", signal=name
                )


@dataclass(frozen=True)
class HealthReason:
    """One translatable reason: i18n key `delivery.reason.<code>` filled with `params`."""

    code: str
    level: str
    params: dict[str, Any] = field(default_factory=dict)


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _below(values: np.ndarray, watch: float, critical: float) -> np.ndarray:
    """Severity 0/1/2 of an index that is bad when low; NaN (not defined) is 0."""
    level = np.where(values < watch, 1, 0)
    return np.where(values < critical, 2, level)


def _at_least(values: np.ndarray, watch: float, critical: float) -> np.ndarray:
    level = np.where(values >= watch, 1, 0)
    return np.where(values >= critical, 2, level)


def _missed(frame: pd.DataFrame) -> np.ndarray:
    if "milestones_missed" in frame.columns:
        return _numeric(frame, "milestones_missed")
    return np.clip(_numeric(frame, "milestones_due") - _numeric(frame, "milestones_met"), 0, None)


def _signals(frame: pd.DataFrame, th: HealthThresholds) -> dict[str, np.ndarray]:
    """Severity per signal and row (0 healthy, 1 watch, 2 critical)."""
    rag = frame["rag"].astype("string").str.lower().fillna("") if "rag" in frame.columns else pd.Series([""] * len(frame))
    rag = rag.to_numpy(dtype=object)
    missed = _missed(frame)
    has_report = (
        frame["has_report"].to_numpy(dtype=bool) if "has_report" in frame.columns else np.ones(len(frame), dtype=bool)
    )
    status = frame["status"].astype("string").fillna("").to_numpy(dtype=object) if "status" in frame.columns else None
    ongoing = np.isin(status, list(REPORTING_STATUSES)) if status is not None else np.ones(len(frame), dtype=bool)
    return {
        "no_report": np.where(~has_report & ongoing, 1, 0),
        "rag_red": np.where(rag == "red", 2, 0),
        "rag_amber": np.where(rag == "amber", 1, 0),
        "cpi_low": _below(_numeric(frame, "cpi"), th.cpi_watch, th.cpi_critical),
        "spi_low": _below(_numeric(frame, "spi"), th.spi_watch, th.spi_critical),
        "milestones_missed": _at_least(missed, th.missed_watch, th.missed_critical),
        "open_risks": _at_least(_numeric(frame, "open_risks"), th.open_risks_watch, th.open_risks_critical),
    }


def health_severity(frame: pd.DataFrame, thresholds: HealthThresholds | None = None) -> np.ndarray:
    """Severity (0 healthy, 1 watch, 2 critical) per row, without building reasons (fast path)."""
    signals = _signals(frame, thresholds or HealthThresholds())
    if len(frame) == 0:
        return np.zeros(0, dtype=int)
    return np.max(np.vstack(list(signals.values())), axis=0).astype(int)


def index_text(value: float, threshold: float | None = None) -> str:
    """A CPI/SPI as the tables show it: rounded half-to-nearest to 2 decimals ("0.70").

    A value below `threshold` must never read as reaching it (0.8496 against 0.85 is not "0.85"):
    then, and only then, it is cut (not rounded) to the first of 3..6 decimals that stays below
    ("0.849").
    """
    shown = f"{value:.2f}"
    if threshold is None or not value < threshold or float(shown) < threshold:
        return shown
    exact = Decimal(repr(value))
    for places in range(3, 7):
        cut = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)
        if float(cut) < threshold:
            return str(cut)
    return repr(value)


def threshold_text(threshold: float) -> str:
    """A threshold with 2 decimals, or more when it has more ("0.85", "0.955")."""
    for places in range(2, 7):
        text = f"{threshold:.{places}f}"
        if float(text) == threshold:
            return text
    return repr(threshold)


def _reason(code: str, level: int, row: dict[str, Any], th: HealthThresholds) -> HealthReason:
    name = HEALTH_LEVELS[level]
    if code in ("cpi_low", "spi_low"):
        index = code.split("_")[0]
        threshold = getattr(th, f"{index}_{'critical' if level == 2 else 'watch'}")
        return HealthReason(code, name, {index: index_text(float(row[index]), threshold),
                                         "threshold": threshold_text(threshold)})
    if code == "milestones_missed":
        return HealthReason(code, name, {"count": int(row["milestones_missed"])})
    if code == "open_risks":
        return HealthReason(code, name, {"count": int(row["open_risks"])})
    return HealthReason(code, name, {})


def assess_health(frame: pd.DataFrame, thresholds: HealthThresholds | None = None) -> pd.DataFrame:
    """A copy of `frame` with `health`, `severity` and `reasons` (tuple of HealthReason, worst first).

    Reads the columns it finds among cpi, spi, rag, milestones_missed (or milestones_due and
    milestones_met), open_risks, has_report and status; a missing column raises no signal.
    """
    th = thresholds or HealthThresholds()
    signals = _signals(frame, th)
    out = frame.copy()
    severity = health_severity(frame, th)
    out["severity"] = severity
    out["health"] = [HEALTH_LEVELS[s] for s in severity]
    values = {"cpi": _numeric(frame, "cpi"), "spi": _numeric(frame, "spi"), "milestones_missed": _missed(frame),
              "open_risks": _numeric(frame, "open_risks")}
    reasons = []
    for i in range(len(frame)):
        found = [(int(s[i]), code) for code, s in signals.items() if s[i] > 0]
        found.sort(key=lambda item: -item[0])  # stable: keeps REASON_CODES order within a level
        row = {c: v[i] for c, v in values.items()}
        reasons.append(tuple(_reason(code, level, row, th) for level, code in found))
    out["reasons"] = reasons
    return out


def worst_first(assessed: pd.DataFrame) -> pd.DataFrame:
    """Rows of an `assess_health` result ordered worst first (see module doc)."""
    if "severity" not in assessed.columns or "reasons" not in assessed.columns:
        raise InvalidInput("frame was not assessed", key="delivery.error.columns", columns="severity, reasons")
    order = assessed.assign(
        _reason_count=[len(r) for r in assessed["reasons"]],
        _weakest=np.fmin(_numeric(assessed, "cpi"), _numeric(assessed, "spi")),
    )
    order = order.sort_values(
        ["severity", "_reason_count", "_weakest"], ascending=[False, False, True], na_position="last", kind="stable"
    )
    return order.drop(columns=["_reason_count", "_weakest"])


def in_flight(assessed: pd.DataFrame) -> pd.DataFrame:
    """The rows of work still in flight: not closed (completed or cancelled)."""
    if "status" not in assessed.columns:
        return assessed
    return assessed[~assessed["status"].isin(CLOSED_STATUSES)]


def health_counts(assessed: pd.DataFrame) -> dict[str, int]:
    """How many projects in flight are healthy, watch and critical: the one health count that the
    Delivery page, the Overview and `cli.py kpis` show (closed work has no health to manage)."""
    counts = in_flight(assessed)["health"].value_counts()
    return {level: int(counts.get(level, 0)) for level in HEALTH_LEVELS}


def exceptions(assessed: pd.DataFrame) -> pd.DataFrame:
    """Projects needing attention: not healthy and not finished (completed/cancelled), worst first."""
    flagged = in_flight(assessed)
    return worst_first(flagged[flagged["severity"] > 0])


def assess_projects(
    latest: pd.DataFrame, method: EacMethod = "cpi", thresholds: HealthThresholds | None = None
) -> pd.DataFrame:
    """EVM figures and health of each project from its latest report (`store.delivery.latest_reports`)."""
    return assess_health(evm_frame(latest, method), thresholds)
