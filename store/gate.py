"""Gate decisions (立项评审): the lead's approve / defer / reject on each proposal of a recommended scenario.

The proposals of a scenario are the projects it selects that are not committed work (its new
starts). Decisions are appended to `gate_decisions` (migration 082); the latest per (scenario,
project) counts. Only the snapshot's recommended scenario can be decided on, by a lead, each with a
reason; every recording is one signed decision-log entry (`gate_decide`) naming the decisions and
the approved list (立项批准清单). The next import warns when a proposal approved at the gate of the
latest snapshot is still "proposed" in the new files (`latest_approvals`, checked by
`store.import_checks.check_gate_approvals` among the importer's checks).
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from analytics.vocabulary import GATE_DECISIONS
from store import decision_log
from store.db import transaction
from store.errors import StoreError
from store.scenarios import get_scenario
from store.users import Actor, require

COLUMNS: tuple[str, ...] = ("project_id", "name", "category", "start_month", "cost", "value", "decision", "reason",
                            "decided_by", "decided_at")


def _latest(con: duckdb.DuckDBPyConnection, scenario_id: int) -> pd.DataFrame:
    return con.execute(
        "SELECT project_id, decision, reason, decided_by, decided_at FROM gate_decisions WHERE scenario_id = ?"
        " QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY decision_id DESC) = 1",
        [scenario_id],
    ).df()


def proposals(con: duckdb.DuckDBPyConnection, scenario_id: int) -> pd.DataFrame:
    """The scenario's proposals (new starts) with their latest gate decision (None when undecided)."""
    scenario = get_scenario(con, scenario_id)
    rows = pd.DataFrame(
        [(p.project_id, p.name, p.category, p.start_month, p.cost, p.value) for p in scenario.result.selected
         if not p.committed],
        columns=["project_id", "name", "category", "start_month", "cost", "value"],
    )
    decided = _latest(con, scenario_id)
    merged = rows.merge(decided, on="project_id", how="left").astype(object)
    merged = merged.where(merged.notna(), None)
    return merged[list(COLUMNS)].sort_values(["start_month", "project_id"], ignore_index=True)


def record_decisions(
    con: duckdb.DuckDBPyConnection, scenario_id: int, decisions: Mapping[str, tuple[str, str]], *,
    actor: Actor | str | None = None,
) -> int:
    """Record {project_id: (decision, reason)} on the recommended scenario's proposals; returns how many."""
    actor = require(actor, "gate_decide")
    scenario = get_scenario(con, scenario_id)
    if not scenario.is_recommended:
        raise StoreError("not the recommended scenario", key="gate.error.not_recommended", name=scenario.name)
    known = set(proposals(con, scenario_id)["project_id"])
    for project_id, (decision, reason) in decisions.items():
        if project_id not in known:
            raise StoreError(f"{project_id} is not a proposal of the scenario", key="gate.error.not_proposal",
                             project_id=project_id)
        if decision not in GATE_DECISIONS:
            raise StoreError(f"not a gate decision: {decision}", key="gate.error.decision", decision=decision)
        if not str(reason or "").strip():
            raise StoreError("a decision needs a reason", key="gate.error.reason", project_id=project_id)
    if not decisions:
        return 0
    with transaction(con):
        for project_id, (decision, reason) in sorted(decisions.items()):
            con.execute(
                "INSERT INTO gate_decisions (snapshot_id, scenario_id, project_id, decision, reason, decided_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [scenario.snapshot_id, scenario_id, project_id, decision, str(reason).strip(), actor.email],
            )
        approved = _latest(con, scenario_id)
        approved_ids = sorted(approved.loc[approved["decision"] == "approve", "project_id"])
        decision_log.append(
            con, "gate_decide", actor=actor, snapshot_id=scenario.snapshot_id,
            summary=f"scenario {scenario_id}: {scenario.name}",
            details={"scenario_id": scenario_id, "name": scenario.name,
                     "decisions": [{"project_id": p, "decision": d, "reason": str(r).strip()}
                                   for p, (d, r) in sorted(decisions.items())],
                     "approved": approved_ids},
        )
    return len(decisions)


def approved_list(con: duckdb.DuckDBPyConnection, scenario_id: int) -> pd.DataFrame:
    """The approved proposals (立项批准清单) of a scenario, by start month."""
    rows = proposals(con, scenario_id)
    return rows[rows["decision"] == "approve"].reset_index(drop=True)


def approved_at_gate(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> frozenset[str]:
    """Projects whose latest gate decision in the snapshot's recommended scenario is approve."""
    row = con.execute("SELECT scenario_id FROM scenarios WHERE snapshot_id = ? AND is_recommended"
                      " ORDER BY updated_at DESC, scenario_id DESC LIMIT 1", [snapshot_id]).fetchone()
    if row is None:
        return frozenset()
    latest = _latest(con, int(row[0]))
    return frozenset(latest.loc[latest["decision"] == "approve", "project_id"])


def latest_approvals(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The proposals approved at the gate of the latest snapshot: an import warns for those its files still
    list as "proposed" (`store.import_checks.check_gate_approvals`, called by the importer's checks)."""
    from store.snapshots import latest_snapshot_id

    latest = latest_snapshot_id(con)
    return frozenset() if latest is None else approved_at_gate(con, latest)
