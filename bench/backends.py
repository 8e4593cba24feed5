"""DuckDB file against PostgreSQL (through DuckDB's postgres extension): import and page-query times.

    .venv/bin/python bench/backends.py                       # 1,000,000 status-report rows, the sample's queries
    .venv/bin/python bench/backends.py --rows 100000 --repeat 1   # a quick look
    .venv/bin/python bench/backends.py --pg postgresql://user@host/db   # an existing (empty) server database

Without --pg it starts a throwaway PostgreSQL cluster like the tests do (tests/pg.py: in /dev/shm,
durability off, so the server's figures are a lower bound for a real server with fsync on), and
keeps the DuckDB files in /dev/shm too.

Import: the write phase of an import (`store.snapshots._write_rows`: one transaction of data rows) of
a status_reports frame of --rows rows, three ways:
  duckdb        into a DuckDB file (register the frame, INSERT ... BY NAME)
  pg-extension  the same code on PostgreSQL: DuckDB's extension streams the rows with binary COPY
  pg-copy       psycopg's COPY FROM STDIN fed with CSV text made by pyarrow (the alternative we measured)
Queries: the store reads the pages make on the bundled sample (six snapshots), best of --repeat,
on a DuckDB file and on PostgreSQL. Ratios are PostgreSQL / DuckDB (above 1: PostgreSQL slower).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store import db, decision_log, delivery, scenarios, snapshots  # noqa: E402
from store.importer import load_sample  # noqa: E402


def status_frame(rows: int) -> pd.DataFrame:
    """`rows` status reports (projects x months), deterministic."""
    rng = np.random.default_rng(17)
    months = 100
    projects = max(1, rows // months)
    n = projects * months
    project = np.repeat([f"P{i:05d}" for i in range(projects)], months)
    date = np.tile(pd.date_range("2020-01-31", periods=months, freq="ME").date, projects)
    pv = rng.uniform(10, 1000, n)
    return pd.DataFrame({
        "project_id": project, "report_date": date, "planned_value": pv, "earned_value": pv * rng.uniform(0.7, 1.1, n),
        "actual_cost": pv * rng.uniform(0.8, 1.3, n), "percent_complete": rng.uniform(0, 100, n),
        "rag": rng.choice(["green", "amber", "red"], n), "open_risks": rng.integers(0, 9, n).astype("int32"),
    })


def _best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def import_times(duck_path: Path, uri: str, frame: pd.DataFrame, repeat: int) -> dict[str, float]:
    frames = {"status_reports": frame}
    results = {}
    counter = iter(range(1000, 10_000))
    for name, target in (("duckdb", str(duck_path)), ("pg-extension", uri)):
        con = db.connect(target)
        results[name] = _best(repeat, lambda con=con: snapshots._write_rows(con, next(counter), frames))
        con.close()
    results["pg-copy"] = _best(repeat, lambda: _psycopg_copy(uri, next(counter), frame))
    return results


def _psycopg_copy(uri: str, snapshot_id: int, frame: pd.DataFrame) -> None:
    import psycopg
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = frame.copy()
    data.insert(0, "snapshot_id", snapshot_id)
    buffer = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pandas(data, preserve_index=False), buffer,
                    pacsv.WriteOptions(include_header=False))
    columns = ", ".join(data.columns)
    with psycopg.connect(uri) as pg, pg.cursor() as cur, cur.copy(
        f"COPY status_reports ({columns}) FROM STDIN (FORMAT csv)"
    ) as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start:start + (1 << 20)])


QUERIES = {
    "list_snapshots": lambda con, sid: snapshots.list_snapshots(con),
    "read_table projects": lambda con, sid: snapshots.read_table(con, "projects", sid),
    "read_table status_reports": lambda con, sid: snapshots.read_table(con, "status_reports", sid),
    "delivery.latest_reports": lambda con, sid: delivery.latest_reports(con, sid),
    "delivery.portfolio_history": lambda con, sid: delivery.portfolio_history(con, sid),
    "delivery.compare_with_previous": lambda con, sid: delivery.compare_with_previous(con, sid),
    "delivery.committed_demand": lambda con, sid: delivery.committed_demand(con, sid),
    "scenarios.list_scenarios": lambda con, sid: scenarios.list_scenarios(con, sid),
    "decision_log.entries": lambda con, sid: decision_log.entries(con),
}


def query_times(duck_path: Path, uri: str, repeat: int) -> dict[str, tuple[float, float]]:
    cons = {}
    for name, target in (("duckdb", str(duck_path)), ("postgres", uri)):
        con = db.connect(target)
        start = time.perf_counter()
        load_sample(con)
        print(f"  sample import into {name}: {time.perf_counter() - start:.2f} s", flush=True)
        cons[name] = con
    sid = snapshots.latest_snapshot_id(cons["duckdb"])
    results = {}
    for label, query in QUERIES.items():
        results[label] = tuple(_best(repeat, lambda c=cons[n], q=query: q(c, sid)) for n in ("duckdb", "postgres"))
    for con in cons.values():
        con.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="an empty PostgreSQL database (default: a throwaway local cluster)")
    args = parser.parse_args()
    cluster = None
    if args.pg is None:
        from tests.pg import Cluster, postgres_bin

        cluster = Cluster(postgres_bin())
    try:
        shm = Path("/dev/shm")  # the DuckDB file in memory too, like the throwaway cluster: same footing
        with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() and args.pg is None else None) as tmp:
            tmp = Path(tmp)
            frame = status_frame(args.rows)
            uri = args.pg or str(cluster.create("bench_import"))
            print(f"Import write phase, {len(frame):,} status_reports rows (best of {args.repeat}):")
            times = import_times(tmp / "import.duckdb", uri, frame, args.repeat)
            for name, seconds in times.items():
                print(f"  {name:<13} {seconds:7.2f} s   {len(frame) / seconds:>10,.0f} rows/s"
                      f"   x{seconds / times['duckdb']:.1f} of duckdb")
            uri = args.pg or str(cluster.create("bench_queries"))
            if args.pg:  # the import rows are in the way of the sample: start from an empty database
                con = db.connect(uri)
                con.execute("DELETE FROM status_reports")
                con.close()
            print(f"Page queries on the sample (best of {args.repeat}), milliseconds:")
            print(f"  {'query':<32} {'duckdb':>8} {'postgres':>9} {'ratio':>6}")
            for label, (duck, pg) in query_times(tmp / "queries.duckdb", uri, args.repeat).items():
                print(f"  {label:<32} {duck * 1000:8.1f} {pg * 1000:9.1f} {pg / duck:6.1f}")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
