"""Change requests (变更申请): the imported register, those raised in the app, and decisions on them.

Two tables (migration 081):
- `change_requests`: the optional contract file, as imported with a snapshot (immutable like all
  snapshot data);
- `change_requests_app`: change requests raised in the app (`origin` = 'app', cr_id `APP-0001`, ...)
  and the app's decisions on imported ones (`origin` = 'import': the imported row copied with the
  decision), each kept with the snapshot it was raised or decided on.

The change requests *of a snapshot* S (`list_requests`) are: S's imported rows; any app row of S
replaces the imported row with the same cr_id; app rows of earlier snapshots (by as-of date) are
carried forward, the latest per cr_id, until an import names the same cr_id (the source register has
then taken it over). App rows go when their snapshot is deleted, like weight sets and scenarios.
Every raise and decision is signed in the decision log.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.changes import ChangeRequest
from analytics.vocabulary import DECIDED_CHANGE_STATUSES
from store import decision_log
from store.db import next_id, transaction
from store.errors import StoreError
from store.snapshots import get_snapshot, read_table
from store.users import Actor, require

COLUMNS: tuple[str, ...] = (
    "cr_id", "project_id", "raised_on", "title", "budget_delta", "schedule_delta_months", "scope_change", "status",
    "decided_on", "decided_by", "decision_reason", "raised_by", "origin", "app_id", "snapshot_id",
)
_APP_COLUMNS = ", ".join(c for c in COLUMNS if c != "snapshot_id")


def _app_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """App rows of this snapshot and of earlier ones (latest per cr_id, this snapshot's first)."""
    return con.execute(
        f"""
        SELECT {_APP_COLUMNS}, a.snapshot_id FROM change_requests_app a
        JOIN snapshots s ON s.snapshot_id = a.snapshot_id
        WHERE a.snapshot_id = ? OR s.as_of <= (SELECT as_of FROM snapshots WHERE snapshot_id = ?)
        QUALIFY row_number() OVER (PARTITION BY cr_id ORDER BY a.snapshot_id = ? DESC, s.as_of DESC,
                                   a.snapshot_id DESC, a.app_id DESC) = 1
        """,
        [snapshot_id, snapshot_id, snapshot_id],
    ).df()


def list_requests(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """The change requests of a snapshot (see module doc), by raised date then cr_id."""
    get_snapshot(con, snapshot_id)
    imported = read_table(con, "change_requests", snapshot_id).assign(
        decision_reason=None, raised_by=None, origin="import", app_id=None, snapshot_id=snapshot_id)
    app = _app_rows(con, snapshot_id)
    imported_ids = set(imported["cr_id"])
    keep_app = app[(app["snapshot_id"] == snapshot_id) | ~app["cr_id"].isin(imported_ids)]
    keep_imported = imported[~imported["cr_id"].isin(set(app.loc[app["snapshot_id"] == snapshot_id, "cr_id"]))]
    parts = [p[list(COLUMNS)] for p in (keep_imported, keep_app) if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    for column in ("raised_on", "decided_on"):
        frame[column] = [None if v is None or pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
    return frame.sort_values(["raised_on", "cr_id"], ignore_index=True)


def raise_request(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, request: ChangeRequest, *, actor: Actor | str | None = None,
    raised_on: dt.date | None = None,
) -> str:
    """Record a change request raised in the app (status submitted) and return its cr_id."""
    actor = require(actor, "change_raise")
    get_snapshot(con, snapshot_id)
    known = con.execute("SELECT count(*) FROM projects WHERE snapshot_id = ? AND project_id = ?",
                        [snapshot_id, request.project_id]).fetchone()[0]
    if not known:
        raise StoreError(f"unknown project {request.project_id}", key="changes.error.project",
                         project_id=request.project_id)
    with transaction(con):
        app_id = next_id(con, "change_request_app_id_seq")
        cr_id = f"APP-{app_id:04d}"
        con.execute(
            "INSERT INTO change_requests_app (app_id, snapshot_id, cr_id, origin, project_id, raised_on, title,"
            " budget_delta, schedule_delta_months, scope_change, status, raised_by)"
            " VALUES (?, ?, ?, 'app', ?, ?, ?, ?, ?, ?, 'submitted', ?)",
            [app_id, snapshot_id, cr_id, request.project_id, raised_on or dt.date.today(), request.title.strip(),
             float(request.budget_delta), int(request.schedule_delta_months), request.scope_change.strip() or None,
             actor.email],
        )
        decision_log.append(con, "change_raise", actor=actor, snapshot_id=snapshot_id, summary=f"{cr_id} {request.title}",
                            details={"cr_id": cr_id, "project_id": request.project_id,
                                     "budget_delta": float(request.budget_delta),
                                     "schedule_delta_months": int(request.schedule_delta_months),
                                     "scope_change": request.scope_change})
    return cr_id


def decide(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, cr_id: str, decision: str, reason: str, *,
    actor: Actor | str | None = None, decided_on: dt.date | None = None,
) -> None:
    """Approve or reject a submitted change request of the snapshot, with a reason, in the decision log."""
    actor = require(actor, "change_decide")
    if decision not in DECIDED_CHANGE_STATUSES:
        raise StoreError(f"not a decision: {decision}", key="changes.error.decision", decision=decision)
    if not reason.strip():
        raise StoreError("a decision needs a reason", key="changes.error.reason")
    requests = list_requests(con, snapshot_id)
    found = requests[requests["cr_id"] == cr_id]
    if found.empty:
        raise StoreError(f"no change request {cr_id}", key="changes.error.unknown", cr_id=cr_id)
    row = found.iloc[0]
    if row["status"] != "submitted":
        raise StoreError(f"{cr_id} is {row['status']}", key="changes.error.not_open", cr_id=cr_id)
    day = decided_on or dt.date.today()
    with transaction(con):
        if row["origin"] == "app":
            con.execute(
                "UPDATE change_requests_app SET status = ?, decided_on = ?, decided_by = ?, decision_reason = ?,"
                " updated_at = current_timestamp WHERE app_id = ?",
                [decision, day, actor.email, reason.strip(), int(row["app_id"])],
            )
        else:  # an imported request: the decision is kept as an app row of this snapshot
            con.execute(
                "INSERT INTO change_requests_app (snapshot_id, cr_id, origin, project_id, raised_on, title, budget_delta,"
                " schedule_delta_months, scope_change, status, decided_on, decided_by, decision_reason)"
                " VALUES (?, ?, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [snapshot_id, cr_id, row["project_id"], row["raised_on"], row["title"],
                 None if pd.isna(row["budget_delta"]) else float(row["budget_delta"]),
                 None if pd.isna(row["schedule_delta_months"]) else int(row["schedule_delta_months"]),
                 row["scope_change"], decision, day, actor.email, reason.strip()],
            )
        decision_log.append(con, "change_decide", actor=actor, snapshot_id=snapshot_id,
                            summary=f"{cr_id} {decision}: {reason.strip()}",
                            details={"cr_id": cr_id, "project_id": row["project_id"], "decision": decision,
                                     "reason": reason.strip()})


def project_demand_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int, project_id: str) -> pd.DataFrame:
    """One project's demand rows (as `read_table("demand")` has them): a change's impact needs no others."""
    return con.execute(
        "SELECT * EXCLUDE (snapshot_id) FROM demand WHERE snapshot_id = ? AND project_id = ?"
        " AND snapshot_id IN (SELECT snapshot_id FROM snapshots)",  # complete snapshots only
        [snapshot_id, project_id],
    ).df()
