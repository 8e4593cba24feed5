"""Property-based fuzzing of the import (Hypothesis, bounded and derandomised): whatever mutated contract
files or zips arrive, `check_files` and `import_files` return a report of named, translated problems
and never raise; a refused import writes nothing to a real DuckDB file.

The mutations are in tests/import_fuzz_cases.py; bench/import_fuzz.py runs the same cases longer.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import db, snapshots
from store.importer import check_files, import_files, problem_text
from tests.import_fuzz_cases import VALID_FILES, mutated_case

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _assert_named(report) -> None:
    """Every problem has a code with a text in both languages, and none is the importer's last guard."""
    for problem in report.problems:
        assert problem.code != "read_failed", problem
        assert problem_text(problem, "en") and problem_text(problem, "zh")
    assert report.ok == (not report.errors and report.duplicate_of is None)


@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_mutated_files_always_end_as_a_report(rng: random.Random):
    _assert_named(check_files(mutated_case(rng)))


@settings(FUZZ, max_examples=150)
@given(data=st.binary(max_size=3000), name=st.sampled_from(["projects.csv", "demand.csv", "bundle.zip", "x.txt"]))
def test_arbitrary_bytes_always_end_as_a_report(data: bytes, name: str):
    _assert_named(check_files([(name, data)]))


@settings(FUZZ, max_examples=150)
@given(cell=st.text(max_size=60), column=st.integers(min_value=0, max_value=15))
def test_any_text_in_any_projects_cell_ends_as_a_report(cell: str, column: int):
    lines = dict(VALID_FILES)["projects.csv"].decode().splitlines()
    header = lines[0].split(",")
    row = ['"' + cell.replace('"', '""') + '"' if i == column else "x" for i in range(len(header))]
    _assert_named(check_files([("projects.csv", "\n".join([lines[0], ",".join(row)]).encode())]))


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory):
    connection = db.connect(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    yield connection
    connection.close()


@settings(FUZZ, max_examples=80)
@given(rng=st.randoms(use_true_random=False))
def test_a_refused_import_writes_nothing(fuzz_db, rng: random.Random):
    before = snapshots.snapshot_count(fuzz_db)
    report = import_files(fuzz_db, mutated_case(rng), label="fuzz")
    _assert_named(report)
    if report.snapshot_id is None:
        assert snapshots.snapshot_count(fuzz_db) == before
    else:
        assert not report.errors and snapshots.snapshot_count(fuzz_db) == before + 1
