"""`python cli.py cases`: the business case (NPV, IRR, payback) of every project in a snapshot.

    python cli.py cases --db PATH [--snapshot ID] [--discount-rate R] [--benefit-months N] [--json]
        [--lang en|zh]

R is the annual discount rate (0.08 = 8 %, compounded monthly; default 0.08); N the months after a
project's finish over which its expected_benefit is spread when it has no cash_flows rows (default 36).
`--json` prints a list of {project_id, npv, irr, payback_month_offset, discounted_payback_month_offset,
total_cost, total_benefit, source}; irr is annual, null when the flows never change sign; paybacks are
month offsets from the project's start, null when never reached. Rules: docs/business-cases.md.
Exit status 0 ok, 2 refused input (no snapshot, bad rate), 1 other failure.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from analytics.cases import DEFAULT_BENEFIT_MONTHS, DEFAULT_DISCOUNT_RATE, BusinessCase
from analytics.errors import AnalyticsError
from commands._shared import database, report_error, snapshot_of
from i18n import LANGUAGES, numbers, translate
from store.cases import business_cases_of
from store.db import db_target
from store.errors import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = subparsers.add_parser("cases", help="business case (NPV, IRR, payback) of every project")
    cmd.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    cmd.add_argument("--snapshot", type=int, default=None, help="snapshot id (default: the latest)")
    cmd.add_argument("--discount-rate", type=float, default=DEFAULT_DISCOUNT_RATE,
                     help="annual discount rate, compounded monthly (default 0.08)")
    cmd.add_argument("--benefit-months", type=int, default=DEFAULT_BENEFIT_MONTHS,
                     help="months after the finish over which expected_benefit is spread (default 36)")
    cmd.add_argument("--json", action="store_true", help="print a JSON list on stdout")
    cmd.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    cmd.set_defaults(func=run_cases)


def run_cases(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang, must_exist=True) as con:
        snapshot_id = snapshot_of(con, args.snapshot, lang)
        try:
            cases = business_cases_of(con, snapshot_id, rate=args.discount_rate, benefit_months=args.benefit_months)
        except (AnalyticsError, StoreError) as e:
            report_error(lang, e)
            return 2
    if args.json:
        print(json.dumps([_row(c) for c in cases], ensure_ascii=False, indent=2))
    else:
        print(translate(lang, "cases.cli.header", snapshot_id=snapshot_id,
                        rate=numbers.percent(args.discount_rate, lang, 1)))
        for case in cases:
            print(case_line(case, lang))
    return 0


def _row(case: BusinessCase) -> dict[str, Any]:
    return case.to_dict()


def case_line(case: BusinessCase, lang: str) -> str:
    """One project's case in words (the CLI's text output and the pack's list)."""
    never = translate(lang, "cases.never")
    return translate(
        lang, "cases.cli.line", project=case.project_id, npv=numbers.number(case.npv, lang, 1),
        irr=never if case.irr is None else numbers.percent(case.irr, lang, 1),
        payback=never if case.payback_month_offset is None else case.payback_month_offset,
        discounted=never if case.discounted_payback_month_offset is None else case.discounted_payback_month_offset,
    )
