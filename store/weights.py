"""Strategic weight sets: named objective weights saved per snapshot, exactly one of them active.

A weight set records how the weights were obtained (`direct`, `ahp_eigen` or `ahp_geometric`), the
pairwise matrix with its judgements when AHP was used, its consistency ratio, and who saved it when.
Every write (save, activate, delete) goes into the decision log in the same transaction
(actions weights_save, weights_activate, weights_delete), so a challenged ranking can be traced to
the weights behind it.

`active_weights` is the contract the optimiser and reports read: the active set's id and weights
normalised to sum 1, or, when no set is saved, `(None, weights of the objectives file)` normalised,
where an objective without a file weight gets the mean of the given ones (equal weights when the
file gives none).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from store import decision_log
from store.db import next_id, transaction
from store.errors import NotFound, StoreError
from store.snapshots import get_snapshot
from store.users import Actor, require

METHODS: tuple[str, ...] = ("direct", "ahp_eigen", "ahp_geometric")


class InvalidWeightSet(StoreError):
    """A weight set the store refuses: empty name, unknown method, unknown objective, bad weight."""

    key = "strategy.error.invalid_weight_set"


@dataclass(frozen=True)
class WeightSet:
    weight_set_id: int
    snapshot_id: int
    name: str
    method: str
    weights: dict[str, float]
    matrix: dict[str, Any] | None  # {"objective_ids": [...], "values": [[...]] with None = missing}
    consistency_ratio: float | None
    created_by: str | None
    created_at: dt.datetime
    is_active: bool


def _normalise(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def file_weights(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, float]:
    """The objectives file's weights normalised; a missing weight takes the mean of the given ones."""
    rows = con.execute(
        "SELECT objective_id, weight FROM objectives WHERE snapshot_id = ? ORDER BY objective_id",
        [snapshot_id],
    ).fetchall()
    if not rows:
        return {}
    given = [float(w) for _, w in rows if w is not None and math.isfinite(w) and w > 0]
    # No usable weight at all: equal weights. Otherwise a gap counts as an average objective.
    fill = sum(given) / len(given) if given else 1.0
    raw = {
        str(oid): (float(w) if w is not None and math.isfinite(w) and w >= 0 else fill) for oid, w in rows
    }
    if sum(raw.values()) <= 0:
        raw = dict.fromkeys(raw, 1.0)
    return _normalise(raw)


