"""Snapshots: immutable, labelled, dated sets of tables imported together.

A snapshot becomes visible only through a small final write. `create_snapshot` commits the
snapshot's record as *pending* (table `snapshots_all`), writes the data rows, and then flips the
record to *complete* in a tiny last transaction. Every reader goes through the view `snapshots`
(migration 040), which shows complete snapshots only, so at any moment of an import, and after a
crash at any moment of it, a reader sees the whole snapshot or nothing of it. We do not rely on the
engine's transaction alone: DuckDB can flush a large uncommitted append to the file and bring it back
on WAL replay after a kill (duckdb PR #25931). What a crash leaves behind (rows of a pending
snapshot, rows whose snapshot has no record at all) is found by `find_debris` and removed by
`remove_debris`, which `store.db.connect` runs on open and `cli.py doctor` runs on demand.
Identical files (same SHA-256 set) are refused as a duplicate naming the snapshot that holds them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from store import decision_log
from store.backend import ImportLock, running_imports
from store.db import is_postgres, next_id, transaction
from store.errors import DuplicateSnapshot, SnapshotNotFound, StoreError
from store.users import Actor, require

# The data tables of the import contract, in the order they are deleted (written smallest first).
DATA_TABLES: tuple[str, ...] = (
    "projects",
    "objectives",
    "project_scores",
    "capacity",
    "demand",
    "status_reports",
    "maturity",
    "process_kpis",
    "spend_profile",  # optional (migration 030)
    "cash_flows",  # optional (migration 070)
    "lessons",  # optional (migration 072)
    "targets",  # optional (migration 080): the PMO's annual SMART targets
    "change_requests",  # optional (migration 081): change requests as imported
)
# Tables of the app that belong to a snapshot and go with it when it is deleted.
OWNED_TABLES: tuple[str, ...] = (
    "weight_sets", "scenarios", "captured_lessons", "change_requests_app", "gate_decisions",
    "weight_set_participants",
)
# Every table whose rows belong to one snapshot (the decision log is not one: it keeps its history).
SNAPSHOT_TABLES: tuple[str, ...] = (*DATA_TABLES, *OWNED_TABLES, "snapshot_files")
# The records of every snapshot, pending ones included; readers use the view `snapshots` (complete only).
RECORDS = "snapshots_all"
# Snapshot ids this process is writing now (pending on purpose): the cleanup leaves them alone.
_writing: set[int] = set()
_writing_lock = threading.Lock()
PENDING = "pending"
COMPLETE = "complete"


@dataclass(frozen=True)
class SourceFile:
    """One file of an import: its name, recognised kind, SHA-256 of its bytes, rows and encoding."""

    file_name: str
    kind: str
    sha256: str
    row_count: int
    encoding: str | None = None


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    label: str
    as_of: dt.date
    imported_at: dt.datetime
    imported_by: str | None
    currency_unit: str


def content_hash(files: list[SourceFile]) -> str:
    """Order-independent hash of a set of files, for duplicate detection (each workbook once, however
    many of its sheets were recorded)."""
    digest = hashlib.sha256()
    for sha in sorted({f.sha256 for f in files}):
        digest.update(sha.encode("ascii"))
    return digest.hexdigest()


def find_by_content(con: duckdb.DuckDBPyConnection, files: list[SourceFile]) -> int | None:
    """The complete snapshot holding exactly these files (by SHA-256), or None."""
    row = con.execute(
        "SELECT snapshot_id FROM snapshots WHERE content_hash = ? ORDER BY snapshot_id LIMIT 1",
        [content_hash(files)],
    ).fetchone()
    return None if row is None else int(row[0])


def snapshot_files(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[SourceFile]:
    """The files a snapshot was imported from, as recorded then (name, kind, SHA-256, rows), by name."""
    rows = con.execute(
        "SELECT file_name, kind, sha256, row_count, encoding FROM snapshot_files WHERE snapshot_id = ?"
        " ORDER BY file_name",
        [snapshot_id],
    ).fetchall()
    return [SourceFile(name, kind, sha, int(count), encoding) for name, kind, sha, count, encoding in rows]


def create_snapshot(
    con: duckdb.DuckDBPyConnection,
    *,
    label: str,
    as_of: dt.date,
    frames: Mapping[str, pd.DataFrame],
    files: list[SourceFile],
    currency_unit: str = "万元",
    actor: Actor | str | None = None,
    log_details: Mapping[str, object] | None = None,
    release: bool = False,
) -> int:
    """Write one snapshot and return its id; it becomes visible only once every row is written.

    `frames` maps a data table name to a DataFrame whose columns are canonical column names (a
    subset of the table's; missing nullable columns become NULL). Raises DuplicateSnapshot when the
    same files were imported before, and re-raises any database error after removing what it wrote.
    Three commits: the pending record and its file list; the data rows; the flip to complete with
    the decision-log entry. A crash before the last leaves a pending record, never a visible one.
    `log_details` are added to that entry's details (a partial import's rows left out per kind).
    With `release`, `frames` (then a dict) is emptied as it is written, each frame removed once
    inserted, so a large import does not hold every table and DuckDB's buffers for the largest at once.
    """
    actor = require(actor, "import")
    unknown = set(frames) - set(DATA_TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}")
    existing = find_by_content(con, files) if files else None
    if existing is not None:
        raise DuplicateSnapshot(f"already imported as snapshot {existing}", snapshot_id=existing)
    snapshot_id = next_id(con, "snapshot_id_seq")
    # On a shared server database, other processes' cleanup must know this pending record is being
    # written: the import holds a lock named after it from before the record exists until it is done.
    server_lock = ImportLock(con.path, snapshot_id) if is_postgres(con) else None
    with _writing_lock:
        _writing.add(snapshot_id)
    try:
        with transaction(con):
            con.execute(
                f"INSERT INTO {RECORDS} (snapshot_id, label, as_of, imported_by, currency_unit, content_hash, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [snapshot_id, label, as_of, actor.email, currency_unit, content_hash(files), PENDING],
            )
            for f in files:
                con.execute(
                    "INSERT INTO snapshot_files VALUES (?, ?, ?, ?, ?, ?)",
                    [snapshot_id, f.file_name, f.kind, f.sha256, f.row_count, f.encoding],
                )
        rows = {t: len(v) for t, v in frames.items()}
        _write_rows(con, snapshot_id, frames, release)
        _complete(con, snapshot_id, label=label, files=files, rows=rows, actor=actor, log_details=log_details)
    finally:
        with _writing_lock:
            _writing.discard(snapshot_id)
        if server_lock is not None:
            server_lock.release()
    return snapshot_id


def _writing_now() -> set[int]:
    with _writing_lock:
        return set(_writing)


def _write_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int, frames: Mapping[str, pd.DataFrame],
                release: bool = False) -> None:
    # Smallest first: with `release` the largest is inserted when every other one has been let go.
    order = sorted((t for t in DATA_TABLES if t in frames), key=lambda t: len(frames[t]))
    try:
        with transaction(con):
            for table in order:
                frame = frames.pop(table) if release else frames[table]  # type: ignore[attr-defined]
                if frame is not None and not frame.empty:
                    _insert_frame(con, table, snapshot_id, frame)
                del frame
    except BaseException:
        _discard_pending(con, snapshot_id)
        raise


def _complete(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, *, label: str, files: list[SourceFile],
    rows: Mapping[str, int], actor: Actor, log_details: Mapping[str, object] | None = None,
) -> None:
    """The small last write that makes the snapshot visible, with its decision-log entry."""
    with transaction(con):
        flipped = con.execute(
            f"UPDATE {RECORDS} SET state = ?, imported_at = current_timestamp WHERE snapshot_id = ? AND state = ?",
            [COMPLETE, snapshot_id, PENDING],
        ).fetchone()[0]  # the number of rows updated
        if not flipped:  # removed meanwhile (another process's cleanup): the rows are orphans now
            raise SnapshotNotFound(f"snapshot {snapshot_id} was removed while it was written", snapshot_id=snapshot_id)
        decision_log.append(
            con, "import", actor=actor, snapshot_id=snapshot_id, summary=label,
            details={"files": [f.file_name for f in files], "rows": dict(rows),
                     **(log_details or {})},
        )


def _discard_pending(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Remove a pending snapshot's rows and record after a failed write (best effort: a crash here
    leaves them for the cleanup on the next open)."""
    try:
        with transaction(con):
            for table in SNAPSHOT_TABLES:
                con.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", [snapshot_id])
            con.execute(f"DELETE FROM {RECORDS} WHERE snapshot_id = ? AND state = ?", [snapshot_id, PENDING])
    except (duckdb.Error, StoreError):  # a raw connection, or one translating errors (store.db)
        pass


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int, frame: pd.DataFrame) -> None:
    view = f"_import_{table}"
    con.register(view, _scannable(frame))
    try:
        # BY NAME: the frame may carry any subset of the table's columns, in any order. The snapshot id
        # is a constant of the query, not a column added to a copy of the frame (73 MB on nine million rows).
        con.execute(f"INSERT INTO {table} BY NAME SELECT CAST(? AS BIGINT) AS snapshot_id, * FROM {view}", [snapshot_id])
    finally:
        con.unregister(view)


