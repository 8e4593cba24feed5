"""Saved optimiser scenarios of a snapshot, the recommended one, and the log of every solve.

A scenario is a name, the snapshot it was solved on, every `SelectionParams` and a payload: one
`analytics.scenario_payload.ScenarioPayload` (result with its hires, greedy baseline, explanations,
frontier, marginal values and the weights used), stored whole as its `to_dict()` in
`scenarios.result` so a page or an export can show the scenario again without re-solving.
`save_scenario` is the one writer (the Optimiser page and the CLI both reach it through
`store.optimiser_runs`); a plain dict offered to it is read as a payload first, so what is stored
always has the typed shape. `Scenario.run` is the typed payload, `Scenario.payload` its dict.

Names are unique per snapshot, compared case-insensitively after trimming spaces:
- `save_scenario` never fails on a taken name: it saves under the first free "name (2)", "name (3)",
  ... and returns the id (read the stored name back with `get_scenario`). Repeated CLI runs with the
  same `--save-as` therefore keep every result instead of overwriting or failing.
- `rename_scenario` refuses a taken name (`DuplicateScenarioName`): the user asked for that exact name.

The strategic weights a solve used are part of its record: `params.weight_set_id` says which saved
weight set gave the strategic values (None = the objectives file's weights, no set active), and the
payload keeps that set's name, method, CR and weights (`WeightsUsed`; `save_scenario` fills them in
from the store when the payload lacks them) so the scenario still names, and a pack still scores
with, its weights after the set is deleted. The solve log and the save log carry
`weight_set_id` and `weight_set_name` too.

At most one scenario per snapshot is recommended; recommending one clears the flag on the others of
its snapshot in the same transaction. Every write appends to the decision log in the same transaction
(actions scenario_save, scenario_rename, scenario_delete, recommend; every solve: optimize).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import pandas as pd

from analytics.scenario_payload import PayloadError, ScenarioPayload, WeightsUsed
from analytics.selection_types import SelectionParams, SelectionResult
from store import decision_log
from store.db import next_id, transaction
from store.errors import NotFound, StoreError
from store.snapshots import get_snapshot
from store.users import Actor, require
from store.weights import WeightSet, get_weight_set

MAX_NAME_LENGTH = 120


class ScenarioNotFound(NotFound):
    key = "scenarios.error.not_found"


class DuplicateScenarioName(StoreError):
    key = "scenarios.error.duplicate_name"


class InvalidScenario(StoreError):
    """A name, rationale or payload that cannot be stored (empty, too long, no result)."""

    key = "scenarios.error.invalid"


@dataclass(frozen=True)
class Scenario:
    scenario_id: int
    snapshot_id: int
    name: str
    params: SelectionParams
    payload: dict[str, Any]            # `run.to_dict()`, for readers of the stored JSON
    result: SelectionResult
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    is_recommended: bool
    rationale: str | None
    run: ScenarioPayload | None = None  # the typed payload (always set by this module's readers)


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidScenario("empty scenario name", key="scenarios.error.empty_name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidScenario("scenario name too long", key="scenarios.error.long_name", limit=MAX_NAME_LENGTH)
    return cleaned


def _taken_names(con: duckdb.DuckDBPyConnection, snapshot_id: int, except_id: int | None = None) -> set[str]:
    rows = con.execute(
        "SELECT lower(name) FROM scenarios WHERE snapshot_id = ? AND scenario_id IS DISTINCT FROM ?",
        [snapshot_id, except_id],
    ).fetchall()
    return {r[0] for r in rows}


def free_name(con: duckdb.DuckDBPyConnection, snapshot_id: int, name: str) -> str:
    """`name` if no scenario of the snapshot has it, else the first free "name (n)", n >= 2."""
    base = _clean_name(name)
    taken = _taken_names(con, snapshot_id)
    if base.lower() not in taken:
        return base
    n = 2
    while f"{base} ({n})".lower() in taken:
        n += 1
    return f"{base} ({n})"


def read_payload(payload: ScenarioPayload | Mapping[str, Any]) -> ScenarioPayload:
    """The typed payload of `payload` (a dict is read as stored JSON of any version); refuses one without a result."""
    if isinstance(payload, ScenarioPayload):
        return payload
    try:
        return ScenarioPayload.from_dict(payload)
    except PayloadError as e:
        raise InvalidScenario(f"not a scenario payload: {e}", key="scenarios.error.no_result") from e


def _saved_weight_set(con: duckdb.DuckDBPyConnection, weight_set_id: int | None) -> WeightSet | None:
    """The saved weight set, or None for the file weights (no id) and for a deleted set."""
    if weight_set_id is None:
        return None
    try:
        return get_weight_set(con, int(weight_set_id))
    except NotFound:
        return None


def weight_set_name(con: duckdb.DuckDBPyConnection, weight_set_id: int | None) -> str | None:
    """The saved weight set's name, or None for the file weights (no id) and for a deleted set."""
    saved = _saved_weight_set(con, weight_set_id)
    return None if saved is None else saved.name


