"""Import speed: our validated import of a 1,000,000-row status_reports file against DuckDB's bare read_csv.

    .venv/bin/python bench/import_bench.py                 # 10,000 projects x 100 months = 1,000,000 rows
    .venv/bin/python bench/import_bench.py --projects 1000 --months 100 --repeat 1   # a quick look

The files come from the sample generator (`python -m data.generate ... --all-reporting --plain
--tables projects,status_reports`) and are kept in bench/out/ for the next run. Both sides read the
same two files (projects.csv, status_reports.csv) into a fresh DuckDB file:

  ours    store.importer.import_paths: decode, recognise, parse and validate every cell and every
          cross-file rule, then write the snapshot in one transaction
  duckdb  CREATE TABLE ... AS SELECT * FROM read_csv(file) for each file (type sniffing, no rules)

Each side runs in its own child process (so peak memory is its own), `--repeat` times, interleaved;
the best time of each is compared. Peak memory is the child's peak resident set size
(resource.getrusage), which includes Arrow's and DuckDB's native buffers, next to the resident size
after imports and before the work.

`--memory` measures the whole bundle instead (all nine tables, issue 18's memory target): the
generator's `--all-reporting --plain` bundle of `--projects` x `--months` (10,000 x 100: 1,000,000
status reports and 9.1 million demand rows) is written once under `--data` (not in the repository),
then `cli.py import` of each tree runs in a child process of its own: this tree, and with
`--baseline DIR` another worktree (`git worktree add DIR main`, its `.venv` a link to ours), one after
the other, `--repeat` times. Printed side by side: peak RSS (the child's `ru_maxrss` from `wait4`,
as `/usr/bin/time -v` reports it), wall time and CPU time (user + system, which the machine's load
changes much less than the wall time).

    .venv/bin/python bench/import_bench.py --memory --projects 2000 --baseline /tmp/h18mem_base
    .venv/bin/python bench/import_bench.py --memory --projects 10000 --baseline /tmp/h18mem_base
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_files(projects: int, months: int) -> Path:
    """The benchmark's projects.csv and status_reports.csv (generated once, then reused)."""
    target = OUT / f"import_{projects}x{months}"
    found = sorted(target.glob("*/status_reports.csv"))
    if found:
        return found[0].parent
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "data.generate", "--projects", str(projects), "--months", str(months),
        "--snapshots", "1", "--all-reporting", "--plain", "--tables", "projects,status_reports",
        "--out", str(target),
    ]
    print("generating:", " ".join(command[1:]), flush=True)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return sorted(target.glob("*/status_reports.csv"))[0].parent


def child(side: str, folder: Path) -> dict:
    """Run one side once in this process; returns seconds and memory figures."""
    sys.path.insert(0, str(ROOT))
    import duckdb

    from store import db
    from store.importer import import_paths

    files = [folder / "projects.csv", folder / "status_reports.csv"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        if side == "ours":
            con = db.connect(path)
            before = _rss_mb()
            start = time.perf_counter()
            report = import_paths(con, files, label="bench")
            seconds = time.perf_counter() - start
            if report.snapshot_id is None:
                raise SystemExit(f"import refused: {[p.code for p in report.errors[:5]]}")
            rows = sum(report.rows.values())
        else:
            con = duckdb.connect(str(path))
            before = _rss_mb()
            start = time.perf_counter()
            for i, file in enumerate(files):
                con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?)", [str(file)])
            seconds = time.perf_counter() - start
            rows = sum(con.execute(f"SELECT count(*) FROM t{i}").fetchone()[0] for i in range(len(files)))
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rows": rows, "rss_before_mb": before, "peak_rss_mb": peak}


