"""The append-only decision log: every import, weight change, solve, scenario save and recommendation.

Every entry is signed by the caller's identity (`store.users.Actor`: the identity provider's email and
display name, or the local user), never a typed name. The store offers `append` and reads only: no
update or delete. Each entry also carries `prev_hash` (the previous entry's hash) and `entry_hash`
(SHA-256 over its fields and `prev_hash`), so `verify` finds an entry changed or removed behind the
store's back with SQL; a unique index on `prev_hash` refuses a second entry after the same one.
Removing only the newest entries leaves a valid chain: the chain proves the order and content of
what is there, and the sequence of ids shows gaps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from typing import Any

import duckdb
import pandas as pd

from store.backend import LOG_LOCK
from store.db import next_id, serialised
from store.errors import LogTampered
from store.users import Actor, as_actor

GENESIS = "lodestar-decision-log-v1"  # prev_hash of the first signed entry
_append_lock = threading.Lock()  # one process appends one entry at a time (the chain has one head)


def entry_hash(
    prev_hash: str, log_id: int, logged_at: dt.datetime, actor_email: str | None, actor_name: str | None,
    action: str, snapshot_id: int | None, summary: str | None, details: str | None,
) -> str:
    """SHA-256 (hex) over one entry's fields, in a fixed canonical form."""
    fields = [prev_hash, int(log_id), logged_at.isoformat(), actor_email, actor_name, action,
              None if snapshot_id is None else int(snapshot_id), summary, details]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def _head(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT entry_hash FROM decision_log WHERE entry_hash IS NOT NULL ORDER BY log_id DESC LIMIT 1"
    ).fetchone()
    return GENESIS if row is None else row[0]


def append(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    actor: Actor | str | None = None,
    snapshot_id: int | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one entry signed by `actor` (see store.users.as_actor) and return its id.

    There is no update or delete: the log is append-only. Callers have already checked the actor's
    role for the action that is being logged.
    """
    actor = as_actor(actor)
    details_text = json.dumps(details or {}, ensure_ascii=False, default=str)
    with _append_lock, serialised(con, LOG_LOCK):  # threads here, processes on a shared server database
        log_id = next_id(con, "log_id_seq")
        logged_at = con.execute("SELECT current_timestamp::TIMESTAMP").fetchone()[0]
        prev = _head(con)
        digest = entry_hash(prev, log_id, logged_at, actor.email, actor.name, action, snapshot_id, summary,
                            details_text)
        con.execute(
            "INSERT INTO decision_log (log_id, logged_at, actor, actor_email, actor_name, action, snapshot_id,"
            " summary, details, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [log_id, logged_at, actor.label, actor.email, actor.name, action, snapshot_id, summary, details_text,
             prev, digest],
        )
    return int(log_id)


def verify(con: duckdb.DuckDBPyConnection) -> int:
    """Check the hash chain; returns how many signed entries it covers, or raises LogTampered.

    Entries written before the chain existed (no hash, all before the first signed one) are skipped.
    """
    rows = con.execute(
        "SELECT log_id, logged_at, actor_email, actor_name, action, snapshot_id, summary,"
        " CAST(details AS VARCHAR), prev_hash, entry_hash FROM decision_log ORDER BY log_id"
    ).fetchall()
    expected_prev, checked = None, 0
    for log_id, logged_at, email, name, action, snapshot_id, summary, details, prev, digest in rows:
        if expected_prev is None and digest is None and prev is None:
            continue  # older than the chain
        if expected_prev is None:
            expected_prev = GENESIS
        recomputed = entry_hash(expected_prev, log_id, logged_at, email, name, action, snapshot_id, summary, details)
        if prev != expected_prev or digest != recomputed:
            raise LogTampered(f"decision log entry {log_id} was changed, or one before it removed", log_id=log_id)
        expected_prev, checked = digest, checked + 1
    return checked


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
        "SELECT log_id, logged_at, actor, actor_email, actor_name, action, snapshot_id, summary, CAST(details AS VARCHAR) AS details"
        f" FROM decision_log WHERE {' AND '.join(where)} ORDER BY log_id DESC LIMIT ?",
        args,
    ).df()