def weights_used(con: duckdb.DuckDBPyConnection, weight_set_id: int | None) -> WeightsUsed:
    """The record of the weights a solve with `weight_set_id` uses: the saved set's name, method, CR and
    weights, so a pack rebuilt after the set is deleted still shows (and scores with) them. For a
    deleted set only the id is known; None id: the objectives file's weights."""
    saved = _saved_weight_set(con, weight_set_id)
    if saved is None:
        return WeightsUsed(weight_set_id)
    return WeightsUsed(saved.weight_set_id, saved.name, saved.method, saved.consistency_ratio,
                       {str(k): float(v) for k, v in saved.weights.items()})


def _complete_weights(con: duckdb.DuckDBPyConnection, params: SelectionParams, run: ScenarioPayload) -> ScenarioPayload:
    """The payload with its weights recorded: kept when it has them, else read from the store now."""
    have = run.weights
    if have is not None and have.weight_set_id == params.weight_set_id and (have.weights or params.weight_set_id is None):
        return run
    found = weights_used(con, params.weight_set_id)
    if have is not None and have.weight_set_id == params.weight_set_id and found.name is None:
        found = have   # the set is gone: keep what the payload knew (at least its name)
    return replace(run, weights=found)


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> Any:
    with transaction(con):
        return work()


def save_scenario(
    con: duckdb.DuckDBPyConnection,
    *,
    snapshot_id: int,
    name: str,
    params: SelectionParams,
    payload: ScenarioPayload | Mapping[str, Any],
    actor: Actor | str | None = None,
) -> int:
    """Store a scenario and return its id; a taken name gets a " (n)" suffix (see module doc)."""
    actor = require(actor, "scenario_save")
    get_snapshot(con, snapshot_id)  # raises SnapshotNotFound
    run = _complete_weights(con, params, read_payload(payload))
    data = run.to_dict()
    result = data["result"]

    def work() -> int:
        stored_name = free_name(con, snapshot_id, name)
        scenario_id = next_id(con, "scenario_id_seq")  # taken first: PostgreSQL via DuckDB has no RETURNING
        con.execute(
            "INSERT INTO scenarios (scenario_id, snapshot_id, name, params, result, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [scenario_id, snapshot_id, stored_name, _dumps(params.to_dict()), _dumps(data), actor.email],
        )
        decision_log.append(
            con,
            "scenario_save",
            actor=actor,
            snapshot_id=snapshot_id,
            summary=f"scenario {scenario_id}: {stored_name}",
            details={
                "scenario_id": int(scenario_id),
                "name": stored_name,
                "params_hash": params.params_hash(),
                "status": result.get("status"),
                "objective": result.get("objective"),
                "total_cost": result.get("total_cost"),
                "selected": len(result.get("selected") or ()),
                "weight_set_id": data["weight_set"].get("weight_set_id"),
                "weight_set_name": data["weight_set"].get("name"),
            },
        )
        return int(scenario_id)

    return _in_transaction(con, work)


_COLUMNS = (
    "scenario_id, snapshot_id, name, params, result, created_by, created_at, updated_at,"
    " is_recommended, rationale"
)


def _row_to_scenario(row: tuple) -> Scenario:
    run = read_payload(json.loads(row[4]))
    payload = run.to_dict()
    return Scenario(
        scenario_id=int(row[0]),
        snapshot_id=int(row[1]),
        name=row[2],
        params=SelectionParams.from_dict(json.loads(row[3])),
        payload=payload,
        result=run.result,
        created_by=row[5],
        created_at=row[6],
        updated_at=row[7],
        is_recommended=bool(row[8]),
        rationale=row[9],
        run=run,
    )


def get_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int) -> Scenario:
    row = con.execute(f"SELECT {_COLUMNS} FROM scenarios WHERE scenario_id = ?", [scenario_id]).fetchone()
    if row is None:
        raise ScenarioNotFound(f"no scenario {scenario_id}", scenario_id=scenario_id, what=f"scenario {scenario_id}")
    return _row_to_scenario(row)


