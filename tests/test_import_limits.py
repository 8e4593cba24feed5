"""The import's limits (docs/import.md): linear cell checks, cell length limits, bounded zip expansion,
named problems for damaged zips and odd member names, and cross-file checks without their key column."""

from __future__ import annotations

import io
import re._constants as sre_constants
import re._parser as sre_parser
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pyarrow as pa
import pytest

import cli
from store import snapshots
from store.contract import KINDS
from store.import_limits import ImportLimits
from store.import_values import CELL_PATTERNS, parse_column, parse_number_text
from store.importer import check_files, check_paths, import_files, problem_text

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).resolve().parent / "resources"
VALID = RESOURCES / "valid"
PROJECTS = (VALID / "projects.csv").read_bytes()
MB = 1024 * 1024


def _codes(report) -> list[tuple]:
    return [(p.file, p.row, p.column, p.code) for p in report.errors]


def _with_budget(cell: str) -> bytes:
    lines = PROJECTS.decode().splitlines()
    cells = lines[1].split(",")
    cells[10:12] = [cell]  # "1,200" is quoted across two split pieces: replace both with the new cell
    return "\n".join([lines[0], ",".join(cells), *lines[2:]]).encode()


# --- cells ---------------------------------------------------------------------------------------------


def _variable_repeats(parsed) -> list[str]:
    """Repeats of a parsed pattern that may give back what they matched (MAX_REPEAT / MIN_REPEAT of a
    variable count): the cause of catastrophic backtracking."""
    found = []
    for op, value in parsed:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, inner = value
            if low != high:
                found.append(f"{op} {{{low},{high}}}")
            found += _variable_repeats(inner)
        elif op is sre_constants.POSSESSIVE_REPEAT:
            found += _variable_repeats(value[2])
        elif op is sre_constants.SUBPATTERN:
            found += _variable_repeats(value[3])
        elif op is sre_constants.BRANCH:
            for branch in value[1]:
                found += _variable_repeats(branch)
        elif op is sre_constants.ATOMIC_GROUP:
            found += _variable_repeats(value)
    return found


@pytest.mark.parametrize("pattern", CELL_PATTERNS, ids=lambda p: p.pattern[:30])
def test_cell_patterns_never_give_back_what_they_matched(pattern):
    assert _variable_repeats(sre_parser.parse(pattern.pattern)) == []


