"""`python cli.py scorecard` and `python cli.py diff`: the PMO scorecard, and any two snapshots compared.

    python cli.py scorecard --db data/lodestar.duckdb [--snapshot ID] --year 2026 [--json]
        [--late-months 1] [--budget-tolerance 0.10] [--benefit-threshold 0.80]

Without `--snapshot`, the latest snapshot. With `--json` one JSON object, one entry per metric
(project_success_rate, on_time_rate, on_budget_rate, benefits_realisation_rate): `actual` (a share
0-1, null when no project counts), `target` (null without one), `met` (null when either is null),
`projects` (the ids the figure is over) and `hits` (those that count for it). The definitions are
in analytics/scorecard.py and docs/governance.md. Exit status 0 ok, 2 refused input.

    python cli.py diff --db data/lodestar.duckdb --from 3 --to 5 [--json] [--lang zh]

Every project of either snapshot: added, removed, changed or unchanged, with status, budget,
planned and forecast finish and strategic score before and after (analytics/snapshot_diff.py).
`--json`: {"from", "to" (id, label, as_of), "counts", "budget_change_total", "projects": [rows]}.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from analytics.errors import AnalyticsError
from analytics.scorecard import Scorecard, ScorecardSettings, scorecard
from analytics.snapshot_diff import SnapshotDiff, snapshot_diff
from commands._shared import database, report_error, say, snapshot_of
from i18n import LANGUAGES, translate
from i18n.numbers import percent
from store import scorecard as store_scorecard
from store import snapshot_diff as store_diff
from store import snapshots
from store.errors import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("scorecard", help="the PMO scorecard of a year against its SMART targets")
    parser.add_argument("--db", required=True, type=Path, help="the Lodestar DuckDB file")
    parser.add_argument("--snapshot", type=int, default=None, help="snapshot id (default: the latest)")
    parser.add_argument("--year", required=True, type=int, help="the year whose completed projects count")
    defaults = ScorecardSettings()
    parser.add_argument("--late-months", type=int, default=defaults.late_months_tolerance,
                        help="months after the planned finish that still count as on time")
    parser.add_argument("--budget-tolerance", type=float, default=defaults.budget_tolerance,
                        help="overrun share that still counts as on budget (0.10 = 110 %% of budget)")
    parser.add_argument("--benefit-threshold", type=float, default=defaults.benefit_threshold,
                        help="share of expected benefit a successful project realises")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages and the text")
    parser.set_defaults(func=run_scorecard)
    diff = subparsers.add_parser("diff", help="compare any two snapshots project by project")
    diff.add_argument("--db", required=True, type=Path, help="the Lodestar DuckDB file")
    diff.add_argument("--from", dest="from_id", required=True, type=int, help="the earlier snapshot id")
    diff.add_argument("--to", dest="to_id", required=True, type=int, help="the later snapshot id")
    diff.add_argument("--json", action="store_true", help="print one JSON object")
    diff.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages and the text")
    diff.set_defaults(func=run_diff)


def scorecard_text(card: Scorecard, lang: str, heading: str) -> str:
    """The scorecard as lines of text (the CLI's table)."""
    lines = [heading]
    for metric, figure in card.figures.items():
        actual = translate(lang, "scorecard.value.none") if figure.actual is None else percent(figure.actual, lang, 1)
        target = (translate(lang, "scorecard.no_target") if figure.target is None
                  else translate(lang, "scorecard.target", target=percent(figure.target, lang, 1)))
        met = translate(lang, f"scorecard.met.{'none' if figure.met is None else str(figure.met).lower()}")
        lines.append(translate(lang, "scorecard.cli.line", metric=translate(lang, f"scorecard.metric.{metric}"),
                               actual=actual, target=target, met=met, n=len(figure.project_ids)))
    return "\n".join(lines)


def run_scorecard(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang, must_exist=True) as con:
        try:
            settings = ScorecardSettings(args.late_months, args.budget_tolerance, args.benefit_threshold)
            snapshot_id = snapshot_of(con, args.snapshot, lang)
            snapshot = snapshots.get_snapshot(con, snapshot_id)
            card = scorecard(store_scorecard.completed_projects(con, snapshot_id), args.year,
                             store_scorecard.targets(con, snapshot_id), settings)
        except (StoreError, AnalyticsError) as e:
            report_error(lang, e)
            return 2
    if args.json:
        print(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
    else:
        heading = translate(lang, "scorecard.cli.heading", year=args.year, label=snapshot.label,
                            as_of=snapshot.as_of.isoformat())
        print(scorecard_text(card, lang, heading))
    return 0


def _plain(value: object) -> object:
    """A JSON value: None for blanks, ISO text for dates, Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return pd.Timestamp(value).date().isoformat()
    return value.item() if hasattr(value, "item") else value


def _snapshot_json(snapshot: snapshots.Snapshot) -> dict:
    return {"snapshot_id": snapshot.snapshot_id, "label": snapshot.label, "as_of": snapshot.as_of.isoformat()}


def diff_text(diff: SnapshotDiff, lang: str, heading: str) -> str:
    """The comparison as text: the counts, then one line per project that was added, removed or changed."""
    lines = [heading, translate(lang, "diff.summary", **diff.counts,
                                total=f"{diff.budget_change_total:,.1f}")]
    for row in diff.table[diff.table["change"] != "unchanged"].itertuples(index=False):
        parts = [translate(lang, f"diff.kind.{row.change}"), str(row.project_id), str(row.name)]
        if row.status_changed:
            parts.append(f"{translate(lang, f'overview.status.{row.prev_status}')} → "
                         f"{translate(lang, f'overview.status.{row.status}')}")
        if not pd.isna(row.budget_change):
            parts.append(f"{translate(lang, 'diff.col.budget_change')} {row.budget_change:+,.1f}")
        if not pd.isna(row.finish_move_months) and row.finish_move_months:
            parts.append(f"{translate(lang, 'diff.col.finish_move_months')} {int(row.finish_move_months):+d}")
        if not pd.isna(row.slip_days) and row.slip_days:
            parts.append(f"{translate(lang, 'diff.col.slip_days')} {int(row.slip_days):+d}")
        if not pd.isna(row.score_change) and abs(row.score_change) > 0.05:
            parts.append(f"{translate(lang, 'diff.col.score_change')} {row.score_change:+.1f}")
        lines.append("  ".join(parts))
    return "\n".join(lines)


def run_diff(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.from_id == args.to_id:
        say(translate(lang, "diff.cli.same"))
        return 2
    with database(args.db, lang, must_exist=True) as con:
        try:
            first, second = snapshots.get_snapshot(con, args.from_id), snapshots.get_snapshot(con, args.to_id)
            diff = snapshot_diff(store_diff.compare_projects(con, args.from_id, args.to_id),
                                 store_diff.strategic_scores(con, args.from_id),
                                 store_diff.strategic_scores(con, args.to_id))
        except (StoreError, AnalyticsError) as e:
            report_error(lang, e)
            return 2
    if args.json:
        projects = [{k: _plain(v) for k, v in row.items()} for row in diff.table.to_dict("records")]
        print(json.dumps({"from": _snapshot_json(first), "to": _snapshot_json(second), "counts": diff.counts,
                          "budget_change_total": diff.budget_change_total, "projects": projects},
                         ensure_ascii=False, indent=2))
    else:
        print(diff_text(diff, lang, translate(lang, "diff.cli.heading", first=first.label, second=second.label)))
    return 0
