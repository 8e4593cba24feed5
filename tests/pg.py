"""A throwaway PostgreSQL server for the tests (a pytest plugin, loaded by tests/conftest.py).

`pg_cluster` (one per session, so one per pytest-xdist worker) runs `initdb` in a temporary folder
and starts the server on 127.0.0.1 on a free port, with durability switched off (fsync, synchronous
commit: a test database need not survive a power cut); it is stopped and removed at the end. When
the tests run as root, the cluster runs as the unprivileged `postgres` system user (PostgreSQL
refuses root). TCP connections need a password (SCRAM), so the URIs carry one, as a real server's
would. Each test gets its own database, made by `CREATE DATABASE ... TEMPLATE`, which copies a
template's files and is far faster than migrating or importing again.

Without PostgreSQL on the machine, the tests that need it skip with a message; with
LODESTAR_REQUIRE_POSTGRES=1 (CI, see .ci/run) they fail instead.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SUPERUSER = "postgres"
PASSWORD = "lodestar-test-secret"
_names = itertools.count(1)


def postgres_bin() -> Path | None:
    """The folder of the newest installed PostgreSQL's programs (Debian's layout first), or None."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if versions:
        return versions[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgDatabase(str):
    """The URI of one test database: a str (what LODESTAR_DB and `db.connect` take) that also
    answers `exists()` like a Path does for a DuckDB file (True once it has been migrated)."""

    cluster: Cluster
    name: str

    def exists(self) -> bool:
        return self.cluster.has_schema(self.name)


class Cluster:
    """A running PostgreSQL server in a temporary folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        # In memory where the machine has it: every test database is a copy of a template's files.
        shm = Path("/dev/shm")
        self.root = Path(tempfile.mkdtemp(prefix="lodestar-pg-", dir=shm if shm.is_dir() else None))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse root: run them as the postgres system user
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD)
        if self._as_user:
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile), "--no-sync",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C")
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off"
                   " -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.templates: dict[str, Any] = {}
        self._admin = None

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self._as_user, str(self.bin / program), *args], check=True, capture_output=True,
                       cwd=self.root)

    def uri(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{dbname}"

    def admin(self):
        """This process's superuser connection to the maintenance database (one, kept open: a test makes
        and drops databases many times, and each new connection pays for a password exchange)."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.uri(), autocommit=True)
        return self._admin

    def create(self, name: str | None = None, template: str | None = None) -> PgDatabase:
        """A new database (empty, or a copy of `template`); its URI. A named one replaces any of that name."""
        pg = self.admin()
        if name is None:
            name = f"t{os.getpid()}_{next(_names)}"
        else:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # FILE_COPY copies the template's files (two cheap checkpoints, durability being off) instead of
        # writing every page through the WAL: about twice as fast for the small databases of the tests.
        pg.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        database = PgDatabase(self.uri(name))
        database.cluster, database.name = self, name
        return database

    def drop(self, name: str) -> None:
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def has_schema(self, name: str) -> bool:
        import psycopg

        with psycopg.connect(self.uri(name), autocommit=True) as pg:
            return pg.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]

    def copy_template(self, key: str, build: Callable[[Any], Any], target: PgDatabase) -> Any:
        """Fill `target` with a copy of template `key`, built once by `build(con)`; what build returned."""
        from store import db

        if key not in self.templates:
            template = self.create(f"template_{key}_{os.getpid()}")
            connection = db.connect(str(template))
            try:
                result = build(connection)
            finally:
                connection.close()
            db.close_shared(str(template))
            self.templates[key] = (template.name, result)
        name, result = self.templates[key]
        self.create(target.name, template=name)
        return result

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _unavailable(reason: str) -> None:
    if os.environ.get("LODESTAR_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (LODESTAR_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server for this session (this xdist worker), stopped at the end."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        _unavailable("no PostgreSQL programs found (install Debian's `postgresql` package)")
    try:
        cluster = Cluster(bin_dir)
    except (subprocess.CalledProcessError, OSError, KeyError) as e:
        detail = getattr(e, "stderr", b"") or b""
        _unavailable(f"could not start a PostgreSQL cluster: {e} {detail.decode(errors='replace')[-500:]}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> Iterator[PgDatabase]:
    """The URI of a fresh, empty database on the test cluster (not yet migrated), dropped after."""
    database = pg_cluster.create()
    yield database
    release(database)


def release(database: PgDatabase) -> None:
    """Close this process's connections to a test database and drop it (it holds memory)."""
    from store import db

    db.close_shared(str(database))
    database.cluster.drop(database.name)
