"""Strategic scoring: the weighted 0-100 strategic score of each project, its rank, and flags.

A project's strategic score is the weighted mean of its 0-5 objective scores, rescaled to 0-100:

    strategic_score(p) = 100 * sum_j w_j * s_pj / 5        with the weights w normalised to sum 1.

A score missing for an objective counts as 0 (the project gets no credit for what nobody assessed)
and the project is flagged with the objectives it misses, so the PMO can chase the scores rather
than silently reward gaps. `strategic_value` is the contract the optimiser maximises by default;
`score_portfolio` adds ranking (ties share the best rank: 1, 2, 2, 4) and the optional risk penalty

    risk_adjusted_score = strategic_score * (1 - risk_penalty * (risk_score - 1) / 4)

with `risk_score` on the import contract's 1-5 scale, so a penalty of 0.4 takes 40 % off a project
of the highest risk (5), nothing off the lowest (1), and a project without a risk score is not
penalised (and flagged).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput

MAX_SCORE = 5.0  # objective scores are on the import contract's 0-5 scale
RISK_MIN, RISK_MAX = 1.0, 5.0  # risk_score scale of the import contract
SCORE_COLUMNS = ("project_id", "objective_id", "score")


@dataclass(frozen=True)
class ScoringResult:
    """Per-project strategic scores, sorted best first.

    `table` columns: project_id, strategic_score (0-100), risk_adjusted_score (0-100, equal to the
    strategic score without a penalty), rank (1 = best, ties share the best rank, on the adjusted
    score), missing_objectives (tuple of objective ids without a score), risk_missing (bool).
    """

    table: pd.DataFrame
    weights: Mapping[str, float]
    risk_penalty: float

    @property
    def incomplete_projects(self) -> tuple[str, ...]:
        flagged = self.table[self.table["missing_objectives"].map(len) > 0]
        return tuple(flagged["project_id"])


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights scaled to sum 1; raises InvalidInput on an empty set, a negative/NaN weight or a zero sum."""
    if not weights:
        raise InvalidInput("no objective weights", key="strategy.error.no_weights")
    for objective_id, value in weights.items():
        if value is None or not math.isfinite(float(value)) or float(value) < 0:
            raise InvalidInput(
                f"weight of {objective_id} is {value}", key="strategy.error.bad_weight",
                objective_id=objective_id, value=value,
            )
    total = float(sum(float(v) for v in weights.values()))
    if total <= 0:
        raise InvalidInput("the weights sum to zero", key="strategy.error.zero_weights")
    return {str(k): float(v) / total for k, v in weights.items()}


def _check_scores(scores: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise InvalidInput(f"scores lack columns {missing}", key="strategy.error.score_columns",
                           columns=", ".join(missing))
    frame = scores.loc[:, list(SCORE_COLUMNS)].copy()
    frame["project_id"] = frame["project_id"].astype(str)
    frame["objective_id"] = frame["objective_id"].astype(str)
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    bad = frame[~frame["score"].between(0.0, MAX_SCORE)]
    if not bad.empty:
        row = bad.iloc[0]
        raise InvalidInput(
            f"score {row['score']} of {row['project_id']}/{row['objective_id']} is outside 0-5",
            key="strategy.error.score_range", project_id=row["project_id"],
            objective_id=row["objective_id"], value=row["score"],
        )
    if frame.duplicated(["project_id", "objective_id"]).any():
        row = frame[frame.duplicated(["project_id", "objective_id"])].iloc[0]
        raise InvalidInput(
            f"two scores for {row['project_id']}/{row['objective_id']}", key="strategy.error.score_duplicate",
            project_id=row["project_id"], objective_id=row["objective_id"],
        )
    return frame


def score_matrix(scores: pd.DataFrame, objective_ids: Iterable[str], project_ids: Iterable[str]) -> pd.DataFrame:
    """The project x objective matrix of 0-5 scores (NaN where missing), rows and columns in the given order."""
    frame = _check_scores(scores)
    wide = frame.pivot(index="project_id", columns="objective_id", values="score")
    return wide.reindex(index=[str(p) for p in project_ids], columns=[str(o) for o in objective_ids])


def strategic_value(
    scores: pd.DataFrame, weights: Mapping[str, float], project_ids: Iterable[str]
) -> pd.Series:
    """The 0-100 weighted strategic score of each project in `project_ids` (missing scores count 0).

    Scores of objectives absent from `weights` are ignored; `weights` are normalised here, so any
    positive scale works. The result is indexed by project_id in the order given.
    """
    normalised = normalise_weights(weights)
    ids = [str(p) for p in project_ids]
    matrix = score_matrix(scores, normalised.keys(), ids).fillna(0.0)
    weight_vector = np.array(list(normalised.values()))
    values = matrix.to_numpy(dtype=float) @ weight_vector * (100.0 / MAX_SCORE)
    return pd.Series(values, index=pd.Index(ids, name="project_id"), name="strategic_value")
