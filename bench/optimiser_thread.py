"""Does an optimiser run stall other people's pages? Another session's page render times while a
2,500-project solve runs: on a thread of the server process (as the Optimiser page ran it, on its
script thread) versus in the optimiser's worker process (ui/jobs.py, as it runs now).

    .venv/bin/python bench/optimiser_thread.py [--db FILE] [--page overview] [--time-limit 20] [--renders 8]
                                               [--rounds 1]

The portfolio is bench/harness.py's generated 2,500-project one (imported once and cached in
bench/out/db/, or `--db` names a DuckDB file holding it). The run is the page's whole pure pipeline,
`store.optimiser_runs.solve_run` (build the model, solve with HiGHS, greedy baseline, explanations).
The "other session" is an AppTest of `--page` (a real Streamlit script run in this process, where
a server runs every session's script thread), rendered again and again for as long as the run lasts.
Printed per mode: the run's seconds and the median and worst of the other page's renders; `idle` is
the same render with nothing else running. Then, for the process mode, how long a Cancel takes to
stop a running solve. The load average is printed beside each line: compare lines of one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def render_times(page: str, snapshot_id: int, renders: int | None, until: threading.Event | None = None) -> list[float]:
    """Seconds of each render of `page` by a fresh session: `renders` of them, or until `until` is set."""
    from streamlit.testing.v1 import AppTest

    times: list[float] = []
    while (renders is not None and len(times) < renders) or (until is not None and not until.is_set()):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["lang"] = "en"
        at.session_state["snapshot_id"] = snapshot_id
        at.switch_page(f"views/{page}.py")
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return times


def _line(mode: str, seconds: float | None, times: list[float], load: str) -> str:
    run = f"run {seconds:6.1f} s" if seconds is not None else "no run      "
    return (f"{mode:8} {run}  {len(times):3} renders of the other page: median {statistics.median(times):5.2f} s  "
            f"worst {max(times):5.2f} s  ({load})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a DuckDB file holding the 2,500-project portfolio")
    parser.add_argument("--size", type=int, default=2500)
    parser.add_argument("--page", default="overview", help="the other session's page (views/<page>.py)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="the solver's limit, seconds")
    parser.add_argument("--renders", type=int, default=8, help="renders with nothing else running")
    parser.add_argument("--rounds", type=int, default=1,
                        help="thread and process measured in turn this many times (the load drifts)")
    args = parser.parse_args(argv)
    import logging

    from streamlit.testing.v1 import AppTest  # noqa: F401 - its loggers exist from here on

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("streamlit")]:
        logging.getLogger(name).setLevel(logging.ERROR)   # AppTest outside a server warns on every run

    from analytics.selection_types import SelectionParams
    from store import db, optimiser_runs
    from store.portfolio import load_portfolio
    from ui.jobs import JobRunner

    source = args.db
    if source is None:
        from bench.harness import portfolio_db

        source = portfolio_db(ROOT, args.size)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "bench.duckdb"
        shutil.copyfile(source, work)
        os.environ["LODESTAR_DB"] = str(work)
        con = db.cursor(str(work))
        snapshot_id = int(con.execute("SELECT max(snapshot_id) FROM snapshots").fetchone()[0])
        data = load_portfolio(con, snapshot_id, None)
        params = SelectionParams(horizon_start=data.as_of, time_limit_seconds=args.time_limit)
        runner = JobRunner(workers=1, preload=("store.optimiser_runs",))
        render_times(args.page, snapshot_id, 2)   # warm imports and caches (and the worker, meanwhile)
        print(f"{len(data.projects):,} projects, snapshot {snapshot_id}; the other session renders {args.page}; "
              f"solver limit {args.time_limit:g} s", flush=True)
        print(_line("idle", None, render_times(args.page, snapshot_id, args.renders), _load()), flush=True)

        for mode in ("thread", "process") * args.rounds:
            done = threading.Event()
            took: dict[str, float] = {}

            def work(mode: str = mode, done: threading.Event = done, took: dict = took) -> None:
                started = time.perf_counter()
                if mode == "thread":   # before: the page's script thread, a thread of the server process
                    optimiser_runs.solve_run(data, params)
                else:                  # after: the optimiser's worker process
                    job = runner.start("bench", ("run", time.monotonic()), optimiser_runs.solve_run, data, params)
                    job.wait()
                    assert job.state == "done", job.error
                took["seconds"] = time.perf_counter() - started
                done.set()

            worker = threading.Thread(target=work)
            worker.start()
            times = render_times(args.page, snapshot_id, None, until=done)
            worker.join()
            print(_line(mode, took["seconds"], times, _load()), flush=True)

        job = runner.start("bench", ("run", "cancelled"), optimiser_runs.solve_run, data,
                           SelectionParams(horizon_start=data.as_of, time_limit_seconds=600.0, mip_gap=0.0))
        while job.progress is None:
            time.sleep(0.05)
        time.sleep(3.0)   # well into the model build / solve
        asked = time.perf_counter()
        runner.cancel(job)
        job.wait()
        print(f"cancel   a run {job.elapsed - (time.perf_counter() - asked):.1f} s in: stopped "
              f"{time.perf_counter() - asked:.2f} s after Cancel, state {job.state}", flush=True)
        runner.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
