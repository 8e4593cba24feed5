"""Group AHP: several named participants' pairwise judgements, each person's consistency, the group's weights.

Each participant's matrix is judged on its own (`analytics.ahp.ahp_weights`: weights and CR); the
group's matrix is the element-wise geometric mean of all of them (`analytics.ahp.aggregate_judgements`,
equal weight per person; a judgement one person left blank is left out of that cell's mean), and the
group's weights and CR are those of that matrix. `align_matrix` puts a matrix read from a file (its
own names and order) into the snapshot's objective order, matching names by objective id or name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analytics.ahp import AhpInputError, AhpResult, aggregate_judgements, ahp_weights

Matrix = tuple[tuple[float | None, ...], ...]


@dataclass(frozen=True)
class Participant:
    name: str
    matrix: Matrix  # in the objectives' order, None = not judged


@dataclass(frozen=True)
class GroupResult:
    participants: tuple[tuple[Participant, AhpResult], ...]
    aggregated: Matrix  # element-wise geometric mean (None where nobody judged)
    result: AhpResult  # of the aggregated matrix


def _as_matrix(values: np.ndarray) -> Matrix:
    return tuple(tuple(None if np.isnan(v) else float(v) for v in row) for row in values)


def group_ahp(participants: Sequence[Participant], method: str = "eigen") -> GroupResult:
    """Each participant's result and the group's (see module doc). Names must be distinct and not blank."""
    if not participants:
        raise AhpInputError("no participants", key="strategy.group.error.none")
    names = [p.name.strip() for p in participants]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise AhpInputError("participants need distinct names", key="strategy.group.error.names")
    each = tuple((p, ahp_weights(p.matrix, method)) for p in participants)
    aggregated = aggregate_judgements([p.matrix for p in participants])
    return GroupResult(each, _as_matrix(aggregated), ahp_weights(aggregated, method))


def align_matrix(names: Sequence[str], matrix: Sequence[Sequence[float | None]], objective_ids: Sequence[str],
                 objective_names: Mapping[str, str], file: str = "") -> Matrix:
    """`matrix` (rows and columns named `names`) in the order of `objective_ids`; every objective must be named."""
    by_name = {str(v).strip().casefold(): k for k, v in objective_names.items()}
    by_id = {str(k).strip().casefold(): k for k in objective_ids}
    resolved = [by_id.get(n.strip().casefold()) or by_name.get(n.strip().casefold()) for n in names]
    if sorted(map(str, filter(None, resolved))) != sorted(map(str, objective_ids)) or None in resolved:
        raise AhpInputError(f"{file}: names {list(names)} are not the objectives", key="strategy.group.error.objectives",
                            file=file)
    position = {oid: i for i, oid in enumerate(resolved)}
    order = [position[oid] for oid in objective_ids]
    return tuple(tuple(matrix[i][j] for j in order) for i in order)
