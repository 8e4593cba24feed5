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


def risk_multipliers(risk_scores: pd.Series, risk_penalty: float) -> pd.Series:
    """1 - risk_penalty * (risk - 1) / 4 per project (1 where the risk score is missing).

    `risk_scores` is indexed by project_id on the 1-5 scale; `risk_penalty` in [0, 1] is the share
    taken off a project of the highest risk.
    """
    if not 0.0 <= risk_penalty <= 1.0:
        raise InvalidInput(f"risk penalty {risk_penalty} is outside 0-1", key="strategy.error.risk_penalty",
                           value=risk_penalty)
    risk = pd.to_numeric(risk_scores, errors="coerce").astype(float)
    out_of_scale = risk[risk.notna() & ~risk.between(RISK_MIN, RISK_MAX)]
    if not out_of_scale.empty:
        raise InvalidInput(
            f"risk score {out_of_scale.iloc[0]} of {out_of_scale.index[0]} is outside 1-5",
            key="strategy.error.risk_range", project_id=out_of_scale.index[0], value=out_of_scale.iloc[0],
        )
    share = (risk - RISK_MIN) / (RISK_MAX - RISK_MIN)
    return (1.0 - risk_penalty * share).fillna(1.0)


def rank_descending(values: pd.Series) -> pd.Series:
    """Competition ranks (1, 2, 2, 4): equal values share the best rank. Values are compared to 1e-9
    so that float noise from weight arithmetic does not split a genuine tie."""
    return values.round(9).rank(method="min", ascending=False).astype(int)


def score_portfolio(
    projects: pd.DataFrame,
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    risk_penalty: float = 0.0,
) -> ScoringResult:
    """Strategic and risk-adjusted scores, rank and missing-score flags for every project.

    `projects` needs project_id (and risk_score when `risk_penalty` > 0). Only objectives with a
    positive weight are flagged when their score is missing, since the others cannot move a score.
    """
    if "project_id" not in projects.columns:
        raise InvalidInput("projects lack project_id", key="strategy.error.score_columns", columns="project_id")
    ids = [str(p) for p in projects["project_id"]]
    normalised = normalise_weights(weights)
    value = strategic_value(scores, normalised, ids)
    risk = (projects.set_index(projects["project_id"].astype(str))["risk_score"]
            if "risk_score" in projects.columns else pd.Series(np.nan, index=ids))
    adjusted = value * risk_multipliers(risk, risk_penalty).reindex(ids).to_numpy()
    weighted = [o for o, w in normalised.items() if w > 0]
    present = score_matrix(scores, weighted, ids).notna().to_numpy()
    weighted_ids = np.array(weighted, dtype=object)
    table = pd.DataFrame({
        "project_id": ids,
        "strategic_score": value.to_numpy(),
        "risk_adjusted_score": adjusted.to_numpy(),
        "rank": rank_descending(adjusted).to_numpy(),
        "missing_objectives": [tuple(weighted_ids[~row]) for row in present],
        "risk_missing": pd.to_numeric(risk, errors="coerce").reindex(ids).isna().to_numpy(),
    })
    table = table.sort_values(["rank", "project_id"], kind="stable").reset_index(drop=True)
    return ScoringResult(table=table, weights=normalised, risk_penalty=float(risk_penalty))
