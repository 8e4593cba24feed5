"""Opening the DuckDB file and migrating it.

One connection per process and database path, created lazily under a lock; every caller (a
Streamlit run, a CLI command, a thread) works on its own `cursor()` of it, as DuckDB advises for
threads. Connections and cursors handed out here are `Connection` wrappers: whatever DuckDB raises
on them arrives as a translatable `store.errors.StoreError` (locked, constraint, I/O, conversion,
catalog, conflict), with DuckDB's exception as its cause. Migrations are the numbered
`migrations/NNN_name.sql` files, applied in order inside a transaction each and recorded in `schema_version`, so a database made by an older release opens in
a newer one.

Opening also cleans up what an interrupted import left behind (rows of pending snapshots, rows whose
snapshot has no record; see `store.snapshots.remove_debris`) and logs what it removed. That is safe
for the embedded DuckDB file: one process owns it, and no import of this process runs while it is
being opened. `cli.py doctor` opens with `clean=False` so it can report the damage first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

from store.errors import (
    ConstraintViolation,
    ConversionFailed,
    DatabaseFailed,
    DatabaseLockedError,
    DatabaseOpenError,
    MigrationError,
    SchemaMismatch,
    StorageIOError,
    StoreError,
    WriteConflict,
)

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "lodestar.duckdb"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_LOCKED_FILE = re.compile(r'lock on file "([^"]+)"')
_log = logging.getLogger("lodestar.store")

# DuckDB's exception classes and the store error each becomes; the first match wins.
_TRANSLATIONS: tuple[tuple[type[duckdb.Error], type[StoreError]], ...] = (
    (duckdb.ConstraintException, ConstraintViolation),
    (duckdb.IOException, StorageIOError),
    (duckdb.PermissionException, StorageIOError),
    (duckdb.ConversionException, ConversionFailed),
    (duckdb.DataError, ConversionFailed),
    (duckdb.CatalogException, SchemaMismatch),
    (duckdb.TransactionException, WriteConflict),
)


def translate_error(error: duckdb.Error, path: str | None = None) -> StoreError:
    """The store error for a DuckDB error; a lock held by another process is `DatabaseLockedError`."""
    text = str(error)
    if isinstance(error, duckdb.IOException) and "lock" in text.lower():
        named = _LOCKED_FILE.search(text)  # an ATTACHed file may be the locked one, not ours
        return DatabaseLockedError(text, path=named.group(1) if named else path or "")
    kind = next((store_kind for duck_kind, store_kind in _TRANSLATIONS if isinstance(error, duck_kind)), DatabaseFailed)
    return kind(text)


@contextlib.contextmanager
def translated(path: str | None = None) -> Iterator[None]:
    """Inside the block, a DuckDB error is raised as the store's translatable error (`from` it)."""
    try:
        yield
    except duckdb.Error as e:
        error = translate_error(e, path)
        if isinstance(error, DatabaseFailed):  # no kind a reader can act on: its text says "see the log"
            _log.error("unexpected database error in %s", path, exc_info=e)
        raise error from e


class Connection:
    """A DuckDB connection or cursor whose every method raises store errors instead of DuckDB's.

    It forwards to DuckDB's object (`execute`, `fetchall`, `df`, `register`, ...); calls that return
    that object (`execute` does) return this wrapper, so `con.execute(sql, params).df()` is covered
    end to end. `cursor()` gives another wrapper.
    """

    __slots__ = ("_raw", "path")

    def __init__(self, raw: duckdb.DuckDBPyConnection, path: str | None = None) -> None:
        self._raw = raw
        self.path = path

    def cursor(self) -> Connection:
        with translated(self.path):
            return Connection(self._raw.cursor(), self.path)

    def __getattr__(self, name: str):
        value = getattr(self._raw, name)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            with translated(self.path):
                result = value(*args, **kwargs)
            return self if result is self._raw else result

        return call

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()

