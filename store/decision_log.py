"""The append-only decision log: every import, weight change, solve, scenario save and recommendation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
import pandas as pd


def append(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    actor: str | None = None,
    snapshot_id: int | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one entry and return its id. There is no update or delete: the log is append-only."""
    row = con.execute(
        "INSERT INTO decision_log (actor, action, snapshot_id, summary, details) VALUES (?, ?, ?, ?, ?)"
        " RETURNING log_id",
        [actor, action, snapshot_id, summary, json.dumps(details or {}, ensure_ascii=False, default=str)],
    ).fetchone()
    return int(row[0])


def entries(
    con: duckdb.DuckDBPyConnection,
    *,
    actions: list[str] | None = None,
    snapshot_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    text: str | None = None,
    limit: int = 10_000,
) -> pd.DataFrame:
    """Entries newest first, filtered by action, snapshot, time window and free text."""
    where, args = ["1 = 1"], []
    if actions:
        where.append("list_contains(?, action)")
        args.append(actions)
    if snapshot_id is not None:
        where.append("snapshot_id = ?")
        args.append(snapshot_id)
    if since is not None:
        where.append("logged_at >= ?")
        args.append(since)
    if until is not None:
        where.append("logged_at <= ?")
        args.append(until)
    if text:
        where.append("(summary ILIKE ? OR CAST(details AS VARCHAR) ILIKE ? OR actor ILIKE ?)")
        args.extend([f"%{text}%"] * 3)
    args.append(limit)
    return con.execute(
        "SELECT log_id, logged_at, actor, action, snapshot_id, summary, CAST(details AS VARCHAR) AS details"
        f" FROM decision_log WHERE {' AND '.join(where)} ORDER BY log_id DESC LIMIT ?",
        args,
    ).df()
