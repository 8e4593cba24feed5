"""Shared fixtures: a real DuckDB file per test, migrated; and copies of databases built once per session.

Building a database (migrating it, writing a portfolio through the store) costs far more than copying
the finished file, so each kind is built once per session by `DatabaseTemplates` and every test gets
its own copy: tests stay independent, and a test may write to its copy freely.

Both backends: the modules named in `BOTH_BACKENDS` run each test that takes `db_file` (so `con`,
`sample_con`, ... too) once on a DuckDB file and once on a PostgreSQL database of the throwaway
server of tests/pg.py; there `db_file` is the database's URI (a `tests.pg.PgDatabase`) and the
templates are PostgreSQL template databases. Other modules stay on DuckDB.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest.register_assert_rewrite("tests.pg")

from store import db  # noqa: E402
from tests.pg import PgDatabase  # noqa: E402

pytest_plugins = ["tests.pg"]

# Test modules whose database tests run on both backends (see the module docstring). Each runs whole on
# PostgreSQL but for the tests marked `duckdb_only`, each with its reason beside it: Python that refuses
# before any SQL (test_users), the command line and page over store calls the module's other tests
# already run on PostgreSQL (test_mapping_import, test_reimport), what has no server form (test_doctor).
# So every store function's SQL still runs on PostgreSQL at least once; the pages on PostgreSQL are
# test_pages_postgres, the two servers sharing one database tests/browser/test_two_servers_postgres.
BOTH_BACKENDS = frozenset({
    "test_store_snapshots", "test_store_weights", "test_store_scenarios", "test_store_delivery",
    "test_store_portfolio", "test_users", "test_doctor", "test_importer", "test_reimport", "test_optimiser_runs",
    "test_cases", "test_lessons", "test_mapping_import",
})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if (module in BOTH_BACKENDS and "backend" in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("duckdb_only") is None):
        metafunc.parametrize("backend", ["duckdb", "postgres"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"duckdb" (the default) or "postgres": which database `db_file` and its fixtures give."""
    return getattr(request, "param", "duckdb")