def test_the_old_number_pattern_is_what_the_structural_test_catches():
    assert _variable_repeats(sre_parser.parse(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")) != []


def test_a_long_number_text_is_read_in_one_pass():
    # 100,000 digits then a letter: hours with the old pattern, a millisecond now (no timing asserted).
    assert parse_number_text("1" * 100_000 + "x", None) == (None, "bad_number")
    assert parse_number_text("1" * 300 + ".5", None)[1] is None


@pytest.mark.parametrize("length", [32_000, MB])
def test_a_huge_number_cell_is_refused_as_too_long(length):
    report = check_files([("projects.csv", _with_budget("7" * length + "x"))])
    assert _codes(report) == [("projects.csv", 2, "budget", "cell_too_long")]
    problem = report.errors[0]
    assert problem.params == {"limit": 1000}
    assert problem.value == "7" * 200 + "…"  # the report keeps a short start of the cell, not the megabyte
    assert problem_text(problem, "en") == "This cell is longer than 1000 characters, the most a cell of this column may hold."
    assert problem_text(problem, "zh") == "该单元格超过 1000 个字符，超出此列单元格允许的最大长度。"


def test_cell_limits_by_type_and_exact_edges():
    budget, name = KINDS["projects"].column("budget"), KINDS["projects"].column("name")
    limits = ImportLimits(max_value_chars=5, max_text_chars=8)
    numbers = parse_column(pa.array(["12345", "123456", ""]), budget, limits)
    assert numbers.values.to_pylist() == [12345.0, None, None]
    issues = [(code, list(at), params) for code, at, _, params in numbers.issues]
    assert issues == [("cell_too_long", [1], {"limit": 5}), ("missing_value", [2], {})]  # too long is not "missing"
    texts = parse_column(pa.array(["abcdefgh", "abcdefghi"]), name, limits)
    assert texts.values.to_pylist() == ["abcdefgh", None]
    assert [(code, list(at)) for code, at, _, _ in texts.issues] == [("cell_too_long", [1])]


def test_limits_come_from_the_environment():
    limits = ImportLimits.from_env({"LODESTAR_IMPORT_MAX_TOTAL_MB": "64", "LODESTAR_IMPORT_MAX_RATIO": "many",
                                    "LODESTAR_IMPORT_MAX_TEXT_CHARS": "0"})
    assert limits == ImportLimits(max_total_mb=64)
    assert (limits.max_ratio, limits.max_text_chars, limits.max_total_bytes) == (100, 10_000, 64 * MB)


# --- zips ----------------------------------------------------------------------------------------------


def deflate_bomb(path: Path, expanded_mb: int, *, declared: int | None = None, name: str = "projects.csv") -> Path:
    """A one-member zip whose member inflates to `expanded_mb` MB of zeros, built without ever holding
    them (the same 1 MB deflate block repeated). `declared` is the size both headers claim (a liar)."""
    chunk = b"0" * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    crc = 0
    for _ in range(expanded_mb):
        crc = zlib.crc32(chunk, crc)
    compressed = len(block) * expanded_mb + len(tail)
    size = expanded_mb * MB if declared is None else declared
    encoded = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, compressed, size, len(encoded), 0)
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, compressed, size,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    with path.open("wb") as out:
        out.write(local + encoded)
        for _ in range(expanded_mb):
            out.write(block)
        out.write(tail)
        offset = out.tell()
        out.write(central + encoded)
        out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(encoded), offset, 0))
    return path


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    bomb = deflate_bomb(tmp_path / "bomb.zip", 64)
    report = check_paths([bomb])
    assert [(p.file, p.value, p.code) for p in report.errors] == [("bomb.zip", "projects.csv", "zip_ratio")]
    assert report.errors[0].params == {"limit": 100, "size_mb": 0.06}
    assert report.files == ()


def test_the_total_limit_counts_what_is_read(tmp_path):
    bomb = deflate_bomb(tmp_path / "bomb.zip", 64)
    second = tmp_path / "demand.csv"
    second.write_bytes((VALID / "demand.csv").read_bytes())
    report = check_paths([bomb, second], limits=ImportLimits(max_total_mb=16, max_ratio=10**6))
    assert [(p.file, p.value, p.code, p.params) for p in report.errors] == [
        ("bomb.zip", "projects.csv", "too_large", {"limit_mb": 16})
    ]


def test_a_member_whose_header_lies_is_read_no_further_than_its_bytes(tmp_path):
    bomb = deflate_bomb(tmp_path / "liar.zip", 64, declared=1024)
    report = check_paths([bomb])
    assert [(p.file, p.value, p.code) for p in report.errors] == [("liar.zip", "projects.csv", "bad_zip_member")]


