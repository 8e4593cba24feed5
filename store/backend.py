"""PostgreSQL as the shared store: telling a server URI from a file path, opening it, migrating it.

DuckDB stays the query engine on both backends. For PostgreSQL, `open_duckdb` gives an in-memory
DuckDB with the server database ATTACHed through DuckDB's own `postgres` extension (the offline
PyPI wheel `duckdb-extension-postgres`) and made the default catalog, so every query in `store/`
is the same DuckDB SQL on both. Where the extension is weak, `psycopg` talks to the server
directly (docs/server.md says why for each):

- migrations (`migrate_postgres`): many DDL statements in one server transaction each, under a
  session advisory lock so a second process waits instead of migrating twice;
- import locks (`ImportLock`): a session advisory lock per snapshot being written, held on a
  connection of its own, so another process's cleanup can tell a running import from a dead one;
- the server-side bits DuckDB's dialect cannot name (`nextval` of a server sequence, a
  transaction-scoped advisory lock), sent through the extension's `postgres_query`/`postgres_execute`
  so they run inside DuckDB's own transaction on the server.

Migrations are written once, in the DuckDB dialect the files in `store/migrations` have always
used; `postgres_sql` is the one place that translates them (documented rules below). A file in
`store/migrations/postgres/` with the same name replaces the translation where no rule can do it.

The password may be in the URI, in $PGPASSWORD or in ~/.pgpass: libpq (under both psycopg and the
extension) reads the last two itself. A URI is never shown or logged: `redact` removes passwords
from any text that may carry one (errors, logs), `describe` names a database without secrets.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import tempfile
import threading
from pathlib import Path
from types import ModuleType

import duckdb

SCHEMES = ("postgresql://", "postgres://")
CATALOG = "lodestar"  # prefix of the ATTACHed server databases' names inside DuckDB
MIGRATION_LOCK = 0x10DE57A  # advisory lock key (one bigint) held while migrating
IMPORT_LOCK_SPACE = 0x10DE  # first key of the (int, int) advisory lock an import holds: (space, snapshot_id)
LOG_LOCK = 0x10DE5  # transaction advisory lock key of the decision log's chain head
POSTGRES_MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "postgres"

_URI_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s'\"]*):[^@\s'\"]*@", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
_extension_lock = threading.Lock()
_engine_lock = threading.Lock()


def is_postgres(target: object) -> bool:
    """True for a `postgresql://` or `postgres://` URI (a str), False for anything else (a file path)."""
    return isinstance(target, str) and target.lower().startswith(SCHEMES)


def redact(text: str) -> str:
    """`text` with every password of a PostgreSQL URI or `password=` keyword replaced by `***`."""
    return _KEYWORD_PASSWORD.sub(r"\1***", _URI_PASSWORD.sub(r"\1:***@", text))


def describe(uri: str) -> str:
    """A name for the server database safe to show: `postgresql://user@host:port/dbname`, no
    password, no query parameters."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(uri)
    except Exception:  # a malformed URI: show nothing of it but its kind
        return "postgresql://…"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


# --- the DuckDB side --------------------------------------------------------------------------------


def wheel_extension_file(package: ModuleType, name: str) -> Path | None:
    """The `name` extension binary a DuckDB extension wheel (`package`) ships for the installed duckdb;
    None when the wheel has no build for it."""
    binary = (Path(package.__file__).resolve().parent / "extensions" / f"v{duckdb.__version__}"
              / f"{name}.duckdb_extension")
    return binary if binary.is_file() else None


