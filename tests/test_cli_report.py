"""`python cli.py report`: the same files as the page's download buttons, and clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from pptx import Presentation

import cli
from reports import export_scenario
from store import db
from tests import report_helpers as h

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 1, 15)


def _scenario(db_file) -> int:
    con = db.connect(db_file)
    try:
        return h.make_scenario(con, h.make_snapshot(con))
    finally:
        con.close()


def test_each_format_equals_what_the_page_downloads(db_file, tmp_path, capsys):
    scenario_id = _scenario(db_file)
    for fmt in ("xlsx", "pptx", "csv"):
        out = tmp_path / f"pack.{fmt}"
        status = cli.main(["report", "--db", str(db_file), "--scenario", str(scenario_id), "--format", fmt, "--lang", "en",
                           "--out", str(out), "--date", DAY.isoformat()])
        assert status == 0 and capsys.readouterr().out.strip() == str(out)
        con = db.connect(db_file)
        try:
            expected = export_scenario(con, scenario_id, fmt, "en", generated_on=DAY).data
        finally:
            con.close()
        assert out.read_bytes() == expected
    wb = load_workbook(tmp_path / "pack.xlsx")
    assert wb.sheetnames[0] == "Summary" and wb["Selected projects"]["B3"].value == h.INJECTION
    assert len(Presentation(str(tmp_path / "pack.pptx")).slides) == 9   # with the economics slide


def test_out_directory_gets_the_page_file_name(db_file, tmp_path):
    scenario_id = _scenario(db_file)
    done = subprocess.run(
        [sys.executable, "cli.py", "report", "--db", str(db_file), "--scenario", str(scenario_id), "--format", "xlsx",
         "--lang", "zh", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    written = tmp_path / f"投资建议_方案A_{'2026-01-01'}.xlsx"
    assert done.stdout.strip() == str(written)
    ws = load_workbook(io.BytesIO(written.read_bytes()))["入选项目"]
    assert [ws.cell(row=r, column=2).value for r in range(2, 5)] == ["智慧园区一期", h.INJECTION, "ERP 升级"]


def test_refusals(db_file, tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    assert cli.main(["report", "--db", str(missing), "--scenario", "1", "--format", "csv", "--out", str(tmp_path / "x.csv")]) == 2
    assert "none.duckdb" in capsys.readouterr().err
    _scenario(db_file)
    assert cli.main(["report", "--db", str(db_file), "--scenario", "99", "--format", "csv", "--lang", "en",
                     "--out", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err.strip()
    assert not (tmp_path / "x.csv").exists()
    blocked = tmp_path / "no_such_dir" / "x.csv"
    assert cli.main(["report", "--db", str(db_file), "--scenario", "1", "--format", "csv", "--out", str(blocked)]) == 1