# VmHWM is the peak of this process's own memory since exec; getrusage's ru_maxrss would also carry the
# parent's (pytest's) size at fork, which Linux keeps across exec.
PEAK_SCRIPT = """
import re, sys
from pathlib import Path
from store.importer import check_paths
report = check_paths([sys.argv[1]])
print(",".join(sorted({p.code for p in report.errors})))
status = Path("/proc/self/status").read_text()
print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""


@pytest.mark.parametrize(("expanded_mb", "declared", "code"), [
    (2048, None, "zip_ratio"),          # 2 GB of zeros in a 2 MB zip
    (1536, 1024, "bad_zip_member"),     # 1.5 GB declared as 1 KB
])
def test_a_refused_bomb_costs_a_bounded_amount_of_memory(tmp_path, expanded_mb, declared, code):
    bomb = deflate_bomb(tmp_path / "bomb.zip", expanded_mb, declared=declared)
    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(bomb)], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    codes, peak_mb = done.stdout.split()
    assert codes == code
    assert int(peak_mb) < 600


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_backslash_names_are_read_and_climbing_names_refused():
    data = _zip({"march\\projects.csv": PROJECTS, "..\\..\\x.csv": b"a,b\n", "/etc/y.csv": b"a\n",
                 "C:\\z.csv": b"a\n", "march\\.DS_Store": b"junk"})
    report = check_files([("m.zip", data)])
    assert [f.name for f in report.files] == ["m.zip/march/projects.csv"]
    assert sorted((p.value, p.code) for p in report.errors) == [
        ("../../x.csv", "unsafe_member"), ("/etc/y.csv", "unsafe_member"), ("C:/z.csv", "unsafe_member"),
    ]


def _damaged_bundles() -> list[bytes]:
    data = (RESOURCES / "valid_bundle.zip").read_bytes()
    first_data = data.index(b"PK\x03\x04") + 30 + len("march/capacity.csv")
    central = data.index(b"PK\x01\x02")
    return [
        data[: len(data) // 2],                                                              # cut in half
        data[:first_data] + b"\xff" * 40 + data[first_data + 40:],                           # deflate data broken
        data[:central + 10] + struct.pack("<H", 99) + data[central + 12:],                  # unknown method
        data[:central + 20] + struct.pack("<I", 5) + data[central + 24:],                    # compressed size lie
        data[:central + 28] + struct.pack("<H", 60000) + data[central + 30:],                # name length lie
        data[:-22] + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 9, 9, 10**6, 10**6, 0),  # directory lie
    ]


@pytest.mark.parametrize("data", _damaged_bundles(), ids=["cut", "inflate", "method", "csize", "namelen", "eocd"])
def test_a_damaged_zip_is_a_named_problem(data, con):
    report = import_files(con, [("bundle.zip", data)], label="x")
    assert report.errors and {p.file for p in report.errors} <= {"bundle.zip", None} | {f.name for f in report.files}
    assert {p.code for p in report.errors} & {"bad_zip", "bad_zip_member", "missing_column", "needs_kind", "no_files"}
    assert report.snapshot_id is None and snapshots.snapshot_count(con) == 0


def test_a_zip_without_a_csv_file_writes_nothing(con):
    report = import_files(con, [("notes.zip", _zip({"README.md": b"# notes"}))], label="x")
    assert [(p.code, p.severity) for p in report.problems] == [("no_files", "error"), ("skipped_member", "warning")]
    assert snapshots.snapshot_count(con) == 0  # an empty snapshot was written before


def test_cli_refuses_a_damaged_zip_with_exit_2_and_no_traceback(tmp_path, db_file):
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(_damaged_bundles()[1])
    done = subprocess.run([sys.executable, "cli.py", "import", "--db", str(db_file), "--label", "x", str(bundle)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert 'Error bundle.zip: "march/capacity.csv" — This member of the zip cannot be read' in done.stderr


def test_cli_check_of_a_bomb_exits_2(tmp_path, db_file, capsys):
    bomb = deflate_bomb(tmp_path / "bomb.zip", 32)
    assert cli.main(["import", "--check", "--db", str(db_file), "--lang", "zh", str(bomb)]) == 2
    _, err = capsys.readouterr()
    assert "该 zip 压缩包（0.03 MB）解压后超过自身大小的 100 倍" in err


# --- cross-file checks without their key column --------------------------------------------------------


def _without_column(name: str, column: str) -> bytes:
    lines = (VALID / name).read_text(encoding="utf-8").splitlines()
    position = lines[0].split(",").index(column)
    return "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != position) for line in lines).encode()


@pytest.mark.parametrize(("name", "column", "beside"), [
    ("projects.csv", "project_id", "demand.csv"),
    ("objectives.csv", "objective_id", "project_scores.csv"),
])
def test_a_missing_key_column_is_named_once_not_raised(name, column, beside):
    report = check_files([(name, _without_column(name, column)), (beside, (VALID / beside).read_bytes())])
    missing = [p for p in report.errors if p.code == "missing_column"]
    assert [(p.file, p.params["column_name"]) for p in missing] == [(name, column)]
    assert "read_failed" not in {p.code for p in report.problems}


# --- the Data page -------------------------------------------------------------------------------------


def _data_page(db_file, monkeypatch):
    """The Data page in English on `db_file`, through the router as a user reaches it."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/data.py")
    at.run()
    return at


