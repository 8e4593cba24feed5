"""Optimiser benchmark (not a test): correctness on OR-Library, speed at scale, the frontier's reuse.

    .venv/bin/python bench/optimizer_bench.py                 # all four parts, ~25 minutes on 1 core
    .venv/bin/python bench/optimizer_bench.py --parts 2 --sizes 200,1000 --cases tight --no-alone

1. The first ten `mknapcb1` problems (100 items x 5 constraints) written as CSV files by the import
   recipe of issue 4 (duration 1, budget 0, start = latest start, demand on several roles at month
   offset 0, capacity = the right-hand sides, expected_benefit = profit), imported through
   `store.importer.import_paths` and solved through `python cli.py optimize --objective benefit --gap 0`
   with each solver: value against the best known (Chu & Beasley), solver seconds and wall seconds.
2. Generated portfolios (seeded, `generate_portfolio`) of 200, 1,000 and 3,000 proposals over 36
   months and 10 roles with start windows of 1-6 months, 10 % committed work, dependencies and
   exclusive pairs: build seconds, solve seconds, status and gap with the default solver (HiGHS), and
   the ratio of our end-to-end time to HiGHS alone reading the same model from an MPS file and solving
   it with the same options. CBC is run on the 200 portfolio for the solver choice. Three cases
   (`--cases`): "tight", the original generator (flat demand on 1-3 roles for the whole duration,
   capacity = committed load + half the proposals' average load: every role scarce in every month),
   "pmo" (a lead role ramping up and down plus specialists in the build phase, capacity + 60 %, again
   every role scarce) and "bottleneck" (demand as "pmo"; three scarce roles at + 60 %, the other seven
   with half as much again as the proposals ask, as when a PMO's shortage is architects and data
   engineers); see `generate_portfolio`.
3. The frontier with 12 budget levels on the 200 portfolio (one model, right-hand side changed in
   place, warm starts) against 12 independent build-and-solve runs, both with the same limit per level.
4. Time to a proven optimum (gap 1e-4) of the 200-proposal portfolios of each case and seed
   (`--prove-limit`, `--seeds`).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics import frontier, orlib, selection, solvers  # noqa: E402
from analytics.selection_types import PortfolioData, SelectionParams  # noqa: E402
from store import db  # noqa: E402
from store.importer import import_paths  # noqa: E402

ORLIB_DIR = Path(os.environ.get("LODESTAR_ORLIB_DIR", ROOT.parent / "shared" / "benchmarks" / "orlib-mknap"))
HORIZON_START = "2026-01"
CASES = ("tight", "pmo", "bottleneck")
BOTTLENECK_ROLES = 3


# ------------------------------------------------------------------------------------------ generator


def _month(offset: int, start: str = HORIZON_START) -> str:
    index = int(start[:4]) * 12 + int(start[5:]) - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def generate_portfolio(proposals: int, months: int = 36, roles: int = 10, max_window: int = 6,
                       seed: int = 2026, case: str = "tight") -> PortfolioData:
    """A seeded portfolio shaped like a PMO's: see the module docstring (part 2).

    case "tight" (the original bench case, unchanged stream of random numbers): 1-3 roles per
    project, each at a flat 0.5-2 FTE for the whole duration; capacity = committed load + half the
    proposals' average load. case "pmo": a lead role for the whole duration ramping up and down
    (half FTE in the first and last month), 1-2 specialist roles only in the build phase (the middle
    of the project), FTE in quarters; capacity = committed load + 60 % of the proposals' average load.
    case "bottleneck": demand as "pmo"; the first three roles at + 60 %, the others at + 150 %.
    """
    if case not in CASES:
        raise SystemExit(f"unknown case {case}; choose from {CASES}")
    rng = np.random.default_rng(seed)
    role_names = [f"role_{r:02d}" for r in range(roles)]
    committed = max(1, proposals // 10)
    rows, demand = [], []
    for i in range(proposals + committed):
        is_committed = i >= proposals
        pid = f"C{i - proposals:04d}" if is_committed else f"P{i:04d}"
        duration = int(rng.integers(3, 13))
        start = int(rng.integers(-duration + 1, 6)) if is_committed else int(rng.integers(0, months - 3))
        window = int(rng.integers(0, max_window))
        budget = float(rng.integers(20, 400))
        rows.append({
            "project_id": pid, "name": f"Project {pid}", "category": f"cat_{int(rng.integers(0, 4))}",
            "status": "active" if is_committed else "proposed", "start_month": _month(start),
            "latest_start_month": None if is_committed else _month(min(start + window, months - 1)),
            "duration_months": duration, "budget": budget, "expected_benefit": budget * float(rng.uniform(0.5, 3.0)),
            "risk_score": float(rng.integers(1, 6)), "mandatory": False, "depends_on": [], "exclusive_group": None,
        })
        demand += (_flat_demand if case == "tight" else _ramped_demand)(pid, duration, rng, role_names)
    projects = pd.DataFrame(rows)
    _link(projects, rng, proposals, months)
    demand_frame = pd.DataFrame(demand, columns=["project_id", "role", "month_offset", "fte"])
    if case == "bottleneck":   # three scarce roles; the other seven have half as much again as is asked of them
        share: float | dict[str, float] = {r: 0.6 if k < BOTTLENECK_ROLES else 1.5 for k, r in enumerate(role_names)}
    else:
        share = 0.5 if case == "tight" else 0.6
    capacity = _capacity(projects, demand_frame, role_names, months, share=share)
    values = {pid: float(rng.uniform(10, 100)) for pid in projects["project_id"]}
    return PortfolioData(projects, values, demand_frame, capacity, HORIZON_START)


def _flat_demand(pid: str, duration: int, rng: np.random.Generator, role_names: list[str]) -> list[tuple]:
    out = []
    for r in rng.choice(len(role_names), size=int(rng.integers(1, 4)), replace=False):
        fte = float(rng.choice([0.5, 1.0, 1.5, 2.0]))
        out += [(pid, role_names[r], k, fte) for k in range(duration)]
    return out


def _ramped_demand(pid: str, duration: int, rng: np.random.Generator, role_names: list[str]) -> list[tuple]:
    """A lead role all along (half FTE in the first and last month), specialists in the build phase."""
    picked = rng.choice(len(role_names), size=int(rng.integers(2, 4)), replace=False)
    lead = float(rng.choice([0.5, 1.0, 1.5]))
    out = [(pid, role_names[picked[0]], k, lead / 2 if k in (0, duration - 1) else lead) for k in range(duration)]
    build_from, build_to = duration // 4, max(duration // 4 + 1, (3 * duration) // 4)
    for r in picked[1:]:
        fte = float(rng.choice([0.25, 0.5, 0.75, 1.0, 1.5, 2.0]))
        out += [(pid, role_names[r], k, fte) for k in range(build_from, build_to)]
    return out


def _offset(month: str, start: str = HORIZON_START) -> int:
    return (int(month[:4]) - int(start[:4])) * 12 + int(month[5:]) - int(start[5:])


def _link(projects: pd.DataFrame, rng: np.random.Generator, proposals: int, months: int = 36) -> None:
    """5 % of proposals depend on an earlier-starting proposal; 5 % come in exclusive pairs.

    A dependent's window keeps its width (at most `max_window` months, as for every proposal) and is
    moved to open when its predecessor would finish if started at once, as a PMO plans a follow-on.
    """
    for i in rng.choice(proposals, size=proposals // 20, replace=False):
        j = int(rng.integers(0, proposals))
        if projects.at[j, "start_month"] < projects.at[i, "start_month"]:
            projects.at[i, "depends_on"] = [projects.at[j, "project_id"]]
            first = _offset(projects.at[i, "start_month"])
            width = _offset(projects.at[i, "latest_start_month"]) - first
            ready = _offset(projects.at[j, "start_month"]) + int(projects.at[j, "duration_months"])
            first = min(max(first, ready), months - 1)
            projects.at[i, "start_month"] = _month(first)
            projects.at[i, "latest_start_month"] = _month(min(first + width, months - 1))
    for k, i in enumerate(rng.choice(proposals, size=2 * (proposals // 40), replace=False)):
        projects.at[i, "exclusive_group"] = f"alt_{k // 2}"


def _capacity(projects: pd.DataFrame, demand: pd.DataFrame, role_names: list[str], months: int,
              share: float | dict[str, float] = 0.5) -> pd.DataFrame:
    """Committed load plus `share` (one figure, or one per role) of the proposals' average load; never
    below the largest single need."""
    starts = projects.set_index("project_id")["start_month"].map(lambda m: (int(m[:4]) - 2026) * 12 + int(m[5:]) - 1)
    merged = demand.assign(month=demand["project_id"].map(starts) + demand["month_offset"])
    committed = merged[merged["project_id"].str.startswith("C")]
    committed_load = committed.groupby(["role", "month"])["fte"].sum()
    proposal_load = merged[merged["project_id"].str.startswith("P")].groupby("role")["fte"].sum() / months
    biggest = demand.groupby("role")["fte"].max()
    rows = []
    for role in role_names:
        for t in range(months):
            role_share = share[role] if isinstance(share, dict) else share
            base = float(committed_load.get((role, t), 0.0)) + role_share * float(proposal_load.get(role, 0.0))
            rows.append({"role": role, "month": _month(t), "capacity_fte": round(max(base, float(biggest.get(role, 1.0))), 1),
                         "hire_cost_per_fte_month": 5.0})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------- part 1


def part_mknapcb1(count: int, time_limit: float, solvers: list[str]) -> None:
    print(f"\n== 1. mknapcb1 problems 0-{count - 1}: CSV -> import_paths -> cli.py optimize --gap 0 (limit {time_limit:g} s)")
    problems = orlib.read_problems(ORLIB_DIR / "mknapcb1.txt")[:count]
    best = orlib.read_best_known(ORLIB_DIR / "best_known.csv")
    print(f"{'problem':<12}{'best known':>11}" + "".join(f"{s + ' value':>14}{s + ' solve s':>15}{s + ' wall s':>14}" for s in solvers))
    totals = {s: [0.0, 0] for s in solvers}
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "mknapcb1.duckdb"
        for k, problem in enumerate(problems):
            snapshot_id = _import_problem(problem, Path(tmp) / f"p{k:02d}", database)
            line = f"{problem.name:<12}{best[problem.name]:>11,.0f}"
            for solver in solvers:
                answer, wall = _cli_solve(database, snapshot_id, solver, time_limit)
                ok = answer["objective"] is not None and abs(answer["objective"] - best[problem.name]) < 1e-6
                totals[solver][0] += answer["solve_seconds"]
                totals[solver][1] += int(ok)
                line += f"{answer['objective'] or float('nan'):>13,.0f}{'=' if ok else '!'}{answer['solve_seconds']:>15.2f}{wall:>14.2f}"
            print(line, flush=True)
    for solver, (seconds, hits) in totals.items():
        print(f"{solver}: {hits}/{count} at the best-known value, {seconds:.1f} s of solver time in all")


def _import_problem(problem: orlib.KnapsackProblem, folder: Path, database: Path) -> int:
    folder.mkdir(parents=True)
    frames = orlib.to_frames(problem, HORIZON_START)
    frames["projects"] = frames["projects"].assign(depends_on="", exclusive_group="")
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    con = db.connect(database)
    try:
        report = import_paths(con, [folder], label=problem.name, as_of=dt.date(2026, 1, 1))
    finally:
        con.close()
    if report.snapshot_id is None:
        raise SystemExit(f"import of {problem.name} refused: {report.texts('en')}")
    return int(report.snapshot_id)


def _cli_solve(database: Path, snapshot_id: int, solver: str, time_limit: float) -> tuple[dict, float]:
    command = [sys.executable, str(ROOT / "cli.py"), "optimize", "--db", str(database), "--snapshot", str(snapshot_id),
               "--objective", "benefit", "--horizon-start", HORIZON_START, "--horizon-months", "1", "--gap", "0",
               "--time-limit", str(time_limit), "--solver", solver, "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"cli failed: {done.stderr}")
    return json.loads(done.stdout), wall


# ------------------------------------------------------------------------------------------- part 2


def part_scale(sizes: list[int], limits: dict[int, float], case: str = "tight", alone: bool = True) -> None:
    print(f"\n== 2. generated portfolios, case '{case}', 36 months x 10 roles, windows 1-6 months (HiGHS, 1 thread, gap 1e-4)")
    print("(solve s includes handing the model to HiGHS, shown as 'load s'; ours/alone = our build + solve over")
    print(" HiGHS reading the MPS file and solving it with the same options; 'LP' = the LP relaxation's bound and")
    print(" 'new value' / 'bound' the objective without the committed work's constant, so the three compare)")
    print(f"{'proposals':>9}{'vars':>8}{'rows':>7}{'limit s':>8}{'build s':>9}{'load s':>8}{'solve s':>9}{'status':>10}{'gap':>9}"
          f"{'LP':>10}{'new value':>11}{'bound':>10}{'build share':>12}{'HiGHS-alone s':>14}{'alone gap':>10}{'ours/alone':>11}")
    for size in sizes:
        data = generate_portfolio(size, case=case)
        params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, budget=_half_budget(data),
                                 time_limit_seconds=limits[size])
        started = time.perf_counter()
        model = selection.build_model(data, params)
        result = selection.solve(model)
        end_to_end = time.perf_counter() - started
        relaxed = solvers.run(model.problem, selection.solver_variables(model), params, relax=True).objective
        committed = model.prep.committed_value
        alone_seconds, alone_gap, alone_objective = _highs_alone(model, params) if alone else (float("nan"),) * 3
        print(f"{size:>9}{len(model.problem.variables()):>8}{len(model.problem.constraints()):>7}{limits[size]:>8.0f}"
              f"{result.build_seconds:>9.2f}{model.last.load_seconds:>8.2f}{result.solve_seconds:>9.2f}{result.status:>10}{(result.gap or 0) * 100:>8.3f}%"
              f"{relaxed or float('nan'):>10,.1f}{(result.objective or float('nan')) - committed:>11,.1f}"
              f"{(result.bound or float('nan')) - committed:>10,.1f}{result.build_seconds / end_to_end * 100:>11.1f}%"
              f"{alone_seconds:>14.2f}{alone_gap * 100:>9.3f}%{end_to_end / alone_seconds:>11.2f}", flush=True)
        if alone and alone_objective is not None and result.objective is not None:
            print(f"{'':>9}  objective without committed work: ours {result.objective - committed:,.1f}, "
                  f"HiGHS alone {alone_objective:,.1f}")


def _half_budget(data: PortfolioData) -> float:
    """Half of what every proposal would cost: the budget binds alongside capacity."""
    proposals = data.projects[data.projects["status"] == "proposed"]
    return float(proposals["budget"].sum()) * 0.5


def _highs_alone(model: selection.SelectionModel, params: SelectionParams) -> tuple[float, float, float | None]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.mps"
        model.problem.writeMPS(str(path), with_objsense=True)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", params.threads)
        highs.setOptionValue("time_limit", params.time_limit_seconds)
        highs.setOptionValue("mip_rel_gap", params.mip_gap)
        started = time.perf_counter()
        highs.readModel(str(path))
        highs.run()
        seconds = time.perf_counter() - started
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2
    return seconds, float(info.mip_gap) if has_solution else float("nan"), info.objective_function_value if has_solution else None


def part_solver_choice(size: int, limit: float) -> None:
    print(f"\n== 2b. solver choice on the {size}-proposal portfolio (limit {limit:g} s, gap 1e-4, 1 thread)")
    data = generate_portfolio(size)
    for solver in ("highs", "cbc"):
        params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, budget=_half_budget(data),
                                 time_limit_seconds=limit, solver=solver)
        result = selection.optimise(data, params)
        print(f"{solver:>6}: {result.status:<9} objective {result.objective or float('nan'):>10,.1f}  bound "
              f"{result.bound or float('nan'):>10,.1f}  gap {(result.gap or 0) * 100:6.3f}%  solve {result.solve_seconds:6.2f} s",
              flush=True)


# ------------------------------------------------------------------------------------------- part 3


def part_frontier(size: int, points: int, limit: float) -> None:
    print(f"\n== 3. frontier, {points} budget levels, {size} proposals (limit {limit:g} s per level)")
    data = generate_portfolio(size)
    params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, time_limit_seconds=limit)
    started = time.perf_counter()
    curve = frontier.efficient_frontier(data, params, points=points, time_limit_per_point=limit)
    reused = time.perf_counter() - started
    started = time.perf_counter()
    independent = []
    for point in curve:
        independent.append(selection.optimise(data, dataclasses.replace(params, budget=point.budget)))
    separate = time.perf_counter() - started
    print(f"{'budget':>10}{'frontier value':>15}{'status':>10}{'independent':>13}{'status':>10}{'entered':>9}{'left':>6}")
    for point, alone in zip(curve, independent, strict=True):
        print(f"{point.budget:>10,.0f}{point.objective or float('nan'):>15,.1f}{point.status:>10}"
              f"{alone.objective or float('nan'):>13,.1f}{alone.status:>10}{len(point.entered):>9}{len(point.left):>6}")
    values = [p.objective for p in curve if p.objective is not None]
    print(f"frontier (one model, warm starts): {reused:.1f} s; 12 independent solves: {separate:.1f} s; "
          f"ratio {separate / reused:.2f}x; monotone: {values == sorted(values)}")


def part_prove(size: int, cases: list[str], limit: float, seeds: list[int]) -> None:
    print(f"\n== 4. time to a proven optimum, {size} proposals (HiGHS, 1 thread, gap 1e-4, limit {limit:g} s), "
          f"seeds {', '.join(map(str, seeds))}")
    for case in cases:
        times = []
        for seed in seeds:
            data = generate_portfolio(size, case=case, seed=seed)
            params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, budget=_half_budget(data),
                                     time_limit_seconds=limit)
            model = selection.build_model(data, params)
            result = selection.solve(model)
            committed = model.prep.committed_value
            times.append(result.solve_seconds if result.status == "optimal" else float("inf"))
            print(f"{case:>10} seed {seed:>5}: {result.status:<9} new value "
                  f"{(result.objective or float('nan')) - committed:>10,.2f}  bound "
                  f"{(result.bound or float('nan')) - committed:>10,.2f}  gap {(result.gap or 0) * 100:6.3f}%  "
                  f"build {result.build_seconds:5.2f} s  solve {result.solve_seconds:7.2f} s", flush=True)
        proven = [t for t in times if np.isfinite(t)]
        print(f"{case:>10}: proven {len(proven)} of {len(times)}; median "
              f"{np.median(times):.1f} s; slowest {max(times):.1f} s (inf = not proven within {limit:g} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="1,2,3,4")
    parser.add_argument("--cb-count", type=int, default=10)
    parser.add_argument("--cb-limit", type=float, default=60.0)
    parser.add_argument("--cb-solvers", default="highs,cbc")
    parser.add_argument("--sizes", default="200,1000,3000")
    parser.add_argument("--limits", default="30,60,90", help="time limit per size, seconds")
    parser.add_argument("--frontier-limit", type=float, default=10.0)
    parser.add_argument("--cases", default=",".join(CASES), help=f"generated cases of parts 2 and 4, from {CASES}")
    parser.add_argument("--seeds", default="2026,7,11", help="generator seeds of part 4")
    parser.add_argument("--no-alone", action="store_true", help="skip HiGHS alone on the MPS file (halves part 2)")
    parser.add_argument("--prove-limit", type=float, default=300.0, help="time limit of part 4, seconds")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    started = time.perf_counter()
    if "1" in parts:
        part_mknapcb1(args.cb_count, args.cb_limit, args.cb_solvers.split(","))
    if "2" in parts:
        sizes = [int(s) for s in args.sizes.split(",")]
        limits = dict(zip(sizes, [float(v) for v in args.limits.split(",")], strict=False))
        for case in args.cases.split(","):
            part_scale(sizes, limits, case, alone=not args.no_alone)
        part_solver_choice(sizes[0], limits[sizes[0]])
    if "3" in parts:
        part_frontier(200, 12, args.frontier_limit)
    if "4" in parts:
        part_prove(200, args.cases.split(","), args.prove_limit, [int(v) for v in args.seeds.split(",")])
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
