"""`python cli.py pareto`: the plans no other plan beats on both value and risk exposure.

    python cli.py pareto --db PATH [--snapshot ID] [--points N] [--objective O] [--budget X]
        [--horizon-start YYYY-MM] [--horizon-months N] [--time-limit S] [--json] [--lang en|zh]

Risk exposure = Σ budget × risk score of a plan's projects (committed included; unknown risk = 3).
Epsilon-constraint method over N levels between the least-exposure plan and the value optimum
(analytics/pareto.py, docs/uncertainty.md). `--json` prints {snapshot_id, objective, points:
[{value, risk_exposure, epsilon, status, selected_ids}]}, ordered by exposure; the first point is the
least exposure possible, the last the optimiser's optimum. Exit status 0 ok, 2 refused input, 1 no plan.
"""

from __future__ import annotations

import argparse
import json

from analytics.errors import AnalyticsError, OptimizationError
from analytics.pareto import pareto_front
from analytics.selection_types import SelectionParams
from analytics.vocabulary import OBJECTIVES
from commands._shared import database, report_error, snapshot_of
from i18n import LANGUAGES, numbers, translate
from store.db import db_target
from store.errors import StoreError
from store.portfolio import load_portfolio


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("pareto", help="plans not beaten on both value and risk exposure")
    cmd.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    cmd.add_argument("--snapshot", type=int, default=None, help="snapshot id (default: the latest)")
    cmd.add_argument("--points", type=int, default=8, help="exposure levels, 2-50 (default 8)")
    cmd.add_argument("--objective", choices=OBJECTIVES, default="strategic_value")
    cmd.add_argument("--budget", type=float, default=None, help="total spend allowed inside the horizon")
    cmd.add_argument("--horizon-start", default=None, help="first month YYYY-MM (default: the snapshot's as-of month)")
    cmd.add_argument("--horizon-months", type=int, default=24)
    cmd.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve (default 60)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    cmd.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    cmd.set_defaults(func=run_pareto)


def run_pareto(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang, must_exist=True) as con:
        snapshot_id = snapshot_of(con, args.snapshot, lang)
        try:
            data = load_portfolio(con, snapshot_id)
            params = SelectionParams(horizon_start=args.horizon_start or data.as_of, horizon_months=args.horizon_months,
                                     objective=args.objective, budget=args.budget, time_limit_seconds=args.time_limit)
            front = pareto_front(data, params, args.points)
        except OptimizationError as e:
            report_error(lang, e)
            return 1
        except (AnalyticsError, StoreError) as e:
            report_error(lang, e)
            return 2
    if args.json:
        print(json.dumps({"snapshot_id": snapshot_id, "objective": args.objective,
                          "points": [p.to_dict() for p in front]}, ensure_ascii=False, indent=2))
        return 0
    print(translate(lang, "pareto.cli.header", snapshot_id=snapshot_id, n=len(front)))
    for p in front:
        print(translate(lang, "pareto.cli.line", value=numbers.number(p.value, lang, 1),
                        exposure=numbers.number(p.risk_exposure, lang, 0), projects=", ".join(p.selected_ids) or "—"))
    return 0
