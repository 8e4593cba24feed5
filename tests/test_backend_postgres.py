"""PostgreSQL as the shared store (issue 17): URIs and secrets, migrations under a lock, several
processes on one server database, crash-atomic imports, and `cli.py migrate`.

Everything here runs against the real throwaway server of tests/pg.py, with real processes: a
second process is started with `subprocess`, a killed import is a SIGKILL of a real `cli.py import`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

import cli
from store import backend, db, decision_log, snapshots
from store.errors import DatabaseOpenError, MigrationError
from tests.pg import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


# --- URIs and secrets (no server needed) -----------------------------------------------------------


@pytest.mark.parametrize("target, server", [
    ("postgresql://u:p@h:5432/d", True), ("postgres://u@h/d?sslmode=require", True), ("POSTGRESQL://h/d", True),
    ("data/lodestar.duckdb", False), ("/tmp/postgresql.duckdb", False), (Path("postgresql://x"), False),
])
def test_a_uri_is_told_from_a_file(target, server):
    assert backend.is_postgres(target) is server
    assert isinstance(db.db_path(target), str if server else Path)


def test_passwords_never_survive_redaction():
    text = ('Unable to connect to Postgres at "postgresql://lodestar:s3cr%40t@db:5432/pmo?sslmode=require":'
            " host=db password=hunter2 dbname=pmo")
    shown = backend.redact(text)
    assert "s3cr" not in shown and "hunter2" not in shown
    assert "postgresql://lodestar:***@db:5432/pmo" in shown and "password=***" in shown
    assert backend.describe("postgresql://lodestar:s3cr%40t@db:5432/pmo?sslmode=require") == "postgresql://lodestar@db:5432/pmo"
    assert db.shown("postgres://a:b@h/d") == "postgresql://a@h/d"


def test_ddl_translation_rules():
    sql = ("CREATE TABLE t (a DOUBLE NOT NULL, b DOUBLE PRECISION, c VARCHAR[] NOT NULL DEFAULT [], d JSON,"
           " e BIGINT) -- a DOUBLE in a comment stays out")
    assert backend.postgres_sql("999_x", sql) == (
        "CREATE TABLE t (a DOUBLE PRECISION NOT NULL, b DOUBLE PRECISION, c TEXT[] NOT NULL DEFAULT '{}', d TEXT,"
        " e BIGINT) "
    )
    with pytest.raises(ValueError, match="EXCLUDE"):
        backend.postgres_sql("999_x", "CREATE VIEW v AS SELECT * EXCLUDE (a) FROM t")


def test_every_shipped_migration_has_a_postgres_form():
    for _, name, file in db.migrations():
        text = backend.postgres_sql(name, file.read_text(encoding="utf-8"))
        assert "DOUBLE," not in text and "DEFAULT []" not in text


# --- one server database ---------------------------------------------------------------------------


def test_migrations_recorded_once_and_the_store_works(pg_database):
    con = db.connect(pg_database)
    assert con.backend == "postgres"
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    assert versions == [v for v, _, _ in db.migrations()]
    con.close()
    db._migrated.discard(str(pg_database))
    again = db.connect(pg_database)  # a second open migrates nothing
    assert again.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(versions)
    again.close()


def test_two_processes_starting_at_once_migrate_once(pg_database):
    code = "import sys; from store import db; db.connect(sys.argv[1]).close(); print('ok')"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(pg_database)], cwd=ROOT, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    with psycopg.connect(str(pg_database)) as pg:
        rows = pg.execute("SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY version").fetchall()
    assert rows == [(v, 1) for v, _, _ in db.migrations()]


def test_password_from_pgpassword_and_a_wrong_one_is_not_shown(pg_database, monkeypatch, capsys):
    bare = str(pg_database).replace(f":{PASSWORD}@", "@")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    db.connect(bare).close()
    monkeypatch.delenv("PGPASSWORD")
    wrong = str(pg_database).replace(PASSWORD, "not-the-password")
    db._migrated.discard(wrong)
    with pytest.raises(DatabaseOpenError) as caught:
        db.connect(wrong)
    assert "not-the-password" not in str(caught.value) and "not-the-password" not in json.dumps(caught.value.params)
    assert caught.value.params["path"] == backend.describe(wrong)
    assert cli.main(["snapshots", "--db", wrong]) == 1  # the command line says so, without the password
    said = capsys.readouterr().err
    assert backend.describe(wrong) in said and "not-the-password" not in said and "Traceback" not in said


def test_a_broken_migration_is_reported_and_nothing_of_it_kept(pg_database, tmp_path, monkeypatch):
    shipped = db.migrations()
    bad = tmp_path / "999_broken.sql"
    bad.write_text("CREATE TABLE half_done (a INTEGER); CREATE TABLE broken (a NOT_A_TYPE);")
    monkeypatch.setattr(db, "migrations", lambda: [*shipped, (999, "999_broken", bad)])
    with pytest.raises(MigrationError):
        db.connect(pg_database)
    with psycopg.connect(str(pg_database)) as pg:
        assert pg.execute("SELECT to_regclass('half_done')").fetchone()[0] is None
        assert pg.execute("SELECT max(version) FROM schema_version").fetchone()[0] == shipped[-1][0]


def test_a_constraint_broken_on_the_server_is_translated(pg_database):
    from store.errors import ConstraintViolation

    cur = db.cursor(pg_database)
    try:
        cur.execute("INSERT INTO schema_version (version, name) VALUES (999, 'x')")
        with pytest.raises(ConstraintViolation):
            cur.execute("INSERT INTO schema_version (version, name) VALUES (999, 'again')")
    finally:
        db.close_shared(pg_database)


# --- several processes -----------------------------------------------------------------------------

_APPEND = """
import sys
from store import db, decision_log
con = db.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # both writers start together
for i in range(int(sys.argv[3])):
    decision_log.append(con, "import", actor="cli:" + sys.argv[2], summary=f"{sys.argv[2]} {i}")