def run_child(side: str, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", side, "--folder", str(folder)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_bundle(projects: int, months: int, data: Path) -> Path:
    """The whole benchmark bundle (every table, every project reporting every month), generated once."""
    target = data / f"bundle_{projects}x{months}"
    found = sorted(target.glob("*/snapshot.json"))
    if found:
        return found[0].parent
    command = [
        sys.executable, "-m", "data.generate", "--projects", str(projects), "--months", str(months),
        "--snapshots", "1", "--all-reporting", "--plain", "--out", str(target),
    ]
    print("generating:", " ".join(command[1:]), flush=True)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return sorted(target.glob("*/snapshot.json"))[0].parent


def import_peak(root: Path, folder: Path) -> dict:
    """`cli.py import` of `folder` by the tree at `root` into a fresh database: wall seconds, peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [str(root / ".venv" / "bin" / "python"), str(root / "cli.py"), "import", "--db",
                   str(Path(tmp) / "bench.duckdb"), "--label", "bench", str(folder)]
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        error = child.stderr.read().decode(errors="replace") if child.stderr else ""
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{root}: import failed ({child.returncode}): {error[-500:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime}


def memory(args: argparse.Namespace) -> int:
    folder = make_bundle(args.projects, args.months, Path(args.data))
    rows = sum(max(sum(1 for _ in f.open("rb")) - 1, 0) for f in folder.glob("*.csv"))
    size_mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 1024**2
    trees = [("before", Path(args.baseline))] if args.baseline else []
    trees.append(("after", ROOT))
    runs: dict[str, list[dict]] = {name: [] for name, _ in trees}
    for _ in range(args.repeat):
        for name, root in trees:
            runs[name].append(import_peak(root, folder))
    print(f"bundle: {folder} ({size_mb:.0f} MB, {rows:,} rows in nine files); load {os.getloadavg()[0]:.1f}")
    print(f"{'tree':8} {'peak RSS MB':>12} {'wall s':>8} {'cpu s':>7}   runs (peak MB / wall s / cpu s)")
    for name, root in trees:
        best = min(runs[name], key=lambda r: r["peak_rss_mb"])
        every = ", ".join(f"{r['peak_rss_mb']:.0f} / {r['seconds']:.1f} / {r['cpu']:.1f}" for r in runs[name])
        fastest, least = min(r["seconds"] for r in runs[name]), min(r["cpu"] for r in runs[name])
        print(f"{name:8} {best['peak_rss_mb']:12.0f} {fastest:8.1f} {least:7.1f}   {every}   ({root})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="peak RSS of `cli.py import` of the whole bundle")
    parser.add_argument("--baseline", help="with --memory: another worktree to measure before this one")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "lodestar_import_bench"),
                        help="with --memory: where the bundle is generated (default: the temporary folder)")
    parser.add_argument("--child", choices=["ours", "duckdb"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory:
        if "--repeat" not in (argv if argv is not None else sys.argv):
            args.repeat = 1
        return memory(args)
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder))))
        return 0
    folder = make_files(args.projects, args.months)
    size_mb = sum(f.stat().st_size for f in (folder / "projects.csv", folder / "status_reports.csv")) / 1024**2
    results: dict[str, list[dict]] = {"ours": [], "duckdb": []}
    for _ in range(args.repeat):
        for side in ("duckdb", "ours"):
            results[side].append(run_child(side, folder))
    best = {side: min(runs, key=lambda r: r["seconds"]) for side, runs in results.items()}
    ours, bare = best["ours"], best["duckdb"]
    print(f"files: {folder} ({size_mb:.1f} MB, {ours['rows']:,} rows incl. projects)")
    print(f"{'':8} {'best s':>8} {'all runs (s)':>24} {'rows/s':>12} {'peak RSS MB':>12} {'RSS before':>11}")
    for side in ("ours", "duckdb"):
        runs = ", ".join(f"{r['seconds']:.2f}" for r in results[side])
        b = best[side]
        print(f"{side:8} {b['seconds']:8.2f} {runs:>24} {b['rows'] / b['seconds']:12,.0f} "
              f"{b['peak_rss_mb']:12.0f} {b['rss_before_mb']:11.0f}")
    print(f"ratio ours / duckdb read_csv: {ours['seconds'] / bare['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
