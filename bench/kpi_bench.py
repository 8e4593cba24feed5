"""Delivery KPI speed: EVM, health, trends and resource load on the 10,000-project, 1,000,000-report
portfolio, and the delivery pages' cached loaders on the bundled sample.

    .venv/bin/python bench/kpi_bench.py                          # 10,000 projects x 100 months
    .venv/bin/python bench/kpi_bench.py --projects 1000 --months 24 --no-pages   # a quick look

Figures go to stdout; Streamlit's bare-mode warnings go to stderr (add `2>/dev/null`).

Part 1 generates the benchmark portfolio in memory (`data.generate.generate(..., all_reporting=True)`:
every project reports every month, so the latest snapshot holds projects x months status rows),
writes `--snapshots` monthly snapshots into a fresh DuckDB file with `store.snapshots.create_snapshot`
(demand, the largest table, only in the latest snapshot) and times each step the delivery page and
`cli.py kpis` take on the latest snapshot, in seconds.

Part 2 imports the bundled sample (data/sample) into a temporary file and times each page's cached
loaders cold (first call) and warm (cache hit), then a full AppTest rerun of each page once its
caches are warm: the time a user waits after a click.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics.evm import portfolio_evm  # noqa: E402
from analytics.health import assess_projects, exceptions  # noqa: E402
from analytics.resource_load import planning_horizon, resource_load  # noqa: E402
from analytics.trends import evm_trend, finish_slips, health_moves, scope_changes  # noqa: E402
from store import db, delivery, snapshots  # noqa: E402


def timed(label: str, work: Callable[[], Any], rows: Callable[[Any], str] | None = None, repeat: int = 3) -> Any:
    """Run `work` `repeat` times; print the first run's seconds and, if repeated, the best later run
    (the first pays for reading the DuckDB file from disk into its buffer pool)."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = work()
        seconds.append(time.perf_counter() - start)
    detail = f"  ({rows(value)})" if rows else ""
    again = f"  then {min(seconds[1:]):7.3f} s" if repeat > 1 else ""
    print(f"  {label:<56} {seconds[0]:8.3f} s{again}{detail}", flush=True)
    return value


def big_portfolio(projects: int, months: int, count: int, folder: Path) -> tuple[Path, int]:
    from data.generate import generate

    print(f"Part 1: {projects:,} projects x {months} months, {count} snapshot(s)", flush=True)
    generated = timed("generate (data.generate, all reporting)",
                      lambda: generate(projects=projects, months=months, seed=11, snapshots=count, all_reporting=True),
                      lambda g: f"{len(g[-1].frames['status_reports']):,} reports in the latest", repeat=1)
    path = folder / "bench.duckdb"
    con = db.connect(path)
    latest = None
    for i, snap in enumerate(generated):
        frames = dict(snap.frames)
        if i < len(generated) - 1:
            frames.pop("demand")  # demand (millions of rows) only where resource load is measured
        latest = timed(f"create_snapshot {snap.label}",
                       lambda frames=frames, snap=snap: snapshots.create_snapshot(
                           con, label=snap.label, as_of=snap.as_of, frames=frames, files=[]),
                       lambda _, frames=frames: f"{sum(len(f) for f in frames.values()):,} rows", repeat=1)
        generated[i] = None  # free the frames as we go
    con.execute("CHECKPOINT")
    con.close()
    return path, int(latest)


def measure_kpis(path: Path, snapshot_id: int) -> None:
    print("  step (first run, then the best of two more)", flush=True)
    con = db.connect(path)
    total = time.perf_counter()  # includes the repeats
    latest = timed("latest report per project (SQL)", lambda: delivery.latest_reports(con, snapshot_id),
                   lambda f: f"{len(f):,} projects")
    assessed = timed(f"EVM figures + health rule ({len(latest):,} projects)", lambda: assess_projects(latest, "cpi"))
    timed("portfolio EVM (sums then ratios)", lambda: portfolio_evm(latest, "cpi"))
    timed("exceptions, worst first", lambda: exceptions(assessed), lambda f: f"{len(f):,} flagged")
    timed("portfolio S-curve by month (SQL, LAG + running SUM)", lambda: delivery.portfolio_history(con, snapshot_id),
          lambda f: f"{len(f)} months")
    compared = timed("compare with previous snapshot (SQL)", lambda: delivery.compare_with_previous(con, snapshot_id))
    timed("health moves + scope creep + finish slips",
          lambda: (health_moves(compared), scope_changes(compared), finish_slips(compared)),
          lambda r: f"{len(r[0]):,} worse, {len(r[1]):,} rebudgeted")
    timed("portfolio CPI/SPI per snapshot (SQL + ratios)", lambda: evm_trend(delivery.portfolio_series(con)),
          lambda f: f"{len(f)} snapshots")
    timed("per-project series across snapshots (SQL)", lambda: delivery.snapshot_series(con),
          lambda f: f"{len(f):,} rows")
    timed("one project's report history (SQL)",
          lambda: delivery.report_history(con, snapshot_id, str(latest["project_id"].iloc[0])),
          lambda f: f"{len(f)} reports")

    def load() -> Any:
        capacity = delivery.capacity(con, snapshot_id)
        as_of = snapshots.get_snapshot(con, snapshot_id).as_of
        demand = delivery.committed_demand(con, snapshot_id)
        return resource_load(demand, capacity, planning_horizon(capacity["month"], as_of, 24))

    timed("committed load vs capacity, 24 months (SQL + analytics)", load,
          lambda r: f"{len(r.cells):,} role-months, {len(r.over_allocations())} over")
    print(f"  {'all of the above, with repeats':<56} {time.perf_counter() - total:8.3f} s", flush=True)
    from commands.delivery import kpi_report

    timed("cli.py kpis end to end (report dict)", lambda: kpi_report(con, snapshot_id), lambda r: f"{len(r['projects']):,} projects")
    con.close()