def test_data_page_checks_in_a_worker_process_and_names_a_damaged_zip(db_file, monkeypatch):
    import multiprocessing

    at = _data_page(db_file, monkeypatch)
    at.file_uploader[0].set_value(("bundle.zip", _damaged_bundles()[1], "application/zip")).run()
    assert not at.exception
    assert [m.value for m in at.main.metric][2] == "1"
    report = at.main.dataframe[3].value  # contract, recognised files, problem totals, problems
    assert list(report.iloc[0, [1, 4, 5]]) == ["bundle.zip", "march/capacity.csv",
        "This member of the zip cannot be read: the archive is damaged, or uses encryption or a compression "
        "method that is not supported."]
    assert at.button(key="data_import").disabled
    workers = [p for p in multiprocessing.active_children() if p.pid != multiprocessing.current_process().pid]
    assert workers  # the check ran in the shared worker process, not on the page's thread


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_cannot_be_read_is_named(tmp_path, db_file):
    unreadable = tmp_path / "projects.csv"
    unreadable.symlink_to("/proc/self/mem")  # a regular file whose read fails (EIO), even for root
    done = subprocess.run([sys.executable, "cli.py", "import", "--check", "--db", str(db_file), str(unreadable)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Error projects.csv: — This file cannot be opened: Input/output error" in done.stderr


def test_a_header_row_of_a_thousand_columns_is_refused_unread():
    header = ",".join(["project_id", "name", *(f"extra{i}" for i in range(1000))])
    report = check_files([("projects.csv", f"{header}\nP1,x\n".encode())])
    assert [(p.file, p.row, p.code, p.params) for p in report.problems] == [
        ("projects.csv", 1, "too_many_columns", {"count": 1002, "limit": 200})
    ]
    assert problem_text(report.problems[0], "en") == (
        "The header row has 1002 columns; a file may have at most 200. Is the separator right?")


def test_rows_that_cannot_be_split_are_listed_up_to_the_limit_then_counted():
    header = "project_id,name,status,start_month,duration_months,budget"
    rows = [f"P{i},x,active,2026-01,12,5,extra{i}" for i in range(250)]
    report = check_files([("projects.csv", "\n".join([header, *rows]).encode())])
    field_count = [p for p in report.problems if p.code == "field_count"]
    more = [p for p in report.problems if p.code == "more_rows"]
    assert len(field_count) == 100 and field_count[0].row == 2 and field_count[-1].row == 101
    assert [(p.params["count"], p.params["inner"]) for p in more] == [(150, "field_count")]
    assert problem_text(more[0], "en") == ("…and 150 more rows with the same problem: This row has … cells but the header "
                                           "has 6. Put values that contain the separator in quotes, e.g. \"1,200\".")


def test_a_worker_that_dies_gives_a_named_problem_and_a_fresh_worker(db_file, monkeypatch):
    import multiprocessing
    import os
    import signal

    at = _data_page(db_file, monkeypatch)
    at.file_uploader[0].set_value(("objectives.csv", (VALID / "objectives.csv").read_bytes(), "text/csv")).run()
    assert not at.exception
    for worker in multiprocessing.active_children():
        os.kill(worker.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        worker.join()
    at.file_uploader[0].set_value(("demand.csv", (VALID / "demand.csv").read_bytes(), "text/csv")).run()
    assert not at.exception
    assert list(at.main.dataframe[2].value.iloc[:, 5]) == [
        "The check stopped before it finished (the server ran out of memory or was restarted); nothing was "
        "imported. Try again, or import the files in smaller parts."]
    at.file_uploader[0].set_value(("projects.csv", PROJECTS, "text/csv")).run()
    assert not at.exception
    assert [m.value for m in at.main.metric][:3] == ["1", "4", "0"]  # checked again, in a new worker