def _objective_ids(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[str]:
    rows = con.execute(
        "SELECT objective_id FROM objectives WHERE snapshot_id = ? ORDER BY objective_id", [snapshot_id]
    ).fetchall()
    return [str(r[0]) for r in rows]


def _row_to_set(row: tuple) -> WeightSet:
    (set_id, snapshot_id, name, method, weights, matrix, cr, created_by, created_at, is_active) = row
    return WeightSet(
        weight_set_id=int(set_id),
        snapshot_id=int(snapshot_id),
        name=name,
        method=method,
        weights={str(k): float(v) for k, v in json.loads(weights).items()},
        matrix=json.loads(matrix) if matrix is not None else None,
        consistency_ratio=None if cr is None else float(cr),
        created_by=created_by,
        created_at=created_at,
        is_active=bool(is_active),
    )


_COLUMNS = (
    "weight_set_id, snapshot_id, name, method, CAST(weights AS VARCHAR), CAST(matrix AS VARCHAR),"
    " consistency_ratio, created_by, created_at, is_active"
)


def get_weight_set(con: duckdb.DuckDBPyConnection, weight_set_id: int) -> WeightSet:
    row = con.execute(f"SELECT {_COLUMNS} FROM weight_sets WHERE weight_set_id = ?", [weight_set_id]).fetchone()
    if row is None:
        raise NotFound(f"no weight set {weight_set_id}", what=f"weight set {weight_set_id}")
    return _row_to_set(row)


def active_weight_set(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> WeightSet | None:
    row = con.execute(
        f"SELECT {_COLUMNS} FROM weight_sets WHERE snapshot_id = ? AND is_active"
        " ORDER BY weight_set_id DESC LIMIT 1",
        [snapshot_id],
    ).fetchone()
    return None if row is None else _row_to_set(row)


def active_weights(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[int | None, dict[str, float]]:
    """(id of the active weight set, its weights summing to 1), else (None, the file's weights)."""
    active = active_weight_set(con, snapshot_id)
    if active is None:
        return None, file_weights(con, snapshot_id)
    return active.weight_set_id, _normalise(active.weights)


def participants(con: duckdb.DuckDBPyConnection, weight_set_id: int) -> pd.DataFrame:
    """A group set's participants in the order entered: participant, consistency_ratio, matrix (dict)."""
    frame = con.execute(
        "SELECT participant, consistency_ratio, CAST(matrix AS VARCHAR) AS matrix FROM weight_set_participants"
        " WHERE weight_set_id = ? ORDER BY position",
        [weight_set_id],
    ).df()
    frame["matrix"] = [json.loads(m) for m in frame["matrix"]]
    return frame


def list_weight_sets(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """Every weight set of the snapshot, newest first (weights and matrix as JSON text)."""
    return con.execute(
        "SELECT weight_set_id, name, method, consistency_ratio, created_by, created_at, is_active,"
        " CAST(weights AS VARCHAR) AS weights,"
        " (SELECT string_agg(p.participant, ', ' ORDER BY p.position) FROM weight_set_participants p"
        "   WHERE p.weight_set_id = weight_sets.weight_set_id) AS participants"
        " FROM weight_sets WHERE snapshot_id = ?"
        " ORDER BY created_at DESC, weight_set_id DESC",
        [snapshot_id],
    ).df()


def _validated_weights(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, name: str, method: str, weights: Mapping[str, float]
) -> dict[str, float]:
    if not name or not name.strip():
        raise InvalidWeightSet("a weight set needs a name", key="strategy.error.name_required")
    if method not in METHODS:
        raise InvalidWeightSet(f"unknown method {method}", key="strategy.error.unknown_method", method=method)
    known = set(_objective_ids(con, snapshot_id))
    unknown = sorted(set(map(str, weights)) - known)
    if unknown:
        raise InvalidWeightSet(
            f"objectives not in snapshot {snapshot_id}: {unknown}",
            key="strategy.error.unknown_objective", objective_id=", ".join(unknown),
        )
    cleaned = {str(k): float(v) for k, v in weights.items()}
    if not cleaned or any(not math.isfinite(v) or v < 0 for v in cleaned.values()) or sum(cleaned.values()) <= 0:
        raise InvalidWeightSet("weights must be non-negative with a positive sum", key="strategy.error.zero_weights")
    return _normalise(cleaned)


def save_weight_set(
    con: duckdb.DuckDBPyConnection,
    *,
    snapshot_id: int,
    name: str,
    method: str,
    weights: Mapping[str, float],
    objective_ids: Sequence[str] | None = None,
    matrix: Sequence[Sequence[float | None]] | None = None,
    consistency_ratio: float | None = None,
    actor: Actor | str | None = None,
    activate: bool = False,
    participants: Sequence[tuple[str, Sequence[Sequence[float | None]], float | None]] = (),
) -> int:
    """Save a named weight set (weights stored normalised) and return its id; optionally make it active.

    For AHP sets give `objective_ids` (row/column order) and the pairwise `matrix` as entered, with
    None for a missing judgement; both are kept so the judgements can be reviewed later. A group's
    set also gives its `participants` as (name, own matrix, own CR), kept in `weight_set_participants`
    in the same transaction (`matrix` is then the aggregated one).
    """
    actor = require(actor, "weights")
    get_snapshot(con, snapshot_id)  # raises SnapshotNotFound
    normalised = _validated_weights(con, snapshot_id, name, method, weights)
    matrix_json = None
    if matrix is not None:
        ids = [str(o) for o in (objective_ids or normalised.keys())]
        values = [[None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in row]
                  for row in matrix]
        if len(values) != len(ids) or any(len(row) != len(ids) for row in values):
            raise InvalidWeightSet("the matrix does not match the objectives", key="strategy.error.matrix_shape")
        matrix_json = json.dumps({"objective_ids": ids, "values": values})
    with transaction(con):
        set_id = next_id(con, "weight_set_id_seq")  # taken first: PostgreSQL via DuckDB has no RETURNING
        con.execute(
            "INSERT INTO weight_sets (weight_set_id, snapshot_id, name, method, weights, matrix, consistency_ratio,"
            " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [set_id, snapshot_id, name.strip(), method, json.dumps(normalised), matrix_json, consistency_ratio,
             actor.email],
        )
        ids = [str(o) for o in (objective_ids or normalised.keys())]
        for position, (person, own, own_cr) in enumerate(participants):
            values = [[None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in row]
                      for row in own]
            con.execute(
                "INSERT INTO weight_set_participants VALUES (?, ?, ?, ?, ?, ?)",
                [snapshot_id, int(set_id), position, str(person).strip(),
                 json.dumps({"objective_ids": ids, "values": values}), own_cr],
            )
        details: dict[str, Any] = {"weight_set_id": int(set_id), "name": name.strip(), "method": method,
                                   "weights": normalised, "consistency_ratio": consistency_ratio}
        if participants:
            details["participants"] = [{"name": str(p).strip(), "consistency_ratio": c} for p, _, c in participants]
        decision_log.append(
            con, "weights_save", actor=actor, snapshot_id=snapshot_id,
            summary=f"weight set {set_id} '{name.strip()}' ({method})", details=details,
        )
        if activate:
            _activate(con, int(set_id), snapshot_id, name.strip(), actor)
    return int(set_id)


def _activate(con: duckdb.DuckDBPyConnection, set_id: int, snapshot_id: int, name: str, actor: Actor) -> None:
    # Clear then set inside the caller's transaction: never zero or two active sets visible to others.
    con.execute("UPDATE weight_sets SET is_active = false WHERE snapshot_id = ? AND is_active", [snapshot_id])
    con.execute("UPDATE weight_sets SET is_active = true WHERE weight_set_id = ?", [set_id])
    decision_log.append(
        con, "weights_activate", actor=actor, snapshot_id=snapshot_id,
        summary=f"weight set {set_id} '{name}' active", details={"weight_set_id": set_id, "name": name},
    )


def activate_weight_set(con: duckdb.DuckDBPyConnection, weight_set_id: int, actor: Actor | str | None = None) -> None:
    """Make this set the only active one of its snapshot."""
    actor = require(actor, "weights")
    target = get_weight_set(con, weight_set_id)
    with transaction(con):
        _activate(con, weight_set_id, target.snapshot_id, target.name, actor)


def delete_weight_set(con: duckdb.DuckDBPyConnection, weight_set_id: int, actor: Actor | str | None = None) -> None:
    """Delete a set; deleting the active one leaves the snapshot on its file weights."""
    actor = require(actor, "weights")
    target = get_weight_set(con, weight_set_id)
    with transaction(con):
        con.execute("DELETE FROM weight_sets WHERE weight_set_id = ?", [weight_set_id])
        con.execute("DELETE FROM weight_set_participants WHERE weight_set_id = ?", [weight_set_id])
        decision_log.append(
            con, "weights_delete", actor=actor, snapshot_id=target.snapshot_id,
            summary=f"weight set {weight_set_id} '{target.name}' deleted",
            details={"weight_set_id": weight_set_id, "name": target.name, "was_active": target.is_active},
        )