def _scannable(frame: pd.DataFrame) -> pd.DataFrame | pa.Table:
    """What DuckDB scans for `frame`: its own Arrow arrays, without a copy, when every column is
    Arrow-backed (the importer's frames: DuckDB reads Arrow with less memory than a pandas scan);
    the frame itself otherwise."""
    if len(frame.columns) and all(isinstance(t, pd.ArrowDtype) for t in frame.dtypes):
        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame


def list_snapshots(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every snapshot, newest as-of first, with its row count per data table and file names."""
    counts = ", ".join(
        f"(SELECT count(*) FROM {t} WHERE {t}.snapshot_id = s.snapshot_id) AS {t}" for t in DATA_TABLES
    )
    return con.execute(
        f"SELECT s.snapshot_id, s.label, s.as_of, s.imported_at, s.imported_by, s.currency_unit, {counts},"
        " (SELECT string_agg(file_name, ', ' ORDER BY file_name) FROM snapshot_files f"
        "   WHERE f.snapshot_id = s.snapshot_id) AS files"
        " FROM snapshots s ORDER BY s.as_of DESC, s.snapshot_id DESC"
    ).df()


def snapshot_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every snapshot's id, label, as-of date and currency unit, newest as-of first: what the sidebar
    shows on every run of every page (no row counts: those scan every data table)."""
    return con.execute(
        "SELECT snapshot_id, label, as_of, currency_unit FROM snapshots ORDER BY as_of DESC, snapshot_id DESC"
    ).df()


def listing_key(con: duckdb.DuckDBPyConnection) -> tuple:
    """What `list_snapshots` changes with, cheaply: every snapshot's id, label, as-of date and unit,
    and the newest decision-log entry (every write that adds, edits or removes a snapshot's rows is
    logged). A cache of the listing keyed on this is never stale."""
    rows = con.execute("SELECT snapshot_id, label, as_of, currency_unit FROM snapshots ORDER BY snapshot_id").fetchall()
    newest = con.execute("SELECT max(log_id) FROM decision_log").fetchone()[0]
    return (tuple(rows), newest)


def get_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Snapshot:
    row = con.execute(
        "SELECT snapshot_id, label, as_of, imported_at, imported_by, currency_unit FROM snapshots"
        " WHERE snapshot_id = ?",
        [snapshot_id],
    ).fetchone()
    if row is None:
        raise SnapshotNotFound(f"no snapshot {snapshot_id}", snapshot_id=snapshot_id)
    return Snapshot(*row)


def latest_snapshot_id(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute("SELECT snapshot_id FROM snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1").fetchone()
    return None if row is None else int(row[0])


def snapshot_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM snapshots").fetchone()[0])


def rename_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int, label: str, actor: Actor | str | None = None) -> None:
    actor = require(actor, "snapshot_rename")
    old = get_snapshot(con, snapshot_id)
    with transaction(con):
        con.execute(f"UPDATE {RECORDS} SET label = ? WHERE snapshot_id = ?", [label, snapshot_id])
        decision_log.append(con, "snapshot_rename", actor=actor, snapshot_id=snapshot_id, summary=label,
                            details={"from": old.label, "to": label})


def delete_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int, actor: Actor | str | None = None) -> None:
    """Delete a snapshot with its rows, weight sets and scenarios, in one transaction."""
    actor = require(actor, "snapshot_delete")
    old = get_snapshot(con, snapshot_id)
    with transaction(con):
        for table in SNAPSHOT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", [snapshot_id])
        con.execute(f"DELETE FROM {RECORDS} WHERE snapshot_id = ?", [snapshot_id])
        decision_log.append(con, "snapshot_delete", actor=actor, snapshot_id=snapshot_id, summary=old.label,
                            details={"label": old.label, "as_of": str(old.as_of)})