@pytest.fixture
def db_file(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path | PgDatabase:
    """Path of a fresh (not yet created) database file; on PostgreSQL, the URI of an empty database."""
    if backend == "postgres":
        from tests.pg import release

        database = request.getfixturevalue("pg_cluster").create()
        request.addfinalizer(lambda: release(database))
        return database
    return tmp_path / "lodestar.duckdb"


class DatabaseTemplates:
    """Database files built once per session by name; `copy` puts a private copy at a test's path."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._built: dict[str, tuple[Path, Any]] = {}

    def copy(self, name: str, build: Callable[[db.Connection], Any], target: Path | PgDatabase) -> Any:
        """Copy template `name` (built by `build(con)` on first use) to `target`; returns what `build` did."""
        if target.exists():
            raise RuntimeError(f"{target} exists: request the database fixture before `con`")
        if isinstance(target, PgDatabase):
            return target.cluster.copy_template(name, build, target)
        if name not in self._built:
            path = self._root / f"{name}.duckdb"
            connection = db.connect(path)
            try:
                result = build(connection)
                connection.execute("CHECKPOINT")
            finally:
                connection.close()
            self._built[name] = (path, result)
        path, result = self._built[name]
        shutil.copyfile(path, target)
        return result


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> DatabaseTemplates:
    return DatabaseTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def con(db_file: Path, templates: DatabaseTemplates):
    """A migrated connection to this test's database file (a fresh one unless a fixture filled it), closed after."""
    if not db_file.exists():
        templates.copy("empty", lambda _: None, db_file)
    connection = db.connect(db_file)
    yield connection
    connection.close()


@pytest.fixture
def delivery_ids(db_file: Path, templates: DatabaseTemplates) -> dict[str, int]:
    """`db_file` holds tests/delivery_data.py's two snapshots; their ids by label ("2026-02", "2026-03")."""
    from tests import delivery_data

    return templates.copy("delivery", delivery_data.build, db_file)


@pytest.fixture
def delivery_snapshot(delivery_ids: dict[str, int], db_file: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The delivery portfolio's current snapshot (2026-03), with $LODESTAR_DB naming its file (for pages)."""
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    return delivery_ids["2026-03"]


@pytest.fixture
def optimiser_snapshot(db_file: Path, templates: DatabaseTemplates) -> int:
    """`db_file` holds tests/optimiser_pages_data.py's hand-worked portfolio; its snapshot id."""
    from tests import optimiser_pages_data

    return templates.copy("optimiser", optimiser_pages_data.create, db_file)


@pytest.fixture(scope="session")
def sample_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the bundled sample (data/sample, six snapshots) imported once per session.

    Imported through the real importer, so it holds exactly what a user gets from `make run`.
    Never open it for writing: take `sample_db_file` (a private copy) instead.
    """
    from store.importer import load_sample

    path = tmp_path_factory.mktemp("sample_template") / "sample.duckdb"
    connection = db.connect(path)
    try:
        load_sample(connection)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    return path


@pytest.fixture
def sample_db_file(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path | PgDatabase:
    """A private copy of the sample database (six snapshots, latest as of 2026-10-31) for one test."""
    if backend == "postgres":
        from store.importer import load_sample
        from tests.pg import release

        target = request.getfixturevalue("pg_cluster").create()
        request.addfinalizer(lambda: release(target))
        target.cluster.copy_template("sample", load_sample, target)
        return target
    sample_template_db = request.getfixturevalue("sample_template_db")
    target = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template_db, target)
    return target


@pytest.fixture(scope="module")
def sample_path(sample_template_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """(path, latest snapshot id) of one copy of the sample shared by a module's read-only page tests."""
    from store.snapshots import latest_snapshot_id

    target = tmp_path_factory.mktemp("module_sample") / "sample.duckdb"
    shutil.copyfile(sample_template_db, target)
    con = db.connect(target)
    snapshot_id = latest_snapshot_id(con)
    con.close()
    yield target, snapshot_id
    db.close_shared(target)


@pytest.fixture
def sample_con(sample_db_file: Path):
    """A migrated connection to this test's copy of the sample database, closed after the test."""
    connection = db.connect(sample_db_file)
    yield connection
    connection.close()


@pytest.fixture
def downloads(monkeypatch):
    """The files a page offers for download, by file name: bytes handed over at once are recorded as
    Streamlit stores them; deferred callables are called here, as Streamlit does when the user clicks."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: dict[str, bytes] = {}
    deferred, stored = MediaFileManager.add_deferred, MemoryMediaFileStorage.load_and_get_id

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        offered[file_name] = data_callable()
        return deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    def record_stored(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            offered[filename] = path_or_data
        return stored(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record_stored)
    return offered


# Scheduling under pytest-xdist (`make test`: two workers, `--dist loadgroup`). A *unit* is what one
# worker runs in one go, in collection order: every browser test is in one unit, "browser" (each starts
# app servers and a Chromium that mostly wait on each other, so they leave the worker's core to the
# other worker's unit and page tests; two journeys at once on two cores only slow each other down, and
# test_signin's tests build on one another), and so is each group of `SHARED_SETUP`; every other test is
# a unit of its own. Units start longest first (`UNIT_COSTS`): the browser unit begins at once on one
# worker while the other takes the long tests, and the short tests fill in around them, so no long unit
# is left to start when the other worker has run dry. The browser unit must stay under half the run.
#
# The units are worked out from node ids by our own scheduler (`pytest_xdist_make_scheduler`): with
# pytest 9, pytest-xdist 3.8's `xdist_group` mark no longer reaches the node id its loadgroup scheduler
# reads, so the marked browser tests were spread over both workers as if unmarked (seen in the
# 2026-12-06 run: test_signin's tests on both workers, each starting its own server).
SHARED_SETUP = {  # module: (unit, the costly setup its tests would otherwise build on both workers)
    "test_pages_postgres": ("browser", "the sample imported into PostgreSQL, as test_two_servers_postgres's"),
    "test_import_crash": ("import-crash", "a generated bundle of 130,000 status reports, one timed import"),
    "test_hostile_text": ("hostile-text", "the hostile database (hostile_template), about 20 s to build"),
}
# Seconds a unit took in a full run (2026-12-06, load average ~14, so about 4x a quiet machine): for a
# unit, all its tests; for "module::test", one parametrisation. Only the order matters; a unit not
# listed counts as 0.
UNIT_COSTS: dict[str, float] = {
    "browser": 1150, "import-crash": 60, "hostile-text": 65,
    "test_mapping_import::test_cli_maps_saves_a_profile_and_applies_it_next_month": 58,
    "test_permissions::test_each_page_as_each_role": 38,
    "test_zh_ui_words::test_no_english_word_after_a_run_is_saved": 33,
    "test_page_gate::test_decide_and_download_the_approved_list": 29,
    "test_page_optimiser_weights::test_chosen_weight_set_is_solved_logged_saved_exported_and_compared": 26,
    "test_import_fuzz::test_mutated_files_always_end_as_a_report": 25,
    "test_page_overview::test_pack_downloads_are_the_cli_files": 21,
    "test_import_fuzz::test_any_text_in_any_projects_cell_ends_as_a_report": 20,
    "test_page_optimiser::test_sample_bundle_two_runs_saved_and_compared": 19,
    "test_backend_postgres::test_a_killed_import_leaves_nothing_visible": 18,
    "test_page_data::test_rename_then_delete_after_confirmation": 17,
    "test_backend_postgres::test_two_cli_imports_at_once_both_succeed": 17,
    "test_import_fuzz::test_a_refused_import_writes_nothing": 16,
    "test_permissions::test_each_write_path_as_each_role": 15,
    "test_permissions::test_language_is_remembered_for_the_user": 15,
}


def unit_of(nodeid: str) -> tuple[str, float]:
    """(unit, cost in seconds) of the test with this node id (see `SHARED_SETUP`)."""
    path, _, name = nodeid.partition("::")
    module = Path(path).stem
    if module in SHARED_SETUP:
        unit = SHARED_SETUP[module][0]
        return unit, UNIT_COSTS.get(unit, 0.0)
    if Path(path).parent.name == "browser":
        return "browser", UNIT_COSTS["browser"]
    return nodeid, UNIT_COSTS.get(f"{module}::{name.partition('[')[0]}", 0.0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the collection longest unit first; the sort is stable, so the tests of one unit keep
    their order, and so do units of the same cost."""
    items.sort(key=lambda item: -unit_of(item.nodeid)[1])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under `--dist loadgroup`: hand out our units (`unit_of`) in collection order."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)[0]

    # Without this, pytest-xdist reorders the units by number of tests, putting every multi-test unit
    # first whatever it costs.
    config.option.loadscopereorder = False
    return UnitScheduling(config, log)


@pytest.fixture
def data_page(db_file, monkeypatch):
    """Opens the Data page on `db_file` through the router, as a user reaches it: `start(lang[, snapshot_id])`."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LODESTAR_DB", str(db_file))

    def start(lang: str, snapshot_id: int | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        at.switch_page("views/data.py")
        if snapshot_id is not None:
            at.session_state["snapshot_id"] = snapshot_id
        at.run()
        assert not at.exception
        return at

    yield start
    db.close_shared(db_file)
