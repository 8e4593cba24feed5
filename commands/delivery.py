"""`python cli.py kpis`: portfolio earned value and per-project EVM and health of a snapshot.

    python cli.py kpis --db data/lodestar.duckdb [--snapshot ID] [--eac-method cpi|budget|cpi_spi] --json

Uses the latest status report of each project of the snapshot's delivery set (active, on hold,
completed, or reporting; see `store.delivery`). Without `--snapshot`, the latest snapshot. With
`--json` one JSON object: `snapshot` (id, label, as_of, currency_unit), `eac_method`, `portfolio`
(pv, ev, ac, bac, sv, cv, spi, cpi, eac, etc, vac, tcpi, project_count, reporting_count,
milestone_hit_rate, closed_count, closed_unreported_count, and `health`: counts of healthy / watch /
critical projects *in flight* (closed work excluded, as on the pages)) and `projects`, a list with project_id, name, status,
report_date, pv, ev, ac, bac, spi, cpi, eac, health and reasons (codes). Figures that are not
defined are null. Exit status 0 ok, 2 when the database or snapshot is missing or refused.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import pandas as pd

from analytics.errors import AnalyticsError
from analytics.evm import EAC_METHODS, portfolio_evm
from analytics.health import assess_projects, health_counts
from analytics.trends import milestone_hit_rate
from commands._shared import database, report_error, snapshot_of
from i18n import LANGUAGES, translate
from store import delivery, snapshots
from store.db import db_target
from store.errors import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("kpis", help="portfolio and per-project earned value and health of a snapshot")
    parser.add_argument("--db", required=True, type=db_target, help="the Lodestar DuckDB file or postgresql:// URI")
    parser.add_argument("--snapshot", type=int, default=None, help="snapshot id (default: the latest)")
    parser.add_argument("--eac-method", choices=EAC_METHODS, default="cpi",
                        help="EAC form: cpi = AC+(BAC-EV)/CPI, budget = AC+BAC-EV, cpi_spi = AC+(BAC-EV)/(CPI*SPI)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages and the table")
    parser.set_defaults(func=run_kpis)


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _date(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def kpi_report(con, snapshot_id: int, method: str = "cpi") -> dict[str, Any]:
    """The JSON-ready KPI report of one snapshot (see module doc)."""
    snapshot = snapshots.get_snapshot(con, snapshot_id)
    latest = delivery.latest_reports(con, snapshot_id)
    assessed = assess_projects(latest, method)
    figures = portfolio_evm(latest, method)
    portfolio = {
        "pv": figures.planned_value, "ev": figures.earned_value, "ac": figures.actual_cost,
        "bac": figures.budget_at_completion, "sv": figures.schedule_variance, "cv": figures.cost_variance,
        "spi": figures.spi, "cpi": figures.cpi, "eac": figures.eac, "etc": figures.etc, "vac": figures.vac,
        "tcpi": figures.tcpi, "project_count": figures.project_count, "reporting_count": figures.reporting_count,
        "milestone_hit_rate": milestone_hit_rate(latest),
        "closed_count": figures.closed_count, "closed_unreported_count": figures.closed_unreported_count,
        "health": health_counts(assessed),   # projects in flight only, as the pages count them
    }
    projects = [
        {
            "project_id": row.project_id, "name": row.name, "status": row.status,
            "report_date": _date(row.report_date),
            "pv": _number(row.planned_value), "ev": _number(row.earned_value), "ac": _number(row.actual_cost),
            "bac": _number(row.budget), "spi": _number(row.spi), "cpi": _number(row.cpi), "eac": _number(row.eac),
            "etc": _number(row.etc), "tcpi": _number(row.tcpi), "closed_unreported": bool(row.closed_unreported),
            "health": row.health, "reasons": [r.code for r in row.reasons],
        }
        for row in assessed.itertuples(index=False)
    ]
    return {
        "snapshot": {"snapshot_id": snapshot.snapshot_id, "label": snapshot.label, "as_of": _date(snapshot.as_of),
                     "currency_unit": snapshot.currency_unit},
        "eac_method": method,
        "portfolio": portfolio,
        "projects": projects,
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _print_table(report: dict[str, Any], lang: str) -> None:
    p = report["portfolio"]
    snap = report["snapshot"]
    print(translate(lang, "delivery.cli.heading", label=snap["label"], as_of=snap["as_of"], unit=snap["currency_unit"]))
    print(translate(lang, "delivery.cli.portfolio", pv=_fmt(p["pv"]), ev=_fmt(p["ev"]), ac=_fmt(p["ac"]),
                    bac=_fmt(p["bac"]), spi=_fmt(p["spi"], 2), cpi=_fmt(p["cpi"], 2), eac=_fmt(p["eac"])))
    header = ("project_id", "pv", "ev", "ac", "bac", "spi", "cpi", "eac", "health")
    print("  ".join(f"{h:>10}" for h in header))
    for row in report["projects"]:
        cells = [row["project_id"], *(_fmt(row[k]) for k in ("pv", "ev", "ac", "bac")),
                 _fmt(row["spi"], 2), _fmt(row["cpi"], 2), _fmt(row["eac"]),
                 translate(lang, f"delivery.health.{row['health']}")]
        print("  ".join(f"{c:>10}" for c in cells))


def run_kpis(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang, must_exist=True) as con:
        try:
            snapshot_id = snapshot_of(con, args.snapshot, lang)
            report = kpi_report(con, snapshot_id, args.eac_method)
        except (StoreError, AnalyticsError) as e:
            report_error(lang, e)
            return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_table(report, lang)
    return 0