def read_table(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int) -> pd.DataFrame:
    """All rows of one data table in a complete snapshot, without the snapshot_id column."""
    if table not in DATA_TABLES:
        raise ValueError(f"unknown table {table}")
    return con.execute(
        f"SELECT * EXCLUDE (snapshot_id) FROM {table} WHERE snapshot_id = ?"
        " AND snapshot_id IN (SELECT snapshot_id FROM snapshots)",  # complete snapshots only
        [snapshot_id],
    ).df()


# --- what a crash leaves behind --------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingSnapshot:
    """A snapshot record never flipped to complete: its import stopped (or is still running)."""

    snapshot_id: int
    label: str
    imported_at: dt.datetime


@dataclass(frozen=True)
class Debris:
    """Rows no reader can see: those of pending snapshots, and orphans whose snapshot has no record.

    `pending_rows` and `orphan_rows` map a table to its row count (tables with none are left out).
    """

    pending: tuple[PendingSnapshot, ...] = ()
    pending_rows: dict[str, int] = field(default_factory=dict)
    orphan_rows: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.pending and not self.pending_rows and not self.orphan_rows

    @property
    def total_rows(self) -> int:
        return sum(self.pending_rows.values()) + sum(self.orphan_rows.values())

    def to_dict(self) -> dict:
        return {
            "clean": self.clean,
            "pending_snapshots": [
                {"snapshot_id": p.snapshot_id, "label": p.label, "imported_at": p.imported_at.isoformat()}
                for p in self.pending
            ],
            "pending_rows": dict(self.pending_rows),
            "orphan_rows": dict(self.orphan_rows),
        }


