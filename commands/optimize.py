"""`python cli.py optimize`: choose the proposals and their start months that maximise value.

    python cli.py optimize --db PATH [--snapshot ID] [--objective strategic_value|benefit|net_benefit|npv]
        [--budget X] [--horizon-start YYYY-MM] [--horizon-months N] [--force-in IDS] [--force-out IDS]
        [--time-limit S] [--gap G] [--solver auto|highs|cbc] [--race] [--save-as NAME] [--json]
        [--annual-cap YEAR=X ...] [--allow-hiring] [--allow-cancel-committed] [--max-high-risk N]
        [--discount D] [--discount-rate R] [--threads N] [--weight-set ID] [--explain] [--frontier-points N]
        [--budget-confidence P [--seed S]] [--lang en|zh]

The snapshot defaults to the latest, the horizon to its as-of month and 24 months; with no
`--budget` spend is not limited. `--solver auto` (the default) picks HiGHS or CBC by the model's
shape and says why (analytics/solver_choice.py); `--race` runs HiGHS and CBC in two processes and
keeps the first proof (a second core for the run: docs/optimiser.md says what that costs others). IDS are comma-separated project ids. Every solve is appended to the
decision log ("optimize"). The run goes through `store.optimiser_runs.run_optimiser`, the pipeline the
Optimiser page uses: `--save-as NAME` stores the same scenario the page would (greedy baseline,
explanations, marginal values and the efficient frontier at up to `--frontier-points` breakpoints,
each re-solve logged, and the weights used) and reports its id. `--json` prints one object: status,
objective, bound, gap, selected [{project_id, start_month}], hires [{role, month, fte, cost}],
greedy_objective, build_seconds, solve_seconds, solver, solver_choice (what `auto` or the race decided,
and why), total_cost, violated, log_id and, with --save-as, scenario_id. With `--budget-confidence P`
(and `--budget B`) the budget given to the solver is tightened until the plan's sampled cost inside
the horizon stays within B in at least P of 2,000 sampled futures (seed S; docs/uncertainty.md); the
JSON then has budget_confidence {budget, confidence, working_budget, p_within_budget, samples} and
the saved scenario's budget is the working one. Exit status: 0 a portfolio was found,
1 none (infeasible, time limit without a solution, solver or database failure), 2 refused input.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import replace
from typing import Any

from analytics.errors import AnalyticsError
from analytics.metrics import uplift
from analytics.selection_types import LeftOut, SelectionParams, SelectionResult, explanations_to_dict
from analytics.solver_choice import choice_text
from analytics.vocabulary import DEFAULT_DISCOUNT_RATE, OBJECTIVES, SOLVERS
from commands._shared import database, report_error, say, snapshot_of
from i18n import LANGUAGES, numbers, translate
from store.db import db_target
from store.errors import StoreError
from store.optimiser_runs import DEFAULT_FRONTIER_POINTS, run_optimiser
from store.portfolio import load_portfolio
from store.scenarios import save_scenario
from store.weights import active_weights

_IDS = re.compile(r"[,;，；、\s]+")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("optimize", help="select and schedule proposals (MILP) and explain the result")
    cmd.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    cmd.add_argument("--snapshot", type=int, default=None, help="snapshot id (default: the latest)")
    cmd.add_argument("--objective", choices=OBJECTIVES, default="strategic_value")
    cmd.add_argument("--budget", type=float, default=None, help="total spend allowed inside the horizon")
    cmd.add_argument("--horizon-start", default=None, help="first month YYYY-MM (default: the snapshot's as-of month)")
    cmd.add_argument("--horizon-months", type=int, default=24)
    cmd.add_argument("--force-in", default="", help="project ids that must be selected (comma-separated)")
    cmd.add_argument("--force-out", default="", help="project ids that must not be selected")
    cmd.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    cmd.add_argument("--gap", type=float, default=1e-4, help="relative optimality gap to stop at (default 1e-4)")
    cmd.add_argument("--solver", choices=SOLVERS, default="auto", help="auto (default): chosen by the model's shape")
    cmd.add_argument("--race", action="store_true",
                     help="run HiGHS and CBC in two processes, keep the first proof (uses a second core)")
    cmd.add_argument("--threads", type=int, default=1)
    cmd.add_argument("--annual-cap", action="append", default=[], metavar="YEAR=X", help="cap per fiscal year")
    cmd.add_argument("--allow-hiring", action="store_true", help="buy extra FTE at hire_cost_per_fte_month")
    cmd.add_argument("--allow-cancel-committed", action="store_true", help="let the model cancel or defer approved/active work")
    cmd.add_argument("--max-high-risk", type=int, default=None, help="at most N selected projects with risk >= 4")
    cmd.add_argument("--discount", type=float, default=0.0, help="value lost per month of later start (0-1)")
    cmd.add_argument("--discount-rate", type=float, default=DEFAULT_DISCOUNT_RATE,
                     help="objective npv: annual discount rate, compounded monthly (default 0.08)")
    cmd.add_argument("--weight-set", type=int, default=None, help="weight set id (default: the active one)")
    cmd.add_argument("--budget-confidence", type=float, default=None, metavar="P",
                     help="keep the sampled cost within --budget with probability >= P (docs/uncertainty.md)")
    cmd.add_argument("--seed", type=int, default=1, help="with --budget-confidence: the sampling seed (default 1)")
    cmd.add_argument("--save-as", default=None, help="store the run as a scenario with this name")
    cmd.add_argument("--explain", action="store_true", help="also explain every proposal left out")
    cmd.add_argument("--frontier-points", type=int, default=DEFAULT_FRONTIER_POINTS,
                     help="with --save-as: at most N points of the efficient frontier (default 12)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    cmd.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    cmd.set_defaults(func=run_optimize)



def _ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in _IDS.split(text or "") if p))


def _annual_caps(values: list[str], lang: str) -> dict[int, float] | None:
    caps: dict[int, float] = {}
    for value in values:
        year, _, amount = value.partition("=")
        try:
            caps[int(year)] = float(amount)
        except ValueError:
            say(translate(lang, "explain.cli.bad_annual_cap", value=value))
            return None
    return caps


def _params(args: argparse.Namespace, as_of: str, weight_set_id: int | None, lang: str) -> SelectionParams | None:
    start = args.horizon_start or as_of
    if not _MONTH.match(start):
        say(translate(lang, "explain.cli.bad_month", value=start))
        return None
    caps = _annual_caps(args.annual_cap, lang)
    if caps is None:
        return None
    return SelectionParams(
        horizon_start=start, horizon_months=args.horizon_months, objective=args.objective, budget=args.budget,
        annual_budget_caps=caps, discount_per_month=args.discount, force_in=_ids(args.force_in),
        force_out=_ids(args.force_out), max_high_risk=args.max_high_risk, allow_hiring=args.allow_hiring,
        allow_cancel_committed=args.allow_cancel_committed, time_limit_seconds=args.time_limit, mip_gap=args.gap,
        solver=args.solver, threads=args.threads, weight_set_id=weight_set_id, discount_rate=args.discount_rate,
    )


def run_optimize(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang) as con:
        try:
            return _run(con, args, lang)
        except AnalyticsError as e:
            report_error(lang, e)
            return 2
        except StoreError as e:
            report_error(lang, e)
            return 1


def _run(con: Any, args: argparse.Namespace, lang: str) -> int:
    snapshot_id = snapshot_of(con, args.snapshot, lang)
    weight_set_id = args.weight_set if args.weight_set is not None else active_weights(con, snapshot_id)[0]
    data = load_portfolio(con, snapshot_id, args.weight_set)
    params = _params(args, data.as_of, weight_set_id, lang)
    if params is None:
        return 2
    if args.frontier_points < 2:
        say(translate(lang, "optrun.cli.bad_points", value=args.frontier_points))
        return 2
    chance = None
    if args.budget_confidence is not None:  # tighten the budget until the plan holds with the confidence asked
        from store.robust import chance_budget

        chance = chance_budget(con, data, params, args.budget_confidence, seed=args.seed)
        params = replace(params, budget=chance.working_budget)
    # one pipeline with the page: solve, log, baseline, explain; a saved scenario also gets its analyses
    outcome = run_optimiser(con, data, params, snapshot_id=snapshot_id, actor=None,
                            analyses=bool(args.save_as), frontier_points=args.frontier_points, race=args.race)
    payload, log_id = outcome.payload, outcome.log_id
    result, greedy_objective = payload.result, payload.greedy_objective
    # the pipeline always explains (as the page does); the output shows them when asked, as before
    explanations: tuple[LeftOut, ...] = payload.explanations if (args.explain or args.save_as) else ()
    scenario_id = None
    if args.save_as:
        scenario_id = save_scenario(con, snapshot_id=snapshot_id, name=args.save_as, params=params, payload=payload,
                                    actor=None)
    summary = _summary(result, snapshot_id, params, greedy_objective, log_id, scenario_id)
    if chance is not None:
        summary["budget_confidence"] = {"budget": chance.budget, "confidence": chance.confidence,
                                        "working_budget": chance.working_budget,
                                        "p_within_budget": chance.p_within_budget, "samples": chance.samples}
    if args.json:
        if args.explain:
            summary["explanations"] = explanations_to_dict(explanations)
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        _print_text(summary, explanations, lang)
        if chance is not None:
            print(translate(lang, "simulation.cli.chance", budget=numbers.number(chance.budget, lang, 1),
                            working=numbers.number(chance.working_budget, lang, 1),
                            p=numbers.percent(chance.p_within_budget, lang, 1),
                            confidence=numbers.percent(chance.confidence, lang, 0)))
    return 0 if result.has_solution else 1


def _summary(result: SelectionResult, snapshot_id: int, params: SelectionParams, greedy_objective: float | None,
             log_id: int, scenario_id: int | None) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "snapshot_id": snapshot_id, "status": result.status, "objective": result.objective, "bound": result.bound,
        "gap": result.gap, "objective_kind": params.objective, "total_cost": result.total_cost if result.has_solution else None,
        "hire_cost": result.hire_cost,
        "selected": [
            {"project_id": p.project_id, "start_month": p.start_month, "end_month": p.end_month, "value": p.value,
             "cost": p.cost, "committed": p.committed}
            for p in result.selected
        ],
        "hires": [{"role": h.role, "month": h.month, "fte": h.fte, "cost": h.cost} for h in result.hire_plan],
        "greedy_objective": greedy_objective, "build_seconds": result.build_seconds,
        "solve_seconds": result.solve_seconds, "solver": result.solver, "solver_choice": dict(result.solver_choice),
        "violated": list(result.violated),
        "violated_reasons": [{"code": r.code, "params": dict(r.params)} for r in result.violated_reasons],
        "message": result.message, "params_hash": params.params_hash(), "log_id": log_id,
    }
    if scenario_id is not None:
        summary["scenario_id"] = scenario_id
    return summary


def _print_text(summary: dict[str, Any], explanations: tuple[LeftOut, ...], lang: str) -> None:
    status = translate(lang, f"explain.status.{summary['status']}")
    if summary["objective"] is None:
        print(translate(lang, "explain.cli.no_portfolio", status=status, solver=summary["solver"],
                        seconds=f"{summary['solve_seconds']:.2f}"))
        if summary["violated"]:
            print(translate(lang, "explain.cli.violated", rows=", ".join(summary["violated"])))
            for reason in summary.get("violated_reasons", ()):
                print("  " + numbers.reason_text(lang, reason["code"], reason["params"]))
        return
    print(translate(lang, "explain.cli.result", status=status, objective=f"{summary['objective']:,.2f}",
                    gap=f"{(summary['gap'] or 0.0) * 100:.3f}%", cost=f"{summary['total_cost']:,.2f}",
                    solver=summary["solver"], build=f"{summary['build_seconds']:.2f}",
                    solve=f"{summary['solve_seconds']:.2f}"))
    if summary["status"] == "feasible" and summary["bound"] is not None:  # stopped before the proof
        print(translate(lang, "explain.cli.bound", bound=f"{summary['bound']:,.2f}"))
    choice = choice_text(lang, summary.get("solver_choice"))
    if choice:
        print("  " + choice)
    if summary["greedy_objective"] is not None:
        print(translate(lang, "explain.cli.greedy", greedy=f"{summary['greedy_objective']:,.2f}",
                        uplift=numbers.number(uplift(summary["objective"], summary["greedy_objective"]).difference, lang, 2)))
    for p in summary["selected"]:
        kind = translate(lang, "explain.cli.committed" if p["committed"] else "explain.cli.new")
        print(f"  {p['project_id']}  {p['start_month']} → {p['end_month']}  {kind}")
    for h in summary["hires"]:
        print(translate(lang, "optrun.cli.hire", role=h["role"], month=h["month"], fte=f"{h['fte']:,.2f}",
                        cost="-" if h["cost"] is None else f"{h['cost']:,.2f}"))
    for item in explanations:
        reasons = " ".join(numbers.reason_text(lang, r.code, r.params) for r in item.reasons)
        print(translate(lang, "explain.cli.left_out", project=item.project_id, reasons=reasons))
    if "scenario_id" in summary:
        print(translate(lang, "explain.cli.saved", scenario_id=summary["scenario_id"]))
