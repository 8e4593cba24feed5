"""Benefits realisation: did the completed projects deliver the benefit their business case promised?

Planned benefit is the project's `expected_benefit`; realised benefit is `benefit_realized` of its
latest status report (cumulative). Only completed projects count: benefits of work in flight are
not due yet. Rules:
- realisation rate = realised / planned, summed first (portfolio and category rates are ratios of
  sums, not averages of project rates); not defined (None/NaN) when planned is 0.
- a completed project with no expected_benefit has no plan to measure against: it is counted in
  `unplanned_count` and left out of the sums and rates (so it cannot inflate the rate).
- a completed project with no realised figure reported counts as 0 realised (nothing evidenced).
- projects without a category are grouped under "" (the page shows it as "uncategorised").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput

UNCATEGORISED = ""


@dataclass(frozen=True)
class BenefitsRealisation:
    projects: pd.DataFrame      # project_id, name, category, planned, realised, realisation_rate, shortfall
    by_category: pd.DataFrame   # category, projects, planned, realised, realisation_rate
    planned_total: float
    realised_total: float
    realisation_rate: float | None
    unplanned_count: int        # completed projects without an expected benefit


def _rate(realised: pd.Series, planned: pd.Series) -> np.ndarray:
    p = planned.to_numpy(dtype=float)
    return np.where(p != 0, realised.to_numpy(dtype=float) / np.where(p != 0, p, 1.0), np.nan)


def benefits_realisation(frame: pd.DataFrame) -> BenefitsRealisation:
    """Planned against realised benefit of the completed projects in `frame`.

    `frame` needs project_id, expected_benefit and benefit_realized; `status` (rows other than
    completed are ignored), `name` and `category` are used when present.
    """
    missing = [c for c in ("project_id", "expected_benefit", "benefit_realized") if c not in frame.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="delivery.error.columns", columns=", ".join(missing))
    done = frame[frame["status"] == "completed"] if "status" in frame.columns else frame
    planned = pd.to_numeric(done["expected_benefit"], errors="coerce")
    if (planned.dropna() < 0).any():
        raise InvalidInput("negative expected benefit", key="delivery.error.negative")
    measured = done[planned.notna()]
    projects = pd.DataFrame(
        {
            "project_id": measured["project_id"].to_numpy(),
            "name": measured["name"].to_numpy() if "name" in measured else measured["project_id"].to_numpy(),
            "category": measured["category"].fillna(UNCATEGORISED).to_numpy() if "category" in measured
            else UNCATEGORISED,
            "planned": planned[planned.notna()].to_numpy(dtype=float),
            "realised": pd.to_numeric(measured["benefit_realized"], errors="coerce").fillna(0.0).to_numpy(dtype=float),
        }
    )
    projects["realisation_rate"] = _rate(projects["realised"], projects["planned"])
    projects["shortfall"] = projects["planned"] - projects["realised"]
    by_category = (
        projects.groupby("category", sort=True)
        .agg(projects=("project_id", "size"), planned=("planned", "sum"), realised=("realised", "sum"))
        .reset_index()
    )
    by_category["realisation_rate"] = _rate(by_category["realised"], by_category["planned"])
    planned_total = float(projects["planned"].sum())
    realised_total = float(projects["realised"].sum())
    return BenefitsRealisation(
        projects=projects.sort_values("shortfall", ascending=False).reset_index(drop=True),
        by_category=by_category,
        planned_total=planned_total,
        realised_total=realised_total,
        realisation_rate=realised_total / planned_total if planned_total > 0 else None,
        unplanned_count=int(len(done) - len(measured)),
    )