con.close()
"""


def test_the_decision_log_chain_holds_with_two_writers(pg_database):
    db.connect(pg_database).close()
    procs = [subprocess.Popen([sys.executable, "-c", _APPEND, str(pg_database), name, "10"], cwd=ROOT, env=ENV,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("a", "b")]
    ready = [p.stdout.readline().strip() for p in procs]
    assert ready == ["ready", "ready"], [p.communicate("go\n", timeout=180)[1] for p in procs]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    con = db.connect(pg_database)
    assert decision_log.verify(con) == 20
    assert con.execute("SELECT count(DISTINCT prev_hash) FROM decision_log").fetchone()[0] == 20
    con.close()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two generated snapshots (150 projects, 24 months of status reports each)."""
    out = tmp_path_factory.mktemp("pg_bundle")
    subprocess.run(
        [sys.executable, "-m", "data.generate", "--projects", "150", "--months", "24", "--snapshots", "2",
         "--all-reporting", "--tables", "projects,status_reports", "--plain", "--out", str(out)],
        cwd=ROOT, env=ENV, check=True, capture_output=True,
    )
    return out


def _import(uri: str, folder: Path, label: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "cli.py", "import", "--db", uri, "--label", label, str(folder)],
                            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_cli_imports_at_once_both_succeed(pg_database, bundle):
    db.connect(pg_database).close()
    folders = sorted(p for p in bundle.iterdir() if p.is_dir())
    procs = [_import(str(pg_database), folder, folder.name) for folder in folders]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    con = db.connect(pg_database)
    listing = snapshots.list_snapshots(con)
    assert sorted(listing["label"]) == [f.name for f in folders]
    lines = {f.name: sum(1 for _ in (f / "status_reports.csv").open(encoding="utf-8")) - 1 for f in folders}
    assert dict(zip(listing["label"], listing["status_reports"], strict=True)) == lines
    assert list(listing["projects"]) == [150, 150]
    assert decision_log.verify(con) == 2
    con.close()