def measure_pages(folder: Path) -> None:
    import streamlit.logger

    warnings.filterwarnings("ignore")
    streamlit.logger.set_log_level("error")  # bare-mode cache warnings would drown the figures
    from store.importer import load_sample

    path = folder / "sample.duckdb"
    con = db.connect(path)
    ids = load_sample(con)
    con.close()
    snapshot_id = ids[-1]
    print(f"\nPart 2: sample bundle, snapshot {snapshot_id} of {len(ids)}; cached loaders cold -> warm", flush=True)
    from ui import delivery as dv
    from ui import maturity as mt
    from ui import resources as rs

    p = str(path)
    keys = dv.snapshot_set(p)
    thresholds = dv.thresholds_key(dv.HealthThresholds())
    view = None
    loaders: list[tuple[str, Callable[[], Any]]] = [
        ("delivery: load_delivery", lambda: dv.load_delivery(p, snapshot_id, "cpi", thresholds, keys)),
        ("delivery: load_project", lambda: dv.load_project(p, snapshot_id, str(view.projects["project_id"].iloc[0]), "cpi", keys)),
        ("resources: load_resources", lambda: rs.load_resources(p, snapshot_id, None, None, 24)),
        ("maturity: load_maturity", lambda: mt.load_maturity(p, snapshot_id, 80.0)),
        ("maturity: load_process_overview", lambda: mt.load_process_overview(p, snapshot_id)),
    ]
    for label, work in loaders:
        cold = time.perf_counter()
        result = work()
        cold = time.perf_counter() - cold
        warm = time.perf_counter()
        work()
        warm = time.perf_counter() - warm
        if view is None:
            view = result
        print(f"  {label:<40} cold {cold:7.3f} s   warm {warm:7.4f} s", flush=True)
    process = str(mt.load_process_overview(p, snapshot_id)["process"].iloc[0])
    for label, change in (("maturity: analyse_kpi (no change)", None), ("maturity: analyse_kpi (change)", "2026-01")):
        cold = time.perf_counter()
        mt.analyse_kpi(p, snapshot_id, process, "cycle_time_days", change)
        cold = time.perf_counter() - cold
        warm = time.perf_counter()
        mt.analyse_kpi(p, snapshot_id, process, "cycle_time_days", change)
        print(f"  {label:<40} cold {cold:7.3f} s   warm {time.perf_counter() - warm:7.4f} s", flush=True)

    from streamlit.testing.v1 import AppTest

    os.environ["LODESTAR_DB"] = p
    print("  full page rerun with warm caches (AppTest, app.py + page):", flush=True)
    for page in ("views/delivery.py", "views/resources.py", "views/maturity.py"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        streamlit.logger.set_log_level("error")
        at.session_state["lang"] = "zh"
        at.switch_page(page)
        at.session_state["snapshot_id"] = snapshot_id
        first = time.perf_counter()
        at.run()
        first = time.perf_counter() - first
        runs = []
        for _ in range(3):
            at.session_state["snapshot_id"] = snapshot_id
            start = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - start)
        status = "error" if at.exception or at.error else "ok"
        print(f"    {page:<36} first {first:6.3f} s   rerun best {min(runs):6.3f} s   ({status})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=100)
    parser.add_argument("--snapshots", type=int, default=2, help="monthly snapshots (the trend needs two)")
    parser.add_argument("--no-pages", action="store_true", help="skip part 2 (sample pages)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lodestar-kpi-bench-") as tmp:
        folder = Path(tmp)
        path, latest = big_portfolio(args.projects, args.months, args.snapshots, folder)
        measure_kpis(path, latest)
        db.close_shared(path)
        if not args.no_pages:
            measure_pages(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
