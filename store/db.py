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

from store import backend
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


# What the PostgreSQL server reports through the extension (DuckDB wraps it as a generic error).
_SERVER_TRANSLATIONS: tuple[tuple[re.Pattern[str], type[StoreError]], ...] = (
    (re.compile(r"violates (unique|not-null|check|foreign key) constraint", re.IGNORECASE), ConstraintViolation),
    (re.compile(r"could not serialize access|deadlock detected", re.IGNORECASE), WriteConflict),
    (re.compile(r"invalid input syntax|out of range", re.IGNORECASE), ConversionFailed),
)


def translate_error(error: duckdb.Error, path: str | None = None) -> StoreError:
    """The store error for a DuckDB error; a lock held by another process is `DatabaseLockedError`.
    A PostgreSQL URI's password never reaches the error's text (`backend.redact`)."""
    text = backend.redact(str(error))
    server = next((kind for pattern, kind in _SERVER_TRANSLATIONS if pattern.search(text)), None)
    if server is not None:
        return server(text)
    if isinstance(error, duckdb.IOException) and "lock" in text.lower() and "postgres" not in text.lower():
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
            if backend.is_postgres(path):  # the engine's own text may hold the URI: log the redacted one only
                _log.error("unexpected database error in %s: %s", _shown(path), error)
            else:
                _log.error("unexpected database error in %s", path, exc_info=e)
        raise error from e


class Connection:
    """A DuckDB connection or cursor whose every method raises store errors instead of DuckDB's.

    It forwards to DuckDB's object (`execute`, `fetchall`, `df`, `register`, ...); calls that return
    that object (`execute` does) return this wrapper, so `con.execute(sql, params).df()` is covered
    end to end. `cursor()` gives another wrapper.
    """

    __slots__ = ("_raw", "path", "backend", "catalog", "in_transaction", "_owns_catalog")

    def __init__(
        self, raw: duckdb.DuckDBPyConnection, path: str | None = None, backend_name: str = "duckdb",
        catalog: str | None = None, owns_catalog: bool = False,
    ) -> None:
        self._raw = raw
        self.path = path
        self.backend = backend_name  # "duckdb" or "postgres"
        self.catalog = catalog  # PostgreSQL: the alias the server database is ATTACHed under
        self.in_transaction = False  # set by `transaction`
        self._owns_catalog = owns_catalog  # closing this one detaches the server database

    def cursor(self) -> Connection:
        with translated(self.path):
            raw = self._raw.cursor()
            if self.backend == "postgres":  # the default catalog is per cursor in DuckDB
                raw.execute(f"USE {self.catalog}")
            return Connection(raw, self.path, self.backend, self.catalog)

    def close(self) -> None:
        with translated(self.path):
            if self._owns_catalog:
                backend.close_duckdb(self._raw, self.catalog)
            else:
                self._raw.close()

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
        self.close()

_lock = threading.Lock()
_connections: dict[str, Connection] = {}
_migrated: set[str] = set()  # server databases this process has brought up to date (versions only grow)


def db_path(path: str | os.PathLike[str] | None = None) -> Path | str:
    """The database: the argument, else $LODESTAR_DB, else data/lodestar.duckdb. A DuckDB file is a
    Path; a PostgreSQL URI (`postgresql://...`, `postgres://...`) stays the str it is."""
    if path is None:
        path = os.environ.get("LODESTAR_DB") or DEFAULT_DB_PATH
    return path if backend.is_postgres(path) else Path(path)


def db_target(text: str) -> Path | str:
    """argparse `type` of every `--db`: a DuckDB file path or a PostgreSQL URI (kept as text)."""
    return db_path(text)


def is_postgres(target: object) -> bool:
    """True for a PostgreSQL URI, or a Connection to a PostgreSQL database."""
    return getattr(target, "backend", None) == "postgres" or backend.is_postgres(target)


def shown(target: str | os.PathLike[str] | None = None) -> str:
    """The database as it may be shown or logged: a file path, or a PostgreSQL URI without password."""
    target = db_path(target)
    return backend.describe(target) if isinstance(target, str) else str(target)


def _shown(path: str | None) -> str:
    return "?" if path is None else shown(path)


