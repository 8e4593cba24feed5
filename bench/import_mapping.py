"""Import speed through a mapping: 1,000,000 project rows as an export (through a mapping) against the
same rows written to the template (the plain CSV import), side by side.

    .venv/bin/python bench/import_mapping.py                     # 1,000,000 rows, 3 runs per side
    .venv/bin/python bench/import_mapping.py --rows 100000 --repeat 1   # a quick look

Both files hold the same projects and import to exactly the same rows (the bench checks the row
count and a checksum of durations and statuses):

  plain    projects.csv in the contract's shape: project_id, name, category, status, start_month,
           duration_months, budget, expected_benefit
  mapped   Investments.csv as an export has it: other headers, ISO timestamps for start, planned and
           actual finish, no status or duration columns; imported through the issue's mapping
           (docs/mapping.md): renamed columns, `months_between` for the duration, `from_dates` for the
           status, a value map, a date column read as a month

Files are generated once into bench/out/ (seeded). Each side runs in its own child process,
`--repeat` times, interleaved; the best time of each is compared, with the child's peak memory.
"""

from __future__ import annotations

import argparse
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
AS_OF = dt.date(2026, 3, 31)
MAPPING = """
[[files]]
kind = "projects"
match = "Investments*.csv"
[files.columns]
project_id = "Investment ID"
name = "Investment Title"
category = "Owning Bureau"
budget = "Approved Cost (k$)"
expected_benefit = "Expected Savings (k$)"
start_month = "Start Date"
duration_months = { months_between = ["Start Date", "Planned Finish"] }
status = { from_dates = { start = "Start Date", finish = "Actual Finish" } }
[files.values.status]
"Ongoing" = "active"
"""


def make_files(rows: int) -> Path:
    """projects.csv and Investments.csv with the same `rows` projects (generated once, then reused)."""
    import numpy as np
    import pandas as pd

    target = OUT / f"mapping_{rows}"
    if (target / "Investments.csv").is_file() and (target / "projects.csv").is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(15)
    start = np.datetime64("2018-01-01") + rng.integers(0, 365 * 10, rows).astype("timedelta64[D]")
    finish = start + rng.integers(20, 365 * 5, rows).astype("timedelta64[D]")
    finished = finish <= np.datetime64(AS_OF)
    actual = np.where(finished & (rng.random(rows) < 0.9), finish, np.datetime64("NaT"))
    ids = pd.Series(np.arange(1, rows + 1)).map("INV-{:07d}".format)
    budget = np.round(rng.uniform(10, 5000, rows), 1)
    benefit = np.round(budget * rng.uniform(0, 2, rows), 1)
    bureau = rng.choice(["Finance", "Programs", "IT", "Operations", "Legal"], rows)
    months = (finish.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(int) + 1
    status = np.where(~np.isnat(actual), "completed", np.where(start > np.datetime64(AS_OF), "approved", "active"))
    pd.DataFrame({
        "project_id": ids, "name": "Project " + ids, "category": bureau, "status": status,
        "start_month": pd.Series(start.astype("datetime64[M]").astype(str)), "duration_months": months,
        "budget": budget, "expected_benefit": benefit,
    }).to_csv(target / "projects.csv", index=False)

    def stamp(days: np.ndarray) -> pd.Series:
        text = pd.Series(np.datetime_as_string(days, unit="D"))
        return (text + "T00:00:00").where(~np.isnat(days), "")

    pd.DataFrame({
        "Investment ID": ids, "Investment Title": "Project " + ids, "Owning Bureau": bureau,
        "Approved Cost (k$)": budget, "Expected Savings (k$)": benefit, "Start Date": stamp(start),
        "Planned Finish": stamp(finish), "Actual Finish": stamp(actual),
        "Lifecycle Phase": np.where(~np.isnat(actual), "Closed", "Ongoing"),
    }).to_csv(target / "Investments.csv", index=False)
    return target


def _checksum(con) -> list:
    return con.execute(
        "SELECT count(*), sum(duration_months), sum(CASE status WHEN 'completed' THEN 1 WHEN 'approved' THEN 2 ELSE 3 END),"
        " round(sum(budget), 1), min(start_month) FROM projects"
    ).fetchone()


def child(side: str, folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from store import db
    from store.importer import import_paths
    from store.mapping import from_toml

    file = folder / ("projects.csv" if side == "plain" else "Investments.csv")
    mapping = from_toml(MAPPING) if side == "mapped" else None
    with tempfile.TemporaryDirectory() as tmp:
        con = db.connect(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        report = import_paths(con, [file], label="bench", as_of=AS_OF, actor="bench", mapping=mapping)
        seconds = time.perf_counter() - start
        if report.snapshot_id is None:
            raise SystemExit(f"import refused: {[(p.code, p.column) for p in report.errors[:5]]}")
        checksum = [str(v) for v in _checksum(con)]
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rows": sum(report.rows.values()), "peak_rss_mb": peak, "checksum": checksum}


def run_child(side: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", side, "--folder", str(folder)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["plain", "mapped"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder))))
        return 0
    folder = make_files(args.rows)
    results: dict[str, list[dict]] = {"plain": [], "mapped": []}
    for _ in range(args.repeat):
        for side in ("plain", "mapped"):
            results[side].append(run_child(side, folder))
    best = {side: min(runs, key=lambda r: r["seconds"]) for side, runs in results.items()}
    if best["plain"]["checksum"] != best["mapped"]["checksum"]:
        raise SystemExit(f"the two imports differ: {best['plain']['checksum']} vs {best['mapped']['checksum']}")
    sizes = {name: (folder / name).stat().st_size / 1024**2 for name in ("projects.csv", "Investments.csv")}
    print(f"files: {folder} (projects.csv {sizes['projects.csv']:.1f} MB, Investments.csv "
          f"{sizes['Investments.csv']:.1f} MB, {best['plain']['rows']:,} rows each, same rows imported)")
    print(f"{'':8} {'best s':>8} {'all runs (s)':>24} {'rows/s':>12} {'peak RSS MB':>12}")
    for side in ("plain", "mapped"):
        runs = ", ".join(f"{r['seconds']:.2f}" for r in results[side])
        b = best[side]
        print(f"{side:8} {b['seconds']:8.2f} {runs:>24} {b['rows'] / b['seconds']:12,.0f} {b['peak_rss_mb']:12.0f}")
    print(f"ratio mapped / plain: {best['mapped']['seconds'] / best['plain']['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