_lock = threading.Lock()
_connections: dict[str, Connection] = {}


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database path: the argument, else $LODESTAR_DB, else data/lodestar.duckdb."""
    if path is not None:
        return Path(path)
    env = os.environ.get("LODESTAR_DB")
    return Path(env) if env else DEFAULT_DB_PATH


@contextlib.contextmanager
def transaction(con: Connection | duckdb.DuckDBPyConnection) -> Iterator[Connection | duckdb.DuckDBPyConnection]:
    """Everything in the block commits together, or (on any exception) nothing does."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migrations() -> list[tuple[int, str, Path]]:
    """(version, name, file) of every migration shipped, in order."""
    found = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if match is None:
            raise MigrationError(f"badly named migration {file.name}", file=file.name)
        found.append((int(match.group(1)), file.stem, file))
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise MigrationError("two migrations share a number", file=str(MIGRATIONS_DIR))
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = []
    for version, name, file in migrations():
        if version in done:
            continue
        try:
            with transaction(con):
                con.execute(file.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
        except (duckdb.Error, StoreError) as e:  # a raw connection, or a wrapped one
            raise MigrationError(f"migration {name} failed: {e}", file=name) from e
        applied.append(version)
    return applied


def connect(path: str | os.PathLike[str] | None = None, *, clean: bool = True) -> Connection:
    """A new migrated connection to the file (created if missing). Prefer `shared_connection`.

    With `clean` (the default) what an interrupted import left behind is removed and logged; pass
    False to inspect a damaged database as it is (`cli.py doctor`). Raises DatabaseLockedError when
    another process holds the file, DatabaseOpenError when it cannot be opened for another reason.
    """
    target = db_path(path)
    try:
        if str(target) != ":memory:":
            target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(target))
    except OSError as e:  # the folder cannot be made (a file is in the way, no permission)
        raise DatabaseOpenError(str(e), path=str(target)) from e
    except duckdb.IOException as e:
        raise _open_error(e, target) from e
    migrate(con)
    if clean:
        _clean(con, target)
    return Connection(con, str(target))


def _open_error(error: duckdb.IOException, target: Path) -> DatabaseLockedError | DatabaseOpenError:
    """DuckDB's "Could not set lock on file" (another process holds it) or another I/O failure."""
    text = str(error)
    if "lock" in text.lower():
        return DatabaseLockedError(text, path=str(target))
    return DatabaseOpenError(text, path=str(target))


def _clean(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Remove the debris of interrupted imports; a failure here is logged, never fatal (readers
    see complete snapshots only either way)."""
    from store.snapshots import remove_debris  # store.snapshots imports this module

    try:
        removed = remove_debris(con)
    except (duckdb.Error, StoreError):
        _log.exception("cleanup of interrupted imports failed in %s", target)
        return
    if not removed.clean:
        _log.warning(
            "removed what interrupted imports left in %s: pending snapshots %s, rows of pending snapshots %s,"
            " orphan rows %s", target, [p.snapshot_id for p in removed.pending], removed.pending_rows,
            removed.orphan_rows,
        )


def shared_connection(path: str | os.PathLike[str] | None = None) -> Connection:
    """The process-wide connection for this path; callers take `.cursor()` of it per unit of work."""
    key = str(db_path(path).resolve()) if str(db_path(path)) != ":memory:" else ":memory:"
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = connect(key)
            _connections[key] = con
        return con


def close_shared(path: str | os.PathLike[str] | None = None) -> None:
    """Close and forget the shared connection (tests, and before deleting a file)."""
    key = str(db_path(path).resolve()) if str(db_path(path)) != ":memory:" else ":memory:"
    with _lock:
        con = _connections.pop(key, None)
    if con is not None:
        con.close()


def cursor(path: str | os.PathLike[str] | None = None) -> Connection:
    """A fresh cursor on the shared connection: the unit of work for one run or command."""
    return shared_connection(path).cursor()
