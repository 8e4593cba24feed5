"""Import speed by format: the same 1,000,000 status-report rows (plus their projects) imported from CSV
files and from one .xlsx workbook, and the two workbook readers we could use, side by side.

    .venv/bin/python bench/import_formats.py                 # 1,000,000 rows (10,000 projects x 100 months)
    .venv/bin/python bench/import_formats.py --rows 20000    # a quick look

The CSV files come from the sample generator (`python -m data.generate --all-reporting --plain`); the
workbook is written from them once with XlsxWriter (numbers as numbers, dates as Excel dates, as an
export from another tool would hold them) and both are kept in bench/out/ for the next run.

  csv       store.importer.import_paths on projects.csv + status_reports.csv (the full validated import)
  xlsx      the same import from portfolio.xlsx (sheets `projects` and `status_reports`)
  calamine  python-calamine (the reader store/workbook.py uses): every row of the status_reports sheet
  openpyxl  openpyxl in read-only mode, values only: the same rows (the alternative we measured)

Each side runs in its own child process (peak memory is its own: the child's peak resident set
size), `--repeat` times, interleaved; the best time of each is shown with its ratio to the CSV import,
and the CPU time next to it (on a shared machine the CPU time is the steadier figure).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIDES = ("csv", "xlsx", "calamine", "openpyxl")


def make_files(rows: int) -> Path:
    """projects.csv and status_reports.csv of about `rows` status rows, and portfolio.xlsx from them."""
    projects = max(1, rows // 100)
    months = min(100, rows)
    target = OUT / f"formats_{projects}x{months}"
    found = sorted(target.glob("*/status_reports.csv"))
    if not found:
        target.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "data.generate", "--projects", str(projects), "--months", str(months),
                   "--snapshots", "1", "--all-reporting", "--plain", "--tables", "projects,status_reports",
                   "--out", str(target)]
        print("generating:", " ".join(command[1:]), flush=True)
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        found = sorted(target.glob("*/status_reports.csv"))
    folder = found[0].parent
    if not (folder / "portfolio.xlsx").is_file():
        print("writing portfolio.xlsx ...", flush=True)
        write_workbook(folder)
    return folder


def _typed(text: str, column_type: str) -> object:
    if text == "":
        return None
    if column_type in ("int", "number", "score"):
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() else number
    if column_type == "date":
        return dt.datetime.fromisoformat(text)
    if column_type == "month":
        return dt.datetime.strptime(text, "%Y-%m")
    return text


def write_workbook(folder: Path) -> None:
    """portfolio.xlsx with a sheet per CSV file, written row by row (XlsxWriter's constant-memory mode)."""
    sys.path.insert(0, str(ROOT))
    import xlsxwriter

    from store.contract import KINDS

    book = xlsxwriter.Workbook(str(folder / "portfolio.xlsx"), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name in ("projects", "status_reports"):
        kind = KINDS[name]
        sheet = book.add_worksheet(name)
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            headers = next(reader)
            sheet.write_row(0, 0, headers)
            types = [kind.column(h).type for h in headers]
            for r, row in enumerate(reader, start=1):
                for c, text in enumerate(row):
                    value = _typed(text, types[c])
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(r, c, value, date_format)
                    elif value is not None:
                        sheet.write(r, c, value)
    book.close()


def child(side: str, folder: Path) -> dict:
    """Run one side once in this process; returns seconds, rows and peak memory."""
    sys.path.insert(0, str(ROOT))
    from store import db
    from store.importer import import_paths

    book = folder / "portfolio.xlsx"
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        if side in ("csv", "xlsx"):
            con = db.connect(Path(tmp) / "bench.duckdb")
            start = time.perf_counter()
            files = [folder / "projects.csv", folder / "status_reports.csv"] if side == "csv" else [book]
            report = import_paths(con, files, label="bench")
            if report.snapshot_id is None:
                raise SystemExit(f"{side} import refused: {[(p.file, p.code) for p in report.errors[:5]]}")
            rows = sum(report.rows.values())
            con.close()
        elif side == "calamine":
            import python_calamine

            sheet = python_calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("status_reports")
            rows = sum(1 for _ in sheet.iter_rows()) - 1
        else:
            import openpyxl

            workbook = openpyxl.load_workbook(book, read_only=True, data_only=True)
            rows = sum(1 for _ in workbook["status_reports"].iter_rows(values_only=True)) - 1
            workbook.close()
        seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before, "rows": rows,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def run_child(side: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", side, "--folder", str(folder)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="status-report rows (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side (best is shown)")
    parser.add_argument("--sides", default=",".join(SIDES), help=f"comma-separated, of {', '.join(SIDES)}")
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder))))
        return 0
    sides = [s for s in args.sides.split(",") if s in SIDES]
    folder = make_files(args.rows)
    sizes = {name: (folder / name).stat().st_size / 1024**2 for name in ("projects.csv", "status_reports.csv", "portfolio.xlsx")}
    results: dict[str, list[dict]] = {side: [] for side in sides}
    for _ in range(args.repeat):
        for side in sides:
            results[side].append(run_child(side, folder))
    best = {side: min(runs, key=lambda r: r["seconds"]) for side, runs in results.items()}
    print(f"files: {folder}: CSV {sizes['projects.csv'] + sizes['status_reports.csv']:.1f} MB, "
          f"workbook {sizes['portfolio.xlsx']:.1f} MB")
    base = best.get("csv")
    print(f"{'side':10} {'rows':>11} {'best s':>8} {'CPU s':>8} {'peak RSS MB':>12} {'s / csv':>8} {'CPU / csv':>10}")
    for side in sides:
        b = best[side]
        ratio = f"{b['seconds'] / base['seconds']:8.2f}" if base else f"{'-':>8}"
        cpu_ratio = f"{b['cpu_seconds'] / base['cpu_seconds']:10.2f}" if base else f"{'-':>10}"
        print(f"{side:10} {b['rows']:11,} {b['seconds']:8.2f} {b['cpu_seconds']:8.2f} {b['peak_rss_mb']:12.0f} {ratio} {cpu_ratio}")
    if "calamine" in best and "openpyxl" in best:
        print(f"openpyxl read-only / calamine (reading the sheet): "
              f"{best['openpyxl']['seconds'] / best['calamine']['seconds']:.1f} x the time, "
              f"{best['openpyxl']['cpu_seconds'] / best['calamine']['cpu_seconds']:.1f} x the CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
