"""Analytic Hierarchy Process: objective weights from a reciprocal pairwise comparison matrix.

What is here:
- `ahp_weights(matrix, method)`: weights by the principal right eigenvector (Saaty, `"eigen"`) or by
  the row geometric mean (`"geometric"`, the logarithmic least squares solution), with
  `lambda_max`, `consistency_index` CI = (lambda_max - n) / (n - 1), `consistency_ratio`
  CR = CI / RI(n) with Saaty's random indices `RANDOM_INDEX`, and `most_inconsistent`: the single
  judgement whose revision to the value implied by the other judgements lowers CR the most.
- Incomplete matrices (None / NaN = judgement missing) are completed, provided the given
  judgements connect every objective:
  * `"eigen"` uses Harker's method (P. T. Harker, "Alternative modes of questioning in the analytic
    hierarchy process", Mathematical Modelling 9 (1987) 353-360): the missing a_ij are replaced by 0
    and each diagonal entry by 1 + (number of missing judgements in its row); the principal
    eigenvector of that matrix gives the weights and its eigenvalue is lambda_max. The completed
    matrix a_ij = w_i / w_j has the same eigenvector and eigenvalue, and it is the stationary point of
    Bozóki, Fülöp and Rónyai's lambda_max-minimising completion (Mathematical and Computer
    Modelling 52 (2010) 318-333), so no other completion looks more consistent.
  * `"geometric"` uses the logarithmic least squares completion of the same paper: log w solves
    the graph Laplacian system sum_j (log w_i - log w_j) = sum_j log a_ij over the given judgements.
  Either way `completed_matrix` holds the filled matrix and lambda_max/CR are those of it.
- `aggregate_judgements(matrices)`: a group's matrices combined by the element-wise (optionally
  weighted) geometric mean, which keeps the result reciprocal (Aczél and Saaty, 1983).
- `SAATY_SCALE` and `nearest_scale_value` for the 1-9 verbal scale.

lambda_max and CR are always those of the principal eigenvalue of the (completed) matrix, whichever
method gives the weights, so the CR shown does not depend on the weighting method. A matrix whose
judgements agree to 1e-9 in log terms is reported as exactly consistent (lambda_max = n, CR = 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analytics.errors import InvalidInput
from analytics.vocabulary import CR_THRESHOLD

MIN_SIZE, MAX_SIZE = 2, 15
METHODS: tuple[str, ...] = ("eigen", "geometric")
# Saaty's random consistency indices for n = 1..15 (Saaty, "Fundamentals of Decision Making and
# Priority Theory", 1994; the values for n <= 10 as in "The Analytic Hierarchy Process", 1980).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
    9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
SAATY_SCALE: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9)
RECIPROCAL_TOLERANCE = 0.02  # 1/3 typed as 0.33 must pass; 3 against 0.5 must not
_CONSISTENT_TOLERANCE = 1e-9


class AhpInputError(InvalidInput):
    """Base of the pairwise-matrix input errors."""

    key = "strategy.error.ahp_input"


class MatrixShapeError(AhpInputError):
    key = "strategy.error.ahp_shape"


class MatrixSizeError(AhpInputError):
    key = "strategy.error.ahp_size"


class NonPositiveJudgement(AhpInputError):
    key = "strategy.error.ahp_non_positive"


class DiagonalNotOne(AhpInputError):
    key = "strategy.error.ahp_diagonal"


class NotReciprocal(AhpInputError):
    key = "strategy.error.ahp_not_reciprocal"


class DisconnectedJudgements(AhpInputError):
    """Too many judgements missing: some objectives are not compared, even indirectly, with the rest."""

    key = "strategy.error.ahp_disconnected"


class UnknownAhpMethod(AhpInputError):
    key = "strategy.error.ahp_method"


@dataclass(frozen=True)
class Judgement:
    """The judgement a_ij (i < j) worth revising first.

    `consistent_value` is what the other judgements imply for it: the geometric mean over every third
    objective k of a_ik * a_kj (for n = 3 simply a_ik * a_kj). `suggested_value` is the nearest
    value of Saaty's scale (1/9 .. 9) and `consistency_ratio_after` the CR with a_ij set to it.
    """

    i: int
    j: int
    value: float
    consistent_value: float
    suggested_value: float
    consistency_ratio_after: float


@dataclass(frozen=True)
class AhpResult:
    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    method: str
    completed_matrix: tuple[tuple[float, ...], ...]
    missing: tuple[tuple[int, int], ...]  # (i, j), i < j, judgements that were missing
    most_inconsistent: Judgement | None

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def acceptable(self) -> bool:
        return self.consistency_ratio <= CR_THRESHOLD


def nearest_scale_value(value: float) -> float:
    """The nearest value (in log terms) of Saaty's scale 1/9, 1/8, ..., 1, 2, ..., 9."""
    candidates = [float(s) for s in SAATY_SCALE] + [1.0 / s for s in SAATY_SCALE[1:]]
    return min(candidates, key=lambda c: abs(math.log(c) - math.log(value)))