def change_stamp(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> str:
    """A text that changes whenever a scenario of the snapshot is saved, renamed, recommended or deleted
    (a cache key for what is read from the current plan)."""
    row = con.execute(
        "SELECT count(*), max(updated_at), max(CASE WHEN is_recommended THEN scenario_id END) FROM scenarios"
        " WHERE snapshot_id = ?", [snapshot_id]).fetchone()
    return repr(row)


def list_scenarios(con: duckdb.DuckDBPyConnection, snapshot_id: int | None = None) -> pd.DataFrame:
    """One row per scenario (newest first) with its headline figures read from the stored result.

    Columns: scenario_id, snapshot_id, name, created_by, created_at, updated_at, is_recommended,
    rationale, objective_kind, budget, solver (the one that ran; `auto` only for a run
    saved without a result), status, objective, gap, total_cost, n_selected,
    greedy_objective, weight_set_id (None = file weights), weight_set_name (the set's current name,
    else the name saved with the scenario, else None) and weight_set_exists (False once the set is
    deleted; True for file weights, which cannot be).
    """
    where, args = "", []
    if snapshot_id is not None:
        where, args = "WHERE snapshot_id = ?", [snapshot_id]
    return con.execute(
        "SELECT scenario_id, snapshot_id, name, created_by, created_at, updated_at, is_recommended, rationale,"
        " json_extract_string(params, '$.objective') AS objective_kind,"
        " TRY_CAST(json_extract(params, '$.budget') AS DOUBLE) AS budget,"
        " coalesce(json_extract_string(result, '$.result.solver'), json_extract_string(params, '$.solver')) AS solver,"
        " json_extract_string(result, '$.result.status') AS status,"
        " TRY_CAST(json_extract(result, '$.result.objective') AS DOUBLE) AS objective,"
        " TRY_CAST(json_extract(result, '$.result.gap') AS DOUBLE) AS gap,"
        " TRY_CAST(json_extract(result, '$.result.total_cost') AS DOUBLE) AS total_cost,"
        " CAST(coalesce(json_array_length(result, '$.result.selected'), 0) AS INTEGER) AS n_selected,"
        " TRY_CAST(json_extract(result, '$.greedy_objective') AS DOUBLE) AS greedy_objective,"
        " weight_set_id,"
        " coalesce(current_name, json_extract_string(result, '$.weight_set.name')) AS weight_set_name,"
        " weight_set_id IS NULL OR current_name IS NOT NULL AS weight_set_exists"
        " FROM (SELECT *, (SELECT w.name FROM weight_sets w WHERE w.weight_set_id = used.weight_set_id) AS current_name"
        "   FROM (SELECT *, TRY_CAST(json_extract(params, '$.weight_set_id') AS BIGINT) AS weight_set_id"
        f"         FROM scenarios {where}) AS used)"
        " ORDER BY created_at DESC, scenario_id DESC",
        args,
    ).df()


def rename_scenario(
    con: duckdb.DuckDBPyConnection, scenario_id: int, name: str, actor: Actor | str | None = None
) -> None:
    """Rename; refuses a name another scenario of the same snapshot already has."""
    actor = require(actor, "scenario_rename")
    old = get_scenario(con, scenario_id)
    new_name = _clean_name(name)
    if new_name.lower() in _taken_names(con, old.snapshot_id, except_id=scenario_id):
        raise DuplicateScenarioName(f"name taken: {new_name}", name=new_name)

    def work() -> None:
        con.execute(
            "UPDATE scenarios SET name = ?, updated_at = current_timestamp WHERE scenario_id = ?",
            [new_name, scenario_id],
        )
        decision_log.append(
            con,
            "scenario_rename",
            actor=actor,
            snapshot_id=old.snapshot_id,
            summary=f"scenario {scenario_id}: {new_name}",
            details={"scenario_id": scenario_id, "from": old.name, "to": new_name},
        )

    _in_transaction(con, work)


def delete_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int, actor: Actor | str | None = None) -> None:
    """Delete one scenario (also when it was the recommended one: the snapshot then has none)."""
    actor = require(actor, "scenario_delete")
    old = get_scenario(con, scenario_id)

    def work() -> None:
        con.execute("DELETE FROM scenarios WHERE scenario_id = ?", [scenario_id])
        decision_log.append(
            con,
            "scenario_delete",
            actor=actor,
            snapshot_id=old.snapshot_id,
            summary=f"scenario {scenario_id}: {old.name}",
            details={
                "scenario_id": scenario_id,
                "name": old.name,
                "was_recommended": old.is_recommended,
                "objective": old.result.objective,
            },
        )

    _in_transaction(con, work)


