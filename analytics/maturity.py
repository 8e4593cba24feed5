"""PMO maturity: a staged, CMMI-style model of levels 1-5 per area and for the organisation.

Each assessment row is (area, practice, level, score 0-100, target_level). The staging rule:

    An area reaches level L when every practice of that area at levels <= L scores at least the
    threshold (default 80). Its level is the highest such L, from 1 to the highest level that has
    practices in the area.

Consequences, on purpose:
- Level 1 ("initial") asks nothing unless the model lists level-1 practices; if a level-1 practice
  fails, the area is at level 0 (not even the basics are in place).
- A skipped level (say practices at 2 and 4, none at 3) asks nothing of its own: the area reaches 3
  as soon as every level-2 practice passes, and 4 only when the level-4 practices pass too.
- A level above the highest level with practices is never reached (the model has no evidence of
  it): an area whose practices stop at level 3 is at most level 3.
- One failing practice at a low level caps the area there, however good the higher practices are
  (staged, not continuous).

Target: an area's target level is the highest `target_level` given on its rows; an area with no
target has no gap (None). Gap = max(target - level, 0).

Organisation: the organisation level is the minimum area level (staged: the weakest area sets it);
the average area level is reported as a second, softer view.

Improvement list: every practice scoring below the threshold at a level the area needs (<= its
target, or any level when it has no target), ranked lowest level first (they block everything
above them), then largest score gap first. `blocks_level` is the level the practice holds back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput

MIN_LEVEL, MAX_LEVEL = 1, 5
DEFAULT_THRESHOLD = 80.0


@dataclass(frozen=True)
class MaturityAssessment:
    areas: pd.DataFrame             # area, level, target_level, gap, practices, passing, top_level
    improvements: pd.DataFrame      # area, practice, level, score, score_gap, blocks_level, rank
    organisation_level: int         # minimum area level
    average_level: float            # mean area level
    threshold: float


def _validate(rows: pd.DataFrame, threshold: float) -> pd.DataFrame:
    missing = [c for c in ("area", "practice", "level", "score") if c not in rows.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="delivery.error.columns", columns=", ".join(missing))
    if rows.empty:
        raise InvalidInput("no maturity assessment", key="maturity.error.empty")
    if not 0 < threshold <= 100:
        raise InvalidInput("threshold outside (0, 100]", key="maturity.error.threshold", threshold=threshold)
    data = rows.copy()
    if "target_level" not in data.columns:
        data["target_level"] = np.nan
    data["level"] = pd.to_numeric(data["level"], errors="coerce")
    bad_level = ~data["level"].between(MIN_LEVEL, MAX_LEVEL)
    targets = pd.to_numeric(data["target_level"], errors="coerce")
    bad_target = targets.notna() & ~targets.between(MIN_LEVEL, MAX_LEVEL)
    if bad_level.any() or bad_target.any():
        raise InvalidInput("level outside 1-5", key="maturity.error.level")
    scores = pd.to_numeric(data["score"], errors="coerce")
    if scores.isna().any() or not scores.between(0, 100).all():
        raise InvalidInput("score outside 0-100", key="maturity.error.score")
    return data.assign(level=data["level"].astype(int), score=scores.astype(float), target_level=targets)


def area_level(levels: np.ndarray, scores: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> int:
    """The staged level of one area from its practices' levels and scores (see module doc)."""
    levels = np.asarray(levels, dtype=int)
    scores = np.asarray(scores, dtype=float)
    if levels.size == 0:
        raise InvalidInput("an area without practices", key="maturity.error.empty")
    reached = 0
    for level in range(MIN_LEVEL, int(levels.max()) + 1):
        if (scores[levels <= level] < threshold).any():
            break
        reached = level
    return reached


def _area_table(data: pd.DataFrame, threshold: float) -> pd.DataFrame:
    records = []
    for area, group in data.groupby("area", sort=True):
        level = area_level(group["level"].to_numpy(), group["score"].to_numpy(), threshold)
        target = group["target_level"].max()
        target_level = None if pd.isna(target) else int(target)
        records.append(
            {
                "area": area,
                "level": level,
                "target_level": target_level,
                "gap": None if target_level is None else max(target_level - level, 0),
                "practices": len(group),
                "passing": int((group["score"] >= threshold).sum()),
                "top_level": int(group["level"].max()),
            }
        )
    areas = pd.DataFrame.from_records(records)
    areas["target_level"] = areas["target_level"].astype("Int64")
    areas["gap"] = areas["gap"].astype("Int64")
    return areas


def _improvements(data: pd.DataFrame, areas: pd.DataFrame, threshold: float) -> pd.DataFrame:
    needed = data.merge(areas[["area", "target_level"]].rename(columns={"target_level": "area_target"}), on="area")
    within = needed["area_target"].isna() | (needed["level"] <= needed["area_target"])
    failing = needed[(needed["score"] < threshold) & within].copy()
    failing["score_gap"] = threshold - failing["score"]
    failing["blocks_level"] = failing["level"]
    failing = failing.sort_values(["level", "score_gap", "area", "practice"], ascending=[True, False, True, True])
    failing["rank"] = np.arange(1, len(failing) + 1)
    columns = ["rank", "area", "practice", "level", "score", "score_gap", "blocks_level"]
    return failing[columns].reset_index(drop=True)


def assess_maturity(rows: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> MaturityAssessment:
    """Area levels, organisation level (min and average), gaps and the ranked improvement list."""
    data = _validate(rows, threshold)
    areas = _area_table(data, threshold)
    return MaturityAssessment(
        areas=areas,
        improvements=_improvements(data, areas, threshold),
        organisation_level=int(areas["level"].min()),
        average_level=float(areas["level"].mean()),
        threshold=float(threshold),
    )
