"""Does a large upload check stall other users' pages? Render time of a second session's page while a
check runs: on the script's thread (as the Data page did) versus in the worker process (as it does now).

    .venv/bin/python bench/upload_check_blocking.py [--rows 2000000] [--renders 10]

The check input is a projects.csv whose every cell takes the slow (Python) path: distinct budgets
written with thousands separators and distinct Chinese month names. The "other session" is an AppTest
of the Data page (a real Streamlit script run in this process). Printed per mode: the check's seconds
and the median and worst time of the other page's renders, repeated for as long as the check ran;
`idle` is the same render with nothing else running.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store.importer import check_files  # noqa: E402


def slow_projects(rows: int) -> bytes:
    lines = ["project_id,name,status,start_month,duration_months,budget"]
    for i in range(rows):
        year, month = 2000 + i // 12 % 80, i % 12 + 1
        lines.append(f'P{i:07d},Project {i},active,{year}年{month}月,12,"{1000 + i // 1000:,},{i % 1000:03d}.5"')
    return ("\n".join(lines) + "\n").encode()


def render_times(renders: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    times = []
    for _ in range(renders):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["lang"] = "en"
        started = time.perf_counter()
        at.run()
        at.switch_page("views/data.py")
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception
    return times


def run_mode(mode: str, files: list[tuple[str, bytes]], pool: ProcessPoolExecutor, renders: int) -> str:
    done: dict[str, float] = {}

    def check() -> None:
        started = time.perf_counter()
        if mode == "thread":
            check_files(files)
        else:
            pool.submit(check_files, files).result()
        done["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=check) if mode != "idle" else None
    if worker is None:
        times = render_times(renders)
    else:
        worker.start()
        times = []
        while worker.is_alive():  # render again and again for as long as the check runs
            times += render_times(1)
        worker.join()
    check_text = f"check {done['seconds']:5.1f} s" if done else "no check    "
    return (f"{mode:8} {check_text}  {len(times):3} renders of the other page: median {statistics.median(times):5.2f} s  "
            f"worst {max(times):5.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--renders", type=int, default=10, help="renders with nothing else running")
    args = parser.parse_args(argv)
    files = [("projects.csv", slow_projects(args.rows))]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LODESTAR_DB"] = str(Path(tmp) / "bench.duckdb")
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
        pool.submit(check_files, [("p.csv", b"project_id\n")]).result()  # the worker is started once, up front
        render_times(1)  # warm imports and caches
        print(f"{args.rows:,} rows, {len(files[0][1]) / 1024**2:.0f} MB; the other session renders the Data page")
        for mode in ("idle", "thread", "process"):
            print(run_mode(mode, files, pool, args.renders), flush=True)
        pool.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