def extension_path() -> Path:
    """The postgres extension binary of the installed wheel, under the file name DuckDB expects.

    The wheel ships `postgres.duckdb_extension`, but the extension's entry point is named after
    `postgres_scanner`, and `LOAD 'path'` derives the entry point from the file name; a symbolic
    link named `postgres_scanner.duckdb_extension` in a private temporary folder bridges the two.
    """
    import duckdb_extension_postgres

    binary = wheel_extension_file(duckdb_extension_postgres, "postgres")
    if binary is None:
        raise FileNotFoundError(f"duckdb-extension-postgres has no build for duckdb {duckdb.__version__}")
    folder = Path(tempfile.gettempdir()) / f"lodestar-duckdb-{os.getuid()}-{duckdb.__version__}"
    link = folder / "postgres_scanner.duckdb_extension"
    with _extension_lock:
        folder.mkdir(mode=0o700, exist_ok=True)
        if not link.exists():
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                link.symlink_to(binary)
    return link


_engine: duckdb.DuckDBPyConnection | None = None
_aliases = itertools.count(1)


def _engine_instance() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB with the extension loaded (loading takes most of a second,
    so it is done once; each server database is ATTACHed to it under an alias of its own)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            engine = duckdb.connect(":memory:")
            engine.execute(f"LOAD '{extension_path()}'")
            _engine = engine
        return _engine


def open_duckdb(uri: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A DuckDB connection with the server database ATTACHed and in use; (connection, alias).

    READ COMMITTED (the extension's default is REPEATABLE READ): a statement that waited for a lock
    (the decision log's head, see store.decision_log) must then read what the holder committed.
    Give the connection back with `close_duckdb`, which detaches the alias.
    """
    alias = f"{CATALOG}_{next(_aliases)}"
    con = _engine_instance().cursor()
    try:
        quoted = uri.replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {alias} (TYPE postgres, ISOLATION_LEVEL 'READ COMMITTED')")
        con.execute(f"USE {alias}")
    except BaseException:
        con.close()
        raise
    return con, alias


def close_duckdb(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Detach the server database (its pooled server connections close) and close the connection."""
    try:
        con.execute("USE memory")
        con.execute(f"DETACH DATABASE IF EXISTS {alias}")
    finally:
        con.close()


def next_id(con, alias: str, sequence: str) -> int:
    """The next value of the server sequence `sequence`, inside the cursor's current transaction."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", sequence):
        raise ValueError(f"bad sequence name {sequence!r}")
    row = con.execute(f"SELECT * FROM postgres_query('{alias}', 'SELECT nextval(''{sequence}'')')").fetchone()
    return int(row[0])


def lock_transaction(con, alias: str, key: int) -> None:
    """Take the transaction advisory lock `key` on the server (waits while another holds it);
    released when the cursor's transaction ends."""
    con.execute(f"CALL postgres_execute('{alias}', 'SELECT pg_advisory_xact_lock({int(key)})')")


# --- the psycopg side ------------------------------------------------------------------------------


def connect_psycopg(uri: str, **kwargs):
    """A psycopg connection to the server (autocommit unless told otherwise)."""
    import psycopg

    kwargs.setdefault("autocommit", True)
    return psycopg.connect(uri, **kwargs)


@contextlib.contextmanager
def server_errors(uri: str):
    """Inside the block, psycopg's errors become the store's (password-free) ones: the server
    cannot be reached (DatabaseOpenError) or refused a statement (DatabaseFailed)."""
    import psycopg

    from store.errors import DatabaseFailed, DatabaseOpenError

    try:
        yield
    except psycopg.OperationalError as e:
        raise DatabaseOpenError(redact(str(e)), path=describe(uri)) from None
    except psycopg.Error as e:
        raise DatabaseFailed(redact(str(e))) from None


# The translation of a migration from DuckDB's dialect to PostgreSQL's, rule by rule.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # DuckDB's DOUBLE is PostgreSQL's DOUBLE PRECISION (PostgreSQL has no bare DOUBLE).
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.IGNORECASE), "DOUBLE PRECISION"),
    # DuckDB's list types: VARCHAR[] is TEXT[] (same thing, the usual spelling), an empty list literal '{}'.
    (re.compile(r"\bVARCHAR\[\]", re.IGNORECASE), "TEXT[]"),
    (re.compile(r"\bDEFAULT\s+\[\]", re.IGNORECASE), "DEFAULT '{}'"),
    # JSON is kept as TEXT: DuckDB reads PostgreSQL's json as text anyway, and the extension's UPDATE
    # sends text, which a json column refuses without a cast.
    (re.compile(r"\bJSON\b"), "TEXT"),
    # DuckDB's FLOAT/REAL spellings mean the same on both; HUGEINT and UBIGINT have no PostgreSQL type.
    (re.compile(r"\bHUGEINT\b", re.IGNORECASE), "NUMERIC(38)"),
    (re.compile(r"\bUBIGINT\b", re.IGNORECASE), "NUMERIC(20)"),
    # DuckDB's CREATE OR REPLACE TABLE has no PostgreSQL form; migrations never need it (refused below).
)
_REFUSED = (
    (re.compile(r"\bEXCLUDE\s*\(", re.IGNORECASE), "SELECT * EXCLUDE"),
    (re.compile(r"\bCREATE\s+OR\s+REPLACE\s+TABLE\b", re.IGNORECASE), "CREATE OR REPLACE TABLE"),
)