def _as_array(matrix: Sequence[Sequence[float | None]] | np.ndarray) -> np.ndarray:
    try:
        rows = [[np.nan if v is None else float(v) for v in row] for row in matrix]
    except (TypeError, ValueError) as e:
        raise MatrixShapeError(f"not a matrix of numbers: {e}", rows=0, columns=0) from e
    widths = {len(r) for r in rows}
    if not rows or len(widths) != 1 or widths.pop() != len(rows):
        raise MatrixShapeError(
            "the matrix must be square", rows=len(rows), columns=max((len(r) for r in rows), default=0)
        )
    return np.array(rows, dtype=float)


def validate_matrix(matrix: Sequence[Sequence[float | None]] | np.ndarray) -> np.ndarray:
    """A clean reciprocal matrix (NaN = missing) from user input, or a named error.

    A judgement given on one side only is mirrored; given on both sides they must be reciprocal
    within 2 % (a_ij * a_ji in [0.98, 1.02]) and the upper value is kept, the lower set to its exact
    reciprocal. The diagonal must be 1 or blank.
    """
    a = _as_array(matrix)
    n = a.shape[0]
    if not MIN_SIZE <= n <= MAX_SIZE:
        raise MatrixSizeError(f"n = {n} is outside {MIN_SIZE}..{MAX_SIZE}", n=n, low=MIN_SIZE, high=MAX_SIZE)
    given = ~np.isnan(a)
    if np.any(np.isinf(a)) or np.any(a[given] <= 0):
        i, j = np.argwhere(given & ~(a > 0) | np.isinf(a))[0]
        raise NonPositiveJudgement(f"a[{i},{j}] = {a[i, j]}", i=int(i) + 1, j=int(j) + 1, value=a[i, j])
    diagonal = np.diag(a)
    if np.any(given.diagonal() & (np.abs(diagonal - 1.0) > 1e-9)):
        i = int(np.argwhere(given.diagonal() & (np.abs(diagonal - 1.0) > 1e-9))[0][0])
        raise DiagonalNotOne(f"a[{i},{i}] = {a[i, i]}", i=i + 1, value=a[i, i])
    clean = np.full_like(a, np.nan)
    np.fill_diagonal(clean, 1.0)
    for i, j in zip(*np.triu_indices(n, k=1), strict=True):
        upper, lower = a[i, j], a[j, i]
        if given[i, j] and given[j, i] and abs(upper * lower - 1.0) > RECIPROCAL_TOLERANCE:
            raise NotReciprocal(f"a[{i},{j}] * a[{j},{i}] = {upper * lower}", i=int(i) + 1, j=int(j) + 1,
                                upper=upper, lower=lower)
        value = upper if given[i, j] else (1.0 / lower if given[j, i] else np.nan)
        clean[i, j], clean[j, i] = value, 1.0 / value
    return clean