def recommend_scenario(
    con: duckdb.DuckDBPyConnection, scenario_id: int, rationale: str, actor: Actor | str | None = None
) -> None:
    """Mark the scenario recommended for its snapshot (clearing any other) with a rationale.

    Refuses an empty rationale and a scenario whose solve found no solution.
    """
    actor = require(actor, "recommend")
    scenario = get_scenario(con, scenario_id)
    text = (rationale or "").strip()
    if not text:
        raise InvalidScenario("empty rationale", key="scenarios.error.empty_rationale")
    if not scenario.result.has_solution:
        raise InvalidScenario(
            "no solution to recommend", key="scenarios.error.no_solution", status=scenario.result.status
        )
    previous = recommended_scenario(con, scenario.snapshot_id)

    def work() -> None:
        con.execute(
            "UPDATE scenarios SET is_recommended = false, updated_at = current_timestamp"
            " WHERE snapshot_id = ? AND is_recommended AND scenario_id <> ?",
            [scenario.snapshot_id, scenario_id],
        )
        con.execute(
            "UPDATE scenarios SET is_recommended = true, rationale = ?, updated_at = current_timestamp"
            " WHERE scenario_id = ?",
            [text, scenario_id],
        )
        decision_log.append(
            con,
            "recommend",
            actor=actor,
            snapshot_id=scenario.snapshot_id,
            summary=f"scenario {scenario_id}: {scenario.name}",
            details={
                "scenario_id": scenario_id,
                "name": scenario.name,
                "rationale": text,
                "previous_scenario_id": previous.scenario_id if previous else None,
                "objective": scenario.result.objective,
                "total_cost": scenario.result.total_cost,
            },
        )

    _in_transaction(con, work)


def clear_recommendation(con: duckdb.DuckDBPyConnection, snapshot_id: int, actor: Actor | str | None = None) -> bool:
    """Withdraw the snapshot's recommendation; returns False when there was none."""
    actor = require(actor, "recommend")
    previous = recommended_scenario(con, snapshot_id)
    if previous is None:
        return False

    def work() -> None:
        con.execute(
            "UPDATE scenarios SET is_recommended = false, updated_at = current_timestamp WHERE scenario_id = ?",
            [previous.scenario_id],
        )
        decision_log.append(
            con,
            "recommend",
            actor=actor,
            snapshot_id=snapshot_id,
            summary=f"withdrawn: scenario {previous.scenario_id}",
            details={"scenario_id": None, "previous_scenario_id": previous.scenario_id},
        )

    _in_transaction(con, work)
    return True


def recommended_scenario(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Scenario | None:
    row = con.execute(
        f"SELECT {_COLUMNS} FROM scenarios WHERE snapshot_id = ? AND is_recommended"
        " ORDER BY updated_at DESC, scenario_id DESC LIMIT 1",
        [snapshot_id],
    ).fetchone()
    return None if row is None else _row_to_scenario(row)


def log_solve(
    con: duckdb.DuckDBPyConnection,
    *,
    snapshot_id: int,
    params: SelectionParams,
    result: SelectionResult,
    actor: Actor | str | None = None,
) -> int:
    """Append one "optimize" entry for a solve (whatever its status) and return the log id."""
    actor = require(actor, "optimise")
    objective = result.objective if result.has_solution else None
    details = {
        "params_hash": params.params_hash(),
        "solver": result.solver,
        "status": result.status,
        "gap": result.gap if result.has_solution else None,
        "objective": objective,
        "bound": result.bound,
        "build_seconds": round(float(result.build_seconds), 4),
        "solve_seconds": round(float(result.solve_seconds), 4),
        "selected": len(result.selected) if result.has_solution else 0,
        "total_cost": result.total_cost if result.has_solution else None,
        "objective_kind": params.objective,
        "violated": list(result.violated),
        "params": params.to_dict(),
        "weight_set_id": params.weight_set_id,
        "weight_set_name": weight_set_name(con, params.weight_set_id),
    }
    summary = f"{result.status} {params.objective}={log_number(objective)} gap={log_number(details['gap'])} solver={result.solver}"
    if params.weight_set_id is not None:  # no id: the objectives file's weights, as before weight sets existed
        summary += f" weights={details['weight_set_name'] or '?'} (#{params.weight_set_id})"
    return decision_log.append(con, "optimize", actor=actor, snapshot_id=snapshot_id, summary=summary, details=details)


ANALYSES = ("price_of_forcing", "marginal_values", "frontier")


def log_analysis(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    *,
    snapshot_id: int,
    params: SelectionParams,
    summary: str,
    details: Mapping[str, Any],
    seconds: float,
    actor: Actor | str | None = None,
) -> int:
    """Append one entry for the re-solves behind a follow-up analysis of a run (`ANALYSES`).

    Keyed by the run's params_hash, so the log ties each analysis to the solve it questions.
    """
    actor = require(actor, "optimise")
    if kind not in ANALYSES:
        raise ValueError(f"unknown analysis {kind!r}")
    entry = {"params_hash": params.params_hash(), "solver": params.solver, "seconds": round(float(seconds), 4), **details}
    return decision_log.append(con, kind, actor=actor, snapshot_id=snapshot_id, summary=summary, details=entry)


def log_number(value: float | None) -> str:
    """A number as the decision log's one-line summaries write it ('-' when undefined)."""
    return "-" if value is None else f"{value:.6g}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