def postgres_sql(name: str, duckdb_sql: str) -> str:
    """Migration `name` (file stem) for PostgreSQL: the file in migrations/postgres/ if there is one,
    else the DuckDB text through `_RULES`. A construct no rule can translate raises ValueError."""
    override = POSTGRES_MIGRATIONS / f"{name}.sql"
    if override.exists():
        return override.read_text(encoding="utf-8")
    code = "\n".join(line.split("--", 1)[0] for line in duckdb_sql.splitlines())  # comments may say anything
    for pattern, what in _REFUSED:
        if pattern.search(code):
            raise ValueError(f"migration {name} uses {what}: add migrations/postgres/{name}.sql")
    for pattern, replacement in _RULES:
        code = pattern.sub(replacement, code)
    return code


# The table of applied migrations, the same on both backends (store/db.py migrate, migrate_postgres).
SCHEMA_VERSION_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
    " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
)


def migrate_postgres(uri: str, shipped: list[tuple[int, str, Path]]) -> list[int]:
    """Apply every shipped migration not yet recorded in `schema_version`, each in one server
    transaction, under a session advisory lock: a second process waits here, then finds them done."""
    with connect_psycopg(uri) as pg:
        pg.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            pg.execute(SCHEMA_VERSION_DDL)
            done = {row[0] for row in pg.execute("SELECT version FROM schema_version").fetchall()}
            applied = []
            for version, name, file in shipped:
                if version in done:
                    continue
                sql = postgres_sql(name, file.read_text(encoding="utf-8"))
                with pg.transaction():
                    pg.execute(sql)
                    pg.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", [version, name])
                applied.append(version)
            return applied
        finally:
            pg.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


class ImportLock:
    """The session advisory lock (IMPORT_LOCK_SPACE, snapshot_id) an import holds while it writes,
    on a server connection of its own: if the process dies, the server drops the connection and
    the lock with it, so `held_by_others` tells a running import from a dead one."""

    def __init__(self, uri: str, snapshot_id: int) -> None:
        with server_errors(uri):
            self._pg = connect_psycopg(uri)
            self._pg.execute("SELECT pg_advisory_lock(%s, %s)", [IMPORT_LOCK_SPACE, snapshot_id])

    def release(self) -> None:
        self._pg.close()  # closing ends the session, and the lock with it


def running_imports(uri: str, snapshot_ids: list[int]) -> set[int]:
    """Those of `snapshot_ids` whose import lock some session holds (an import still writing)."""
    if not snapshot_ids:
        return set()
    with server_errors(uri), connect_psycopg(uri) as pg:
        rows = pg.execute(
            "SELECT objid::BIGINT FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2"
            " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [IMPORT_LOCK_SPACE],
        ).fetchall()
    held = {int(r[0]) for r in rows}
    return {i for i in snapshot_ids if i in held}
