"""A generated portfolio with the optional registers filled at scale, for the four newer pages (issue 18).

`data.generate` leaves out cash flows, lessons, annual targets and change requests (a portfolio
export does not hold them) and saves no scenario, so the Business cases, Lessons, Scorecard and
Change control pages measured on it show little. This writes them for the latest snapshot of the
generated bundle of `--size` projects and imports it again as a third snapshot into a copy of the
imported portfolio, then saves an optimised scenario:

- cash_flows: every project, its budget spent evenly over its duration and its expected benefit over
  the 36 months after (about 40 rows a project);
- lessons: two per completed or cancelled project, with tags;
- targets: the four SMART metrics for every year from the first finish to the as-of year;
- change_requests: one per approved, active or completed project and a second for every third,
  mixed statuses.

    .venv/bin/python bench/fill_registers.py --size 2500     # -> bench/out/db/scale_2501_<commit>.duckdb

The result is stored as size `size + 1` ("2,501": the same portfolio with its registers), so that
bench/scale.py --sizes 2501 and bench/profile_page.py --size 2501 pick it up; link it under the
baseline's commit too (`ln -s`) to measure both trees on the same file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

from analytics.vocabulary import CLOSED_STATUSES  # noqa: E402

BENEFIT_MONTHS = 36
METRICS = ("project_success_rate", "on_time_rate", "on_budget_rate", "benefits_realisation_rate")


def registers(folder: Path, out: Path, seed: int = 18) -> None:
    rng = np.random.default_rng(seed)
    projects = pd.read_csv(folder / "projects.csv", dtype={"project_id": str})
    duration = projects["duration_months"].astype(int).to_numpy()
    budget = projects["budget"].astype(float).to_numpy()
    benefit = pd.to_numeric(projects["expected_benefit"], errors="coerce").fillna(0).to_numpy()
    ids = projects["project_id"].to_numpy()
    rows = []
    for pid, d, b, e in zip(ids, duration, budget, benefit, strict=True):
        noise = rng.uniform(0.8, 1.2, d)
        rows.append(pd.DataFrame({"project_id": pid, "month_offset": np.arange(d),
                                  "cost": np.round(b / d * noise, 3), "benefit": 0.0}))
        rows.append(pd.DataFrame({"project_id": pid, "month_offset": d + np.arange(BENEFIT_MONTHS), "cost": 0.0,
                                  "benefit": np.round(e / BENEFIT_MONTHS * rng.uniform(0.5, 1.5, BENEFIT_MONTHS), 3)}))
    pd.concat(rows, ignore_index=True).to_csv(out / "cash_flows.csv", index=False)

    closed = projects[projects["status"].isin(CLOSED_STATUSES)]
    words = ["vendor", "scope", "testing", "data migration", "stakeholders", "estimation", "handover", "training"]
    lessons = [{"project_id": pid, "recorded_on": f"2026-{1 + k % 9:02d}-{1 + k % 27:02d}",
                "category": ["delivery", "technical", "commercial"][k % 3],
                "lesson": f"Lesson {k} on {words[k % len(words)]}: plan {words[(k + 3) % len(words)]} earlier "
                          f"and agree {words[(k + 5) % len(words)]} with the sponsor before the gate.",
                "tags": f"{words[k % len(words)]};{words[(k + 1) % len(words)]}"}
               for k, pid in enumerate(np.repeat(closed["project_id"].to_numpy(), 2))]
    pd.DataFrame(lessons).to_csv(out / "lessons.csv", index=False)

    as_of = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))["as_of"]
    first = int(str(projects["start_month"].min())[:4])
    pd.DataFrame([{"year": y, "metric": m, "target": round(0.5 + 0.05 * (i % 4), 2)}
                  for y in range(first, int(as_of[:4]) + 1) for i, m in enumerate(METRICS)]
                 ).to_csv(out / "targets.csv", index=False)

    running = projects[projects["status"].isin(["approved", "active", "completed"])]["project_id"].to_numpy()
    raised = np.concatenate([running, running[::3]])
    statuses = ["approved", "submitted", "rejected", "withdrawn", "approved"]
    pd.DataFrame([{"cr_id": f"CR-{k + 1:05d}", "project_id": pid, "raised_on": f"2026-{1 + k % 10:02d}-{1 + k % 28:02d}",
                   "title": f"Change {k + 1}", "budget_delta": round(float(rng.uniform(-20, 60)), 1),
                   "schedule_delta_months": int(rng.integers(-1, 4)), "scope_change": words[k % len(words)],
                   "status": statuses[k % len(statuses)]}
                  for k, pid in enumerate(raised)]).to_csv(out / "change_requests.csv", index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2500)
    parser.add_argument("--root", default=str(harness.ROOT), help="the tree whose cli.py imports")
    parser.add_argument("--time-limit", type=int, default=60, help="seconds for the saved scenario's optimisation")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    source = harness.portfolio_db(root, args.size)
    target = harness.OUT / "db" / f"scale_{args.size + 1}_{harness.commit_of(root).rstrip('+')}.duckdb"
    latest = harness.portfolio_folders(args.size)[-1]
    python = str(root / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / latest.name
        shutil.copytree(latest, folder)
        registers(latest, folder)
        meta = json.loads((latest / "snapshot.json").read_text(encoding="utf-8"))
        partial = target.with_suffix(".partial")
        shutil.copyfile(source, partial)
        subprocess.run([python, "cli.py", "import", "--db", str(partial), "--label", meta["label"] + " + registers",
                        "--as-of", meta["as_of"], str(folder)], cwd=root, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([python, "cli.py", "optimize", "--db", str(partial), "--time-limit", str(args.time_limit),
                    "--save-as", "bench plan"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    Path(str(partial) + ".wal").unlink(missing_ok=True)
    partial.rename(target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