def _busy(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Pending snapshots being written now: by this process, or (on a shared server database) by a
    live process holding the snapshot's import lock (see store.backend.ImportLock)."""
    busy = _writing_now()
    if is_postgres(con):
        pending = [int(r[0]) for r in con.execute(
            f"SELECT snapshot_id FROM {RECORDS} WHERE state <> ?", [COMPLETE]).fetchall()]
        busy |= running_imports(con.path, pending)
    return busy


def find_debris(con: duckdb.DuckDBPyConnection) -> Debris:
    """Pending snapshots, their rows, and orphan rows per table.

    One GROUP BY over each table's snapshot ids (cheap: 9 million rows in about 0.1 s), classified
    here against the records. Imports this process is writing right now are not debris.
    """
    writing = _busy(con)
    records = dict(con.execute(f"SELECT snapshot_id, state FROM {RECORDS}").fetchall())
    pending = tuple(
        PendingSnapshot(int(i), label, at)
        for i, label, at in con.execute(
            f"SELECT snapshot_id, label, imported_at FROM {RECORDS} WHERE state <> ? ORDER BY snapshot_id",
            [COMPLETE],
        ).fetchall()
        if int(i) not in writing
    )
    pending_rows: dict[str, int] = {}
    orphan_rows: dict[str, int] = {}
    per_table = " UNION ALL ".join(  # one statement: a round trip per table costs on a server database
        f"SELECT '{table}' AS t, snapshot_id, count(*) AS n FROM {table} GROUP BY snapshot_id" for table in SNAPSHOT_TABLES
    )
    order = {table: i for i, table in enumerate(SNAPSHOT_TABLES)}  # report in the tables' order
    for table, snapshot_id, count in sorted(con.execute(per_table).fetchall(), key=lambda r: (order[r[0]], r[1])):
        state = records.get(snapshot_id)
        if state is None:
            orphan_rows[table] = orphan_rows.get(table, 0) + int(count)
        elif state != COMPLETE and snapshot_id not in writing:
            pending_rows[table] = pending_rows.get(table, 0) + int(count)
    return Debris(pending, pending_rows, orphan_rows)


def remove_debris(con: duckdb.DuckDBPyConnection) -> Debris:
    """Delete every row no reader can see (see `find_debris`) in one transaction; returns what it found.

    An import in progress holds a pending record too: those of this process are left alone (see
    `_writing_now`), and with the embedded DuckDB file no other process can be writing (one process
    owns the file). On a PostgreSQL database shared by several processes, an import of another live
    process holds its snapshot's advisory lock and is left alone too; a killed one's lock is gone.
    """
    with transaction(con):
        found = find_debris(con)
        if found.clean:
            return found
        keep = sorted(_busy(con))
        for table in SNAPSHOT_TABLES:
            con.execute(
                f"DELETE FROM {table} WHERE snapshot_id NOT IN"
                f" (SELECT snapshot_id FROM {RECORDS} WHERE state = ?) AND NOT list_contains(?::INTEGER[], snapshot_id)",
                [COMPLETE, keep],
            )
        con.execute(f"DELETE FROM {RECORDS} WHERE state <> ? AND NOT list_contains(?::INTEGER[], snapshot_id)", [COMPLETE, keep])
    return found
