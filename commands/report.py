"""`python cli.py report`: the recommendation pack of a scenario as Excel, PowerPoint or CSV.

    python cli.py report --db data/lodestar.duckdb --scenario 3 --format xlsx --lang zh --out pack.xlsx

Writes exactly the file the page's download buttons give (both call `reports.export_scenario`; the
writers are reproducible, so the same day gives the same bytes). `--out` may name a directory: the
file then gets the page's file name inside it. Prints the path written. Exit status 0 ok, 2 when the
database or scenario is missing or the scenario has no solution, 1 when the file cannot be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from analytics.errors import AnalyticsError
from commands._shared import database, report_error
from i18n import LANGUAGES, translate
from reports import FORMATS, export_scenario
from store.db import db_target
from store.errors import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="write a scenario's recommendation pack (xlsx, pptx or csv)")
    parser.add_argument("--db", required=True, type=db_target, help="the Lodestar DuckDB file or postgresql:// URI")
    parser.add_argument("--scenario", required=True, type=int, help="scenario id")
    parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt", help="xlsx, pptx or csv")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh", help="language of the pack (default zh)")
    parser.add_argument("--out", required=True, type=Path, help="file to write, or a directory to write into")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="date printed on the pack, YYYY-MM-DD (default today)")
    parser.add_argument("--scorecard-year", type=int, default=None,
                        help="add that year's PMO scorecard (a sheet of the xlsx pack)")
    parser.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang, must_exist=True) as con:
        try:
            export = export_scenario(con, args.scenario, args.fmt, lang, generated_on=args.date,
                                     scorecard_year=args.scorecard_year)
        except (StoreError, AnalyticsError) as e:
            report_error(lang, e)
            return 2
    target = args.out / export.file_name if args.out.is_dir() else args.out
    try:
        target.write_bytes(export.data)
    except OSError as e:
        print(translate(lang, "report.cli.write_failed", path=str(target), message=e.strerror or str(e)), file=sys.stderr)
        return 1
    print(target)
    return 0

