"""Kill a real `cli.py import` at seeded moments of its write phase and count what it left behind.

    python bench/import_crash.py --bundle BIG/01_2026-10 --kills 10 [--seed 13] [--repo .]
        [--delay-min-ms 0 --delay-max-ms 40 | --spread] [--prime SMALL_BUNDLE]

For each kill: a fresh migrated database (with `--prime`, one small earlier snapshot in it), start
`python cli.py import` on the bundle, wait until `<db>.wal` appears (the write phase has begun),
sleep a seeded delay and SIGKILL the process. Then the file is opened with plain DuckDB (no cleanup
of ours) and two things are counted:

- orphan rows: rows of a data or owned table whose snapshot_id has no row in the table of snapshot
  records (`snapshots_all` when it exists, else `snapshots`): invisible, undeletable debris;
- pending rows: rows of a snapshot record that exists but is not complete (only after the
  pending -> complete change; an open cleans these up).

Finally the file is opened the way the app opens it (`store.db.connect` of `--repo`, cleanup
included) and the orphan and pending rows left are counted again, with the visible snapshots.
`--repo` is the checkout whose cli.py and store are used, so the same script measures an older
release (copy it with `git archive`) and this one. Prints one line per kill and a summary.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

TABLES = ("projects", "objectives", "project_scores", "capacity", "demand", "status_reports",
          "maturity", "process_kpis", "spend_profile", "snapshot_files", "weight_sets", "scenarios")


def debris(path: Path) -> tuple[int, int, int]:
    """(orphan rows, pending rows, visible snapshots) of a database, read with plain DuckDB."""
    con = duckdb.connect(str(path))
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        records = "snapshots_all" if "snapshots_all" in names else "snapshots"
        complete = "state = 'complete'" if records == "snapshots_all" else "true"
        orphans = pending = 0
        for table in TABLES:
            if table not in names:
                continue
            orphans += con.execute(
                f"SELECT count(*) FROM {table} WHERE snapshot_id NOT IN (SELECT snapshot_id FROM {records})"
            ).fetchone()[0]
            pending += con.execute(
                f"SELECT count(*) FROM {table} WHERE snapshot_id IN"
                f" (SELECT snapshot_id FROM {records} WHERE NOT ({complete}))"
            ).fetchone()[0]
        visible = con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
        return orphans, pending, visible
    finally:
        con.close()


def open_like_the_app(repo: Path, path: Path) -> str:
    """Open the file with the checkout's own `store.db.connect` in a fresh interpreter."""
    code = "import sys; from store import db; db.connect(sys.argv[1]).close()"
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return "ok" if done.returncode == 0 else f"FAILED: {done.stderr.strip().splitlines()[-1:]}"


def kill_once(repo: Path, bundle: Path, db: Path, delay: float, prime: Path | None) -> dict:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # A migrated, closed (checkpointed) file: its WAL then appears only when the import writes.
    subprocess.run([sys.executable, "-c", "import sys; from store import db; db.connect(sys.argv[1]).close()", str(db)],
                   cwd=repo, env=env, check=True)
    if prime is not None:
        subprocess.run([sys.executable, "cli.py", "import", "--db", str(db), "--label", "prime", str(prime)],
                       cwd=repo, env=env, check=True, capture_output=True)
    wal = Path(str(db) + ".wal")
    proc = subprocess.Popen([sys.executable, "cli.py", "import", "--db", str(db), "--label", "big", str(bundle)],
                            cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    while not wal.exists() and proc.poll() is None:
        time.sleep(0.0005)
    seen = time.monotonic() - started
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    orphans, pending, visible = debris(db)
    opened = open_like_the_app(repo, db)
    after = debris(db) if opened == "ok" else (None, None, None)
    return {"wal_s": seen, "delay_ms": delay * 1000, "killed": killed, "orphans": orphans, "pending": pending,
            "visible": visible, "open": opened, "orphans_after": after[0], "pending_after": after[1],
            "visible_after": after[2]}


def write_window(repo: Path, bundle: Path, db: Path) -> float:
    """Seconds from the WAL's appearance to the end of one uninterrupted import."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run([sys.executable, "-c", "import sys; from store import db; db.connect(sys.argv[1]).close()", str(db)],
                   cwd=repo, env=env, check=True)
    wal = Path(str(db) + ".wal")
    proc = subprocess.Popen([sys.executable, "cli.py", "import", "--db", str(db), "--label", "timing", str(bundle)],
                            cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not wal.exists() and proc.poll() is None:
        time.sleep(0.0005)
    seen = time.monotonic()
    proc.wait()
    return time.monotonic() - seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--delay-min-ms", type=float, default=0.0)
    parser.add_argument("--delay-max-ms", type=float, default=40.0)
    parser.add_argument("--prime", type=Path, default=None, help="a small bundle imported first")
    parser.add_argument("--spread", action="store_true",
                        help="time one whole import first and spread the kills over its write window instead")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        window = write_window(args.repo.resolve(), args.bundle.resolve(), Path(tmp) / "timing.duckdb") if args.spread else 0
        if args.spread:
            print(f"write window of an uninterrupted import: {window * 1000:.0f} ms", flush=True)
        for i in range(args.kills):
            if args.spread:
                delay = window * (i + rng.random()) / args.kills
            else:
                delay = rng.uniform(args.delay_min_ms, args.delay_max_ms) / 1000
            db = Path(tmp) / f"crash_{i}.duckdb"
            result = kill_once(args.repo.resolve(), args.bundle.resolve(), db, delay, args.prime)
            results.append(result)
            print(f"kill {i}: delay {result['delay_ms']:.1f} ms killed={result['killed']} "
                  f"orphans={result['orphans']} pending={result['pending']} visible={result['visible']} "
                  f"| open {result['open']} orphans={result['orphans_after']} pending={result['pending_after']} "
                  f"visible={result['visible_after']}", flush=True)
    killed = [r for r in results if r["killed"]]
    print(f"summary: {len(killed)} kills of {len(results)} runs; runs with orphan rows before open: "
          f"{sum(1 for r in killed if r['orphans'])} (total {sum(r['orphans'] for r in killed)} rows); "
          f"with pending rows: {sum(1 for r in killed if r['pending'])}; after the app's open: orphans "
          f"{sum(r['orphans_after'] or 0 for r in killed)}, pending {sum(r['pending_after'] or 0 for r in killed)}, "
          f"open failures {sum(1 for r in killed if r['open'] != 'ok')}")


if __name__ == "__main__":
    main()