def _check_connected(a: np.ndarray) -> None:
    n = a.shape[0]
    seen, frontier = {0}, [0]
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(~np.isnan(a[i])):
            if int(j) not in seen:
                seen.add(int(j))
                frontier.append(int(j))
    if len(seen) < n:
        lonely = min(set(range(n)) - seen)
        raise DisconnectedJudgements("the given judgements do not link every objective",
                                     i=lonely + 1, missing=int(np.isnan(a).sum() // 2))


def _principal(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return float(values[k].real), vector / vector.sum()


def _harker_weights(a: np.ndarray) -> tuple[float, np.ndarray]:
    missing = np.isnan(a)
    harker = np.where(missing, 0.0, a)
    harker[np.diag_indices_from(harker)] = 1.0 + missing.sum(axis=1)
    return _principal(harker)


def _llsm_weights(a: np.ndarray) -> np.ndarray:
    given = ~np.isnan(a)
    np.fill_diagonal(given, False)
    log_a = np.where(given, np.log(np.where(given, a, 1.0)), 0.0)
    laplacian = np.diag(given.sum(axis=1)).astype(float) - given.astype(float)
    # The Laplacian is singular (log w is fixed up to a constant): pin sum(log w) = 0.
    system = laplacian + np.ones_like(laplacian) / a.shape[0]
    log_w = np.linalg.solve(system, log_a.sum(axis=1))
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def _complete(a: np.ndarray, weights: np.ndarray) -> np.ndarray:
    ratio = np.outer(weights, 1.0 / weights)
    return np.where(np.isnan(a), ratio, a)


def _solve(a: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(weights, completed matrix, lambda_max) of a validated matrix."""
    n = a.shape[0]
    llsm_weights = _llsm_weights(a)
    completed = _complete(a, llsm_weights)
    deviation = np.abs(np.log(completed) - np.log(np.outer(llsm_weights, 1.0 / llsm_weights)))
    if deviation.max() < _CONSISTENT_TOLERANCE:  # exactly consistent: every method agrees
        return llsm_weights, completed, float(n)
    if method == "geometric":
        lambda_max, _ = _principal(completed)
        return llsm_weights, completed, lambda_max
    lambda_max, weights = _harker_weights(a) if np.isnan(a).any() else _principal(a)
    return weights, _complete(a, weights), lambda_max


def _consistency_ratio(lambda_max: float, n: int) -> float:
    random_index = RANDOM_INDEX[n]
    if random_index == 0.0:
        return 0.0
    return max(0.0, (lambda_max - n) / (n - 1)) / random_index


def _most_inconsistent(a: np.ndarray, completed: np.ndarray, method: str, cr: float) -> Judgement | None:
    n = a.shape[0]
    if n < 3 or cr <= 0.0:
        return None
    best: tuple[float, float, Judgement] | None = None
    log_c = np.log(completed)
    for i, j in zip(*np.triu_indices(n, k=1), strict=True):
        if np.isnan(a[i, j]):
            continue
        others = [k for k in range(n) if k not in (i, j)]
        implied = float(np.exp(np.mean([log_c[i, k] + log_c[k, j] for k in others])))
        revised = a.copy()
        revised[i, j], revised[j, i] = implied, 1.0 / implied
        cr_after = _consistency_ratio(_solve(revised, method)[2], n)
        suggested = nearest_scale_value(implied)
        revised[i, j], revised[j, i] = suggested, 1.0 / suggested
        judgement = Judgement(int(i), int(j), float(a[i, j]), implied, suggested,
                              _consistency_ratio(_solve(revised, method)[2], n))
        # Largest drop in CR first; among equals the judgement furthest from what the others imply.
        rank = (round(cr - cr_after, 12), abs(math.log(a[i, j] / implied)))
        if best is None or rank > best[:2]:
            best = (*rank, judgement)
    return None if best is None else best[2]


def ahp_weights(matrix: Sequence[Sequence[float | None]] | np.ndarray, method: str = "eigen") -> AhpResult:
    """Weights and consistency of a (possibly incomplete) reciprocal pairwise comparison matrix.

    `matrix[i][j]` says how much more important objective i is than j (Saaty's 1-9 scale or any
    positive ratio); None or NaN marks a missing judgement. See the module docstring for methods.
    """
    if method not in METHODS:
        raise UnknownAhpMethod(f"unknown method {method}", method=method)
    a = validate_matrix(matrix)
    _check_connected(a)
    n = a.shape[0]
    weights, completed, lambda_max = _solve(a, method)
    cr = _consistency_ratio(lambda_max, n)
    missing = tuple((int(i), int(j)) for i, j in zip(*np.triu_indices(n, k=1), strict=True) if np.isnan(a[i, j]))
    return AhpResult(
        weights=tuple(float(w) for w in weights),
        lambda_max=lambda_max,
        consistency_index=max(0.0, (lambda_max - n) / (n - 1)),
        consistency_ratio=cr,
        random_index=RANDOM_INDEX[n],
        method=method,
        completed_matrix=tuple(tuple(float(v) for v in row) for row in completed),
        missing=missing,
        most_inconsistent=_most_inconsistent(a, completed, method, cr),
    )


def aggregate_judgements(
    matrices: Sequence[Sequence[Sequence[float | None]] | np.ndarray],
    expert_weights: Sequence[float] | None = None,
) -> np.ndarray:
    """Element-wise weighted geometric mean of several people's matrices (NaN where nobody judged).

    A judgement missing in one matrix is left out of that cell's mean (the others' weights are
    rescaled); the result is reciprocal by construction. Equal expert weights by default.
    """
    if not matrices:
        raise MatrixShapeError("no matrices to aggregate", rows=0, columns=0)
    cleaned = [validate_matrix(m) for m in matrices]
    if len({m.shape for m in cleaned}) != 1:
        raise MatrixShapeError("the matrices differ in size", rows=cleaned[0].shape[0],
                               columns=max(m.shape[0] for m in cleaned))
    if expert_weights is None:
        expert_weights = [1.0] * len(cleaned)
    if len(expert_weights) != len(cleaned) or any(not w > 0 for w in expert_weights):
        raise AhpInputError("one positive weight per matrix is needed", key="strategy.error.ahp_expert_weights")
    stack = np.stack([np.log(m) for m in cleaned])
    weight = np.array(expert_weights, dtype=float)[:, None, None] * ~np.isnan(stack)
    total = weight.sum(axis=0)
    summed = np.nansum(stack * weight, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.exp(summed / np.where(total > 0, total, 1.0)), np.nan)
