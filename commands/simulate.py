"""`python cli.py simulate`: Monte Carlo of a saved scenario's portfolio under three-point estimates.

    python cli.py simulate --db PATH --scenario ID [--runs N] [--seed S] [--budget B] [--correlation RHO]
        [--reoptimise K] [--json] [--lang en|zh]

Samples every selected project's budget, expected benefit and duration (committed work included) from
its three-point estimate (triangular; docs/uncertainty.md) or, without one, from its category's overrun
history; RHO in [0, 1] correlates projects through one common factor (default 0: independent).
`--json` prints {scenario_id, runs, seed, budget, p_within_budget, cost: {p10, p50, p90},
value: {p10, p50, p90}, p_finish_in_horizon, correlation, priors_used}; p_within_budget uses B or the
scenario's budget (null when neither). With `--reoptimise K` the scenario's parameters are re-optimised
on K sampled futures and `selection_frequency` {project_id: share of futures that select it} is added.
Seeded: the same S gives the same figures. Exit status 0 ok, 2 refused input, 1 other failure.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from analytics.errors import AnalyticsError
from commands._shared import database, report_error
from i18n import LANGUAGES, numbers, translate
from store.db import db_target
from store.errors import NotFound, StoreError
from store.history import overrun_priors
from store.simulation import simulate_scenario


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("simulate", help="Monte Carlo of a scenario's cost, value and finish")
    cmd.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    cmd.add_argument("--scenario", type=int, required=True, help="saved scenario id")
    cmd.add_argument("--runs", type=int, default=10_000, help="sampled futures (default 10000)")
    cmd.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    cmd.add_argument("--budget", type=float, default=None, help="budget to test (default: the scenario's)")
    cmd.add_argument("--correlation", type=float, default=0.0, help="0-1, one common factor (default 0)")
    cmd.add_argument("--reoptimise", type=int, default=0, metavar="K",
                     help="re-optimise on K sampled futures and report each proposal's selection frequency")
    cmd.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    cmd.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    cmd.set_defaults(func=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang, must_exist=True) as con:
        try:
            summary = simulate_scenario(con, args.scenario, runs=args.runs, seed=args.seed, budget=args.budget,
                                        correlation=args.correlation, priors=overrun_priors(con))
            frequency = None
            if args.reoptimise:
                from store.robust import selection_frequency

                frequency = selection_frequency(con, args.scenario, futures=args.reoptimise, seed=args.seed,
                                                correlation=args.correlation)
        except (AnalyticsError, NotFound) as e:
            report_error(lang, e)
            return 2
        except StoreError as e:
            report_error(lang, e)
            return 1
    out: dict[str, Any] = {"scenario_id": args.scenario, **summary.to_dict()}
    if frequency is not None:
        out["selection_frequency"] = frequency
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(summary_text(out, lang))
    return 0


def summary_text(out: dict[str, Any], lang: str) -> str:
    """The simulation summary in words (CLI text output and the pack)."""
    lines = [translate(lang, "simulation.cli.header", scenario_id=out["scenario_id"], runs=out["runs"], seed=out["seed"])]
    if out["p_within_budget"] is not None:
        lines.append(translate(lang, "simulation.cli.within", p=numbers.percent(out["p_within_budget"], lang, 1),
                               budget=numbers.number(out["budget"], lang, 1)))
    for name in ("cost", "value"):
        q = out[name]
        lines.append(translate(lang, f"simulation.cli.{name}", p10=numbers.number(q["p10"], lang, 1),
                               p50=numbers.number(q["p50"], lang, 1), p90=numbers.number(q["p90"], lang, 1)))
    lines.append(translate(lang, "simulation.cli.finish", p=numbers.percent(out["p_finish_in_horizon"], lang, 1)))
    for project, share in sorted((out.get("selection_frequency") or {}).items()):
        lines.append(translate(lang, "simulation.cli.frequency", project=project, p=numbers.percent(share, lang, 0)))
    return "\n".join(lines)
