"""Solver choice bench (not a test): today's figures and the new ones side by side, in one run.

    .venv/bin/python bench/solver_choice.py                               # everything, ~40 min on 1 core
    .venv/bin/python bench/solver_choice.py --parts cases --seeds 2026 --limit 10   # a small run
    .venv/bin/python bench/solver_choice.py --parts knapsacks --cb-count 3 --variants today,auto,cbc

Each instance is solved by every variant (`--variants`, default "today,auto") one after the other in
this one process, HiGHS and CBC on one thread, so both see the same machine load (the load average is
printed before and after; the machine is shared, so seconds are noisy: nodes, LP iterations, the
bound and the gap at the limit move far less with load).

- `today`: what the product did before `auto` (HiGHS, its default options);
- `auto`: the default now (analytics/solver_choice.py picks the solver and its options by the model);
- `highs`, `cbc`: one solver, its default options; further variants are in `VARIANTS` (solver options
  tried for the root gap; docs/optimiser.md says which paid).

Parts (`--parts`):
- `cases`: the bench's three generated cases (bottleneck, tight, pmo; see bench/optimizer_bench.py)
  at `--size` proposals (default 200) for each of `--seeds`, limit `--limit` s (default 30), gap 1e-4;
- `knapsacks`: OR-Library `mknapcb1` problems 0..`--cb-count`-1 (100 items x 5 rows, files in
  `$LODESTAR_ORLIB_DIR` or the shared benchmarks folder, see bench/optimizer_bench.py) and Chu-Beasley knapsacks of 100 items
  x 10 rows made by the published recipe (`--cb10-seeds`; OR-Library's own `mknapcb4` file of that
  shape is not on this machine), gap 0, limit `--cb-limit` s (default 60), value against the best known;
- `selection`: the tight and pmo cases with one start month per proposal (pure selections, the shape
  `auto` gives CBC) at `--selection-sizes` (default 200,500,1000), limit `--limit`: where CBC stops paying;
- `scale`: the tight and pmo cases at `--scale` sizes and limits (default 1000:30,3000:60): the gap.
`--node-limit N` stops every solve after N branch-and-bound nodes instead (a load-free comparison).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics import orlib, selection  # noqa: E402
from analytics.selection_types import PortfolioData, SelectionParams  # noqa: E402
from bench.optimizer_bench import HORIZON_START, ORLIB_DIR, _half_budget, chu_beasley, generate_portfolio  # noqa: E402

CASES = ("bottleneck", "tight", "pmo")


@dataclasses.dataclass(frozen=True)
class Variant:
    solver: str                                    # auto, highs or cbc
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    strengthening: selection.Strengthening = selection.DEFAULT_STRENGTHENING


VARIANTS: dict[str, Variant] = {
    "today": Variant("highs"),
    "auto": Variant("auto"),
    "highs": Variant("highs"),
    "cbc": Variant("cbc"),
    # root options tried on the scheduling cases (docs/optimiser.md, *Closing the root gap*)
    "highs-heur": Variant("highs", {"mip_heuristic_effort": 0.2}),
    "highs-nopresolve": Variant("highs", {"presolve": "off"}),
    "highs-cuts": Variant("highs", {"mip_pool_soft_limit": 50000, "mip_lp_age_limit": 20}),
    "highs-lpstart": Variant("highs", strengthening=dataclasses.replace(selection.DEFAULT_STRENGTHENING,
                                                                        lp_start_min_options=0)),
    "cbc-strong": Variant("cbc", {"strong": 20, "trust": 10}),
    "cbc-cuts": Variant("cbc", {"cuts": "root", "lift": "on", "probing": "on"}),
}


@dataclasses.dataclass
class Row:
    status: str
    value: float | None
    bound: float | None
    gap: float | None
    seconds: float
    nodes: int | None
    iterations: int | None
    solver: str


def solve(data: PortfolioData, params: SelectionParams, variant: Variant, node_limit: int | None) -> Row:
    params = dataclasses.replace(params, solver=variant.solver)  # type: ignore[arg-type]
    model = selection.build_model(data, params, strengthening=variant.strengthening)
    options = dict(variant.options)
    if node_limit is not None:
        options["mip_max_nodes" if model_solver(model, params) == "highs" else "maxNodes"] = node_limit
    result = selection.solve(model, solver_options=options, diagnose=False)
    committed = model.prep.committed_value
    last = model.last
    return Row(result.status, None if result.objective is None else result.objective - committed,
               None if result.bound is None else result.bound - committed, result.gap, result.solve_seconds,
               last.nodes if last else None, last.lp_iterations if last else None, result.solver)


def model_solver(model: selection.SelectionModel, params: SelectionParams) -> str:
    from analytics import solver_choice

    return solver_choice.choose_for(model, params.solver).solver


def _fmt(row: Row) -> str:
    value = "-" if row.value is None else f"{row.value:,.1f}"
    gap = "-" if row.gap is None else f"{row.gap * 100:.3f}%"
    nodes = "-" if row.nodes is None else f"{row.nodes:,}"
    return f"{row.solver:>6} {row.status:<9}{value:>12}{gap:>9}{row.seconds:>8.1f}s{nodes:>9}"


def _header(first: str, variants: list[str]) -> str:
    return f"{first:<24}" + "".join(f" | {name:<16}{'value':>15}{'gap':>9}{'s':>9}{'nodes':>9}" for name in variants)


def _summary(label: str, rows: dict[str, list[Row]], limit: float) -> None:
    for name, items in rows.items():
        proven = [r.seconds for r in items if r.status == "optimal"]
        gaps = [r.gap for r in items if r.gap is not None]
        seconds = [r.seconds if r.status == "optimal" else float("inf") for r in items]
        print(f"  {label} {name:<16}: proven {len(proven)} of {len(items)}; median time to proof "
              f"{statistics.median(seconds):.1f} s (inf = not within {limit:g} s); mean gap "
              f"{(statistics.fmean(gaps) * 100 if gaps else float('nan')):.3f}%; "
              f"nodes in all {sum(r.nodes or 0 for r in items):,}", flush=True)


def part_cases(variants: list[str], size: int, seeds: list[int], limit: float, node_limit: int | None) -> None:
    print(f"\n== cases: {size} proposals, 36 months x 10 roles, seeds {seeds}, limit {limit:g} s, gap 1e-4, 1 thread"
          + (f", node limit {node_limit}" if node_limit else ""))
    print("(value and bound without the committed work's constant; 'gap' as the product reports it)")
    print(_header("case / seed", variants))
    for case in CASES:
        rows: dict[str, list[Row]] = {v: [] for v in variants}
        for seed in seeds:
            data = generate_portfolio(size, case=case, seed=seed)
            params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, budget=_half_budget(data),
                                     time_limit_seconds=limit)
            line = f"{case + ' ' + str(seed):<24}"
            for name in variants:
                row = solve(data, params, VARIANTS[name], node_limit)
                rows[name].append(row)
                line += " | " + _fmt(row)
            print(line, flush=True)
        _summary(case, rows, limit)


def part_knapsacks(variants: list[str], count: int, cb10_seeds: list[int], limit: float, node_limit: int | None) -> None:
    print(f"\n== knapsacks: mknapcb1 0-{count - 1} (100 x 5) and Chu-Beasley 100 x 10 seeds {cb10_seeds}, gap 0, "
          f"limit {limit:g} s ('=' best known reached)")
    problems: list[tuple[orlib.KnapsackProblem, float | None]] = []
    path = ORLIB_DIR / "mknapcb1.txt"
    if count and path.exists():
        best = orlib.read_best_known(ORLIB_DIR / "best_known.csv")
        problems += [(p, best.get(p.name)) for p in orlib.read_problems(path)[:count]]
    elif count:
        print(f"  {path} is not on this machine: mknapcb1 skipped")
    problems += [(chu_beasley(100, 10, seed=s), None) for s in cb10_seeds]
    print(_header("problem", variants))
    rows: dict[str, list[Row]] = {v: [] for v in variants}
    for problem, best_known in problems:
        data = orlib.to_portfolio(problem, HORIZON_START)
        params = SelectionParams(horizon_start=HORIZON_START, horizon_months=1, objective="benefit", mip_gap=0.0,
                                 time_limit_seconds=limit)
        line = f"{problem.name:<24}"
        for name in variants:
            row = solve(data, params, VARIANTS[name], node_limit)
            rows[name].append(row)
            hit = "" if best_known is None or row.value is None else ("=" if abs(row.value - best_known) < 1e-6 else "!")
            line += " | " + _fmt(row) + hit
        print(line, flush=True)
    _summary("knapsacks", rows, limit)


def part_selection(variants: list[str], sizes: list[int], limit: float, node_limit: int | None) -> None:
    print(f"\n== pure selections: the cases with one start month per proposal, seed 2026, limit {limit:g} s, gap 1e-4")
    print(_header("case / size", variants))
    for case in ("tight", "pmo"):
        for size in sizes:
            data = generate_portfolio(size, case=case, max_window=1)
            params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, budget=_half_budget(data),
                                     time_limit_seconds=limit)
            line = f"{f'{case} {size}':<24}"
            for name in variants:
                line += " | " + _fmt(solve(data, params, VARIANTS[name], node_limit))
            print(line, flush=True)


def part_scale(variants: list[str], sizes: list[tuple[int, float]], node_limit: int | None) -> None:
    print("\n== scale: tight and pmo, seed 2026, gap at the limit (HiGHS target: <= 0.5 % at 1,000 in 30 s, "
          "<= 1 % at 3,000 in 60 s)")
    print(_header("case / size / limit", variants))
    for case in ("tight", "pmo"):
        for size, limit in sizes:
            data = generate_portfolio(size, case=case)
            params = SelectionParams(horizon_start=HORIZON_START, horizon_months=36, budget=_half_budget(data),
                                     time_limit_seconds=limit)
            line = f"{f'{case} {size} {limit:g}s':<24}"
            for name in variants:
                line += " | " + _fmt(solve(data, params, VARIANTS[name], node_limit))
            print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="cases,knapsacks,selection,scale")
    parser.add_argument("--variants", default="today,auto", help=f"from {', '.join(VARIANTS)}")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--seeds", default="2026,7,11")
    parser.add_argument("--limit", type=float, default=30.0, help="time limit of the cases, seconds")
    parser.add_argument("--cb-count", type=int, default=10, help="mknapcb1 problems 0..N-1")
    parser.add_argument("--cb10-seeds", default="1,2", help="Chu-Beasley 100 x 10 knapsacks (seeds)")
    parser.add_argument("--cb-limit", type=float, default=60.0)
    parser.add_argument("--selection-sizes", default="200,500,1000", help="sizes of the pure-selection part")
    parser.add_argument("--scale", default="1000:30,3000:60", help="size:limit pairs of the scale part")
    parser.add_argument("--node-limit", type=int, default=None)
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    parts = set(args.parts.split(","))
    started = time.perf_counter()
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")
    if "cases" in parts:
        part_cases(variants, args.size, [int(s) for s in args.seeds.split(",")], args.limit, args.node_limit)
    if "knapsacks" in parts:
        seeds = [int(s) for s in args.cb10_seeds.split(",") if s]
        part_knapsacks(variants, args.cb_count, seeds, args.cb_limit, args.node_limit)
    if "selection" in parts:
        part_selection(variants, [int(s) for s in args.selection_sizes.split(",")], args.limit, args.node_limit)
    if "scale" in parts:
        sizes = [(int(a), float(b)) for a, b in (pair.split(":") for pair in args.scale.split(","))]
        part_scale(variants, sizes, args.node_limit)
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