def next_id(con: Connection | duckdb.DuckDBPyConnection, sequence: str) -> int:
    """The next value of `sequence` (ids are taken first, then written: PostgreSQL through DuckDB has
    no INSERT ... RETURNING)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", sequence):
        raise ValueError(f"bad sequence name {sequence!r}")
    if is_postgres(con):
        with translated(con.path):
            return backend.next_id(con._raw, con.catalog, sequence)
    return int(con.execute(f"SELECT nextval('{sequence}')").fetchone()[0])


@contextlib.contextmanager
def serialised(con: Connection | duckdb.DuckDBPyConnection, key: int) -> Iterator[None]:
    """The block runs inside a transaction holding PostgreSQL's advisory lock `key`, so processes
    sharing the server database take turns (on DuckDB one process owns the file: nothing to do).
    Outside a transaction, the block gets one of its own."""
    if not is_postgres(con):
        yield
        return
    if con.in_transaction:
        with translated(con.path):
            backend.lock_transaction(con._raw, con.catalog, key)
        yield
        return
    with transaction(con):
        with translated(con.path):
            backend.lock_transaction(con._raw, con.catalog, key)
        yield


@contextlib.contextmanager
def transaction(con: Connection | duckdb.DuckDBPyConnection) -> Iterator[Connection | duckdb.DuckDBPyConnection]:
    """Everything in the block commits together, or (on any exception) nothing does."""
    con.execute("BEGIN TRANSACTION")
    tracked = isinstance(con, Connection)
    if tracked:
        con.in_transaction = True
    try:
        yield con
    except BaseException:
        if tracked:
            con.in_transaction = False
        con.execute("ROLLBACK")
        raise
    if tracked:
        con.in_transaction = False
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
    con.execute(backend.SCHEMA_VERSION_DDL)
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
    if isinstance(target, str):
        return _connect_postgres(target, clean=clean)
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


def _connect_postgres(uri: str, *, clean: bool) -> Connection:
    """A migrated connection to the server database (see store.backend); nothing of the URI but
    `backend.describe` reaches an error or the log."""
    import psycopg

    try:
        if uri not in _migrated:
            backend.migrate_postgres(uri, migrations())
            _migrated.add(uri)
    except psycopg.Error as e:
        if isinstance(e, psycopg.OperationalError):
            raise DatabaseOpenError(backend.redact(str(e)), path=backend.describe(uri)) from None
        raise MigrationError(backend.redact(f"migration failed: {e}"), file=backend.describe(uri)) from None
    except ValueError as e:  # a migration no rule translates (store.backend.postgres_sql)
        raise MigrationError(str(e), file=backend.describe(uri)) from e
    try:
        raw, alias = backend.open_duckdb(uri)
    except duckdb.Error as e:
        raise DatabaseOpenError(backend.redact(str(e)), path=backend.describe(uri)) from None
    con = Connection(raw, uri, "postgres", alias, owns_catalog=True)
    if clean:
        _clean(con, backend.describe(uri))
    return con


def _open_error(error: duckdb.IOException, target: Path) -> DatabaseLockedError | DatabaseOpenError:
    """DuckDB's "Could not set lock on file" (another process holds it) or another I/O failure."""
    text = str(error)
    if "lock" in text.lower():
        return DatabaseLockedError(text, path=str(target))
    return DatabaseOpenError(text, path=str(target))


def _clean(con: duckdb.DuckDBPyConnection, target: Path | str) -> None:
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


def _key(path: str | os.PathLike[str] | None) -> str:
    target = db_path(path)
    if isinstance(target, str) or str(target) == ":memory:":
        return str(target)
    return str(target.resolve())


def shared_connection(path: str | os.PathLike[str] | None = None) -> Connection:
    """The process-wide connection for this path; callers take `.cursor()` of it per unit of work."""
    key = _key(path)
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = connect(key)
            _connections[key] = con
        return con


def close_shared(path: str | os.PathLike[str] | None = None) -> None:
    """Close and forget the shared connection (tests, and before deleting a file)."""
    key = _key(path)
    with _lock:
        con = _connections.pop(key, None)
    if con is not None:
        con.close()


def cursor(path: str | os.PathLike[str] | None = None) -> Connection:
    """A fresh cursor on the shared connection: the unit of work for one run or command."""
    return shared_connection(path).cursor()
