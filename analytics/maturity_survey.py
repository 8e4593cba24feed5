"""The maturity self-assessment (成熟度自评): a questionnaire per process area that gives the import's maturity rows.

Each question is a practice of an area at a level (the rows of the snapshot's assessment, plus any
the assessors add), answered on a five-step scale whose score is the import contract's 0-100 `score`:

    not in place 0 · initial 25 · partly 50 · largely 75 · fully 100

so a practice answered "largely" (75) is below the default threshold of 80 and "fully" passes
(`analytics.maturity`). A practice that already has a score may keep it as assessed (the answer is
then that number, e.g. 85), so opening the questionnaire and saving it changes nothing by itself.
`survey_rows` returns exactly the contract's columns: area, practice, level, score, target_level.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analytics.errors import InvalidInput
from analytics.maturity import MAX_LEVEL, MIN_LEVEL

ANSWERS: dict[str, float] = {"not_in_place": 0.0, "initial": 25.0, "partly": 50.0, "largely": 75.0, "fully": 100.0}
COLUMNS: tuple[str, ...] = ("area", "practice", "level", "score", "target_level")


def _score(answer: str | float) -> float:
    if isinstance(answer, str):
        if answer not in ANSWERS:
            raise InvalidInput(f"unknown answer {answer!r}", key="survey.error.answer")
        return ANSWERS[answer]
    if pd.isna(answer) or not 0 <= float(answer) <= 100:
        raise InvalidInput(f"score out of range {answer!r}", key="survey.error.answer")
    return float(answer)


def survey_rows(questions: pd.DataFrame, answers: Mapping[tuple[str, str], str | float]) -> pd.DataFrame:
    """Maturity rows from questions (area, practice, level, target_level) and answers keyed by (area, practice):
    a step of `ANSWERS`, or a 0-100 score kept as assessed; an unanswered practice is "not_in_place"."""
    data = questions.copy()
    data["area"] = data["area"].astype(str).str.strip()
    data["practice"] = data["practice"].astype(str).str.strip()
    if data.empty:
        raise InvalidInput("no questions", key="survey.error.empty")
    if (data["area"] == "").any() or (data["practice"] == "").any() or data["area"].isin(["nan", "None"]).any():
        raise InvalidInput("a question needs an area and a practice", key="survey.error.blank")
    if data.duplicated(["area", "practice"]).any():
        first = data[data.duplicated(["area", "practice"])].iloc[0]
        raise InvalidInput("duplicate practice", key="survey.error.duplicate", area=first["area"],
                           practice=first["practice"])
    levels = pd.to_numeric(data["level"], errors="coerce")
    targets = pd.to_numeric(data["target_level"], errors="coerce")
    if levels.isna().any() or not levels.between(MIN_LEVEL, MAX_LEVEL).all() or \
            not targets.dropna().between(MIN_LEVEL, MAX_LEVEL).all():
        raise InvalidInput("levels must be 1-5", key="survey.error.level")
    scores = [_score(answers.get((a, p), "not_in_place")) for a, p in zip(data["area"], data["practice"], strict=True)]
    out = pd.DataFrame({"area": data["area"], "practice": data["practice"], "level": levels.astype(int),
                        "score": scores, "target_level": targets.astype("Int64")})
    return out.sort_values(["area", "level", "practice"], ignore_index=True)[list(COLUMNS)]