# A real `cli.py import` whose write phase stops, after its first table's rows, until it is killed.
_SLOW_IMPORT = """
import sys, time
import cli
from store import snapshots
insert = snapshots._insert_frame
def insert_then_wait(con, table, snapshot_id, frame):
    insert(con, table, snapshot_id, frame)
    print("written", table, flush=True)
    time.sleep(600)
snapshots._insert_frame = insert_then_wait
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_killed_import_leaves_nothing_visible(pg_database, bundle):
    db.connect(pg_database).close()
    folder = sorted(p for p in bundle.iterdir() if p.is_dir())[0]
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_IMPORT, "import", "--db", str(pg_database), "--label",
                             "killed", str(folder)], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith("written projects")
        other = db.connect(pg_database)  # another process's open while the import runs: its record is left alone
        assert snapshots.find_debris(other).pending == () and snapshots.snapshot_count(other) == 0
        other.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with psycopg.connect(str(pg_database), autocommit=True) as pg:
        assert pg.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0  # never half-visible
        assert pg.execute("SELECT count(*) FROM projects").fetchone()[0] == 0  # its open transaction rolled back
    con = db.connect(pg_database, clean=False)
    assert [p.label for p in snapshots.find_debris(con).pending] == ["killed"]  # its lock died with it
    con.close()
    con = db.connect(pg_database)  # the next open removes what the killed import left
    assert snapshots.find_debris(con).clean and snapshots.snapshot_count(con) == 0
    assert con.execute("SELECT count(*) FROM snapshots_all").fetchone()[0] == 0
    con.close()


# --- cli.py migrate --------------------------------------------------------------------------------


def test_migrate_copies_a_local_database_with_its_ids(sample_template_db, tmp_path, pg_database, capsys):
    source = tmp_path / "local.duckdb"
    source.write_bytes(sample_template_db.read_bytes())
    local = db.connect(source)
    snapshots.delete_snapshot(local, snapshots.latest_snapshot_id(local), actor="cli:test")  # a gap in the ids
    expected = {t: local.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("snapshots_all", "projects", "status_reports", "decision_log")}
    ids = [r[0] for r in local.execute("SELECT snapshot_id FROM snapshots ORDER BY 1").fetchall()]
    handed_out = local.execute(
        "SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'snapshot_id_seq'").fetchone()[0]
    local.close()
    assert handed_out > max(ids)

    assert cli.main(["migrate", "--from", str(source), "--to", str(pg_database)]) == 0
    err = capsys.readouterr().err
    assert "status_reports:" in err and PASSWORD not in err
    con = db.connect(pg_database)
    assert {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in expected} == expected
    assert [r[0] for r in con.execute("SELECT snapshot_id FROM snapshots ORDER BY 1").fetchall()] == ids
    assert decision_log.verify(con) == expected["decision_log"]
    assert db.next_id(con, "snapshot_id_seq") == handed_out + 1  # past every id the file handed out
    con.close()

    assert cli.main(["migrate", "--from", str(source), "--to", str(pg_database)]) == 2  # not empty: refused
    assert "--replace" in capsys.readouterr().err
    assert cli.main(["migrate", "--from", str(source), "--to", str(pg_database), "--replace"]) == 0
    con = db.connect(pg_database)
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == expected["projects"]
    con.close()


def test_migrate_refuses_a_file_as_target(tmp_path, capsys):
    assert cli.main(["migrate", "--from", str(tmp_path / "a.duckdb"), "--to", str(tmp_path / "b.duckdb")]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_store_sql_takes_ids_the_portable_way():
    """`INSERT ... RETURNING` and DuckDB's `nextval('seq')` fail on PostgreSQL through the extension:
    the store takes ids with `store.db.next_id` (see docs/server.md). This finds new code that does not."""
    offenders = []
    for file in sorted((ROOT / "store").glob("*.py")):
        if file.name in {"db.py", "backend.py", "backend_copy.py"}:  # these speak to the server itself
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("  #", 1)[0]
            if re.search(r"\bRETURNING\s+\w", code) or "nextval('" in code:
                offenders.append(f"{file.name}:{number}: {line.strip()}")
    assert offenders == []


def test_without_postgres_the_tests_skip_unless_ci_requires_it(monkeypatch):
    from tests import pg

    monkeypatch.delenv("LODESTAR_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL tests skipped: no initdb"):
        pg._unavailable("no initdb")
    monkeypatch.setenv("LODESTAR_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required here"):
        pg._unavailable("no initdb")
