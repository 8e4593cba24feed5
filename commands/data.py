"""`python cli.py import | snapshots | sample`: getting data in, and seeing what is there.

    python cli.py import --db data/lodestar.duckdb --label "2026-03" [--as-of 2026-03-31] FILE_OR_DIR_OR_ZIP...
    python cli.py import --check FILE_OR_DIR_OR_ZIP...            # validate only, write nothing
    python cli.py import --mapping MAP.toml [--save-profile NAME] --label L FILE...   # docs/mapping.md
    python cli.py import --label L --partial --rejects left_out.csv [--problems all.csv] FILE...
    python cli.py import --date-order dmy ...                      # read 01/03/2026 as 1 March (mdy: January 3)
    python cli.py snapshots --db data/lodestar.duckdb [--json]
    python cli.py sample --db data/lodestar.duckdb [--if-empty] [--dir data/sample]

`import` prints the new snapshot id on stdout (warnings on stderr). When the files are refused it
prints every problem on stderr (`file:row: column "value" — what was expected`) and exits with
status 2, having written nothing; re-importing identical files is refused the same way, naming the
snapshot that holds them. Totals are exact (errors, rows with errors, per problem and column); the
first 100 rows of each problem are printed and `--problems FILE.csv` writes them all. With
`--partial` the rows that pass are imported (exit 0, counts printed) and the rows left out, with
why, go to `--rejects FILE.csv` (store.import_partial). `--db` defaults to $LODESTAR_DB, else data/lodestar.duckdb. Messages are
in `--lang` (en or zh). Exit status: 0 done, 2 input refused, 1 the database could not be used.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from commands import mappings
from commands._shared import database, report_error, say
from i18n import LANGUAGES, translate
from reports import import_lists
from store import import_problems, snapshots
from store.db import db_target
from store.errors import NotFound, StoreError
from store.import_types import Problem
from store.import_values import DATE_ORDERS
from store.importer import (
    ImportRefused,
    ImportReport,
    check_paths,
    import_paths,
    load_sample,
    problem_line,
    problem_text,
    sample_folders,
)
from store.mapping import MappingError


def register(subparsers: argparse._SubParsersAction) -> None:
    imp = subparsers.add_parser("import", help="import CSV files, workbooks, folders or zips as one validated snapshot")
    imp.add_argument("paths", nargs="+", type=Path, help="CSV files, .xlsx/.xlsm workbooks, folders of them, or .zip archives")
    _common(imp)
    imp.add_argument("--label", help="snapshot label (required unless --check)")
    imp.add_argument("--as-of", help="as-of date YYYY-MM-DD (default: latest status report date, else today)")
    imp.add_argument("--currency-unit", default="万元", help="unit of the money columns (default 万元)")
    imp.add_argument("--check", action="store_true", help="validate only; write nothing")
    imp.add_argument("--json", action="store_true", help="print the whole report as JSON on stdout")
    mappings.add_import_options(imp)
    imp.add_argument("--partial", action="store_true",
                     help="import the rows that pass and leave out the refused ones (and the rows that refer to them)")
    imp.add_argument("--rejects", type=Path, help="with --partial: write the rows left out, and why, to this CSV file")
    imp.add_argument("--problems", type=Path, help="write every problem (not only the first 100 of each) to this CSV file")
    imp.add_argument("--date-order", choices=DATE_ORDERS, default=None,
                     help="read dates like 01/03/2026 day-first (dmy) or month-first (mdy); without it they are refused")
    imp.set_defaults(func=run_import)

    snaps = subparsers.add_parser("snapshots", help="list snapshots with their row counts")
    _common(snaps)
    snaps.add_argument("--json", action="store_true", help="print JSON")
    snaps.set_defaults(func=run_snapshots)

    sample = subparsers.add_parser("sample", help="load the bundled sample snapshots (data/sample)")
    _common(sample)
    sample.add_argument("--if-empty", action="store_true", help="only when the database holds no snapshot")
    sample.add_argument("--dir", type=Path, default=None, help="bundle folder (default data/sample)")
    sample.set_defaults(func=run_sample)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")



def report_to_dict(report: ImportReport, lang: str) -> dict[str, Any]:
    """The report as plain JSON-ready data, each problem with its text in `lang`."""
    return {
        "snapshot_id": report.snapshot_id,
        "duplicate_of": report.duplicate_of,
        "label": report.label,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "currency_unit": report.currency_unit,
        "rows": report.rows,
        "files": [dataclasses.asdict(f) for f in report.files],
        "problems": [{**dataclasses.asdict(p), "text": problem_text(p, lang)} for p in report.problems],
        "totals": {"errors": report.error_total, "warnings": report.warning_total, "rows_refused": report.rows_refused},
        "groups": [dataclasses.asdict(g) for g in report.groups],
        "partial": None if report.partial is None else {
            "possible": report.partial.possible, "reason": report.partial.reason, "applied": report.partial.applied,
            "kept": report.partial.kept, "rejected": report.partial.rejected, "followed": report.partial.followed},
    }


def _parse_as_of(text: str | None, lang: str) -> tuple[dt.date | None, bool]:
    if text is None:
        return None, True
    try:
        return dt.date.fromisoformat(text), True
    except ValueError:
        say(translate(lang, "data.cli.bad_as_of", value=text))
        return None, False


def run_import(args: argparse.Namespace) -> int:
    lang = args.lang
    as_of, ok = _parse_as_of(args.as_of, lang)
    if not ok:
        return 2
    if not args.check and not (args.label or "").strip():
        say(translate(lang, "data.problem.missing_label"))
        return 2
    if args.rejects is not None and not args.partial:
        say(translate(lang, "partial.cli.rejects_needs_partial"))
        return 2
    mapping = mappings.read_mapping_file(args.mapping, lang) if args.mapping else None
    if args.mapping and mapping is None:
        return 2
    with database(args.db, lang) as con:
        try:
            mapping = mappings.import_mapping(args, con, lang, mapping)
            given = {"mapping": mapping, "profiles": not args.no_profiles}
            if args.check:
                report = check_paths(args.paths, con=con, as_of=as_of, currency_unit=args.currency_unit, lang=lang,
                                     date_order=args.date_order, **given)
            else:
                report = import_paths(con, args.paths, label=args.label, as_of=as_of,
                                      currency_unit=args.currency_unit, actor=None, lang=lang, date_order=args.date_order,
                                      partial=args.partial, **given)
            mappings.say_mapped(report, lang)
            if args.save_profile and mapping is not None and not report.errors:
                mappings.save_used_profile(con, args, mapping, lang)
        except (NotFound, MappingError) as e:  # an unknown profile, a profile or name that cannot be used
            report_error(lang, e)
            return 2
        except StoreError as e:
            report_error(lang, e)
            return 1
    try:
        return _print_import(report, args, lang)
    finally:
        import_problems.unlink(report.spill)
        if report.partial is not None:
            import_problems.unlink(report.partial.spill)


def _print_import(report: ImportReport, args: argparse.Namespace, lang: str) -> int:
    for line in report.texts(lang):
        say(line)
    if args.problems is not None:
        count = import_lists.write_problems(report, lang, args.problems)
        say(translate(lang, "partial.cli.problems_written", count=f"{count:,}", path=args.problems))
    for info in report.files:  # units written in headers, e.g. 预算（万元）: shown, never converted
        for column, unit in info.units:
            say(f"{info.name}: {translate(lang, 'reading.unit', column=column, unit=unit)}")
    if args.json:
        print(json.dumps(report_to_dict(report, lang), ensure_ascii=False, default=str, indent=2))
    files = len([f for f in report.files if f.kind])
    rows = sum(report.rows.values())
    if report.duplicate_of is not None:
        for info in report.files:
            kind = translate(lang, f"data.kind.{info.kind}") if info.kind else translate(lang, "data.preview.unrecognised")
            say(translate(lang, "reimport.cli_file", file=info.name, kind=kind, rows=info.rows,
                          snapshot_id=report.duplicate_of))
        say(translate(lang, "store.duplicate_snapshot", snapshot_id=report.duplicate_of))
        return 2
    if report.partial is not None and report.partial.applied:
        return _print_partial(report, args, lang)
    if report.errors:
        _print_totals(report, lang)
        plan = report.partial
        if args.partial and plan is not None and not plan.possible:
            reason = translate(lang, f"partial.not_possible.{plan.reason}")
            say(translate(lang, "partial.cli.not_possible", reason=reason))
        return 2
    if args.check:
        say(translate(lang, "data.cli.checked", rows=rows, files=files, warnings=len(report.warnings)))
        return 0
    if not args.json:
        print(report.snapshot_id)
    say(translate(lang, "data.cli.imported", snapshot_id=report.snapshot_id, rows=rows, files=files))
    return 0


def _count(lang: str, noun: str, count: int) -> str:
    key = f"partial.count.{noun}_one" if count == 1 else f"partial.count.{noun}"
    return translate(lang, key, count=f"{count:,}")


def _print_totals(report: ImportReport, lang: str) -> None:
    """Exact totals of a refused import: overall, then per problem (kind x column), errors first."""
    # Per problem (file x column x kind) where one line per row does not already say it at a glance.
    for group in sorted((g for g in report.groups if g.total > 1), key=lambda g: (not g.is_error, -g.total)):
        text = problem_text(Problem(group.file, None, group.column, None, group.code, group.params, group.severity), lang)
        say(translate(lang, "partial.cli.group", count=f"{group.total:,}", file=group.file or "",
                      column=group.column or "", problem=text))
    say(translate(lang, "partial.cli.refused", errors=_count(lang, "errors", report.error_total),
                  rows=_count(lang, "rows", report.rows_refused), warnings=_count(lang, "warnings", report.warning_total)))


def _print_partial(report: ImportReport, args: argparse.Namespace, lang: str) -> int:
    """A partial import: the snapshot id on stdout, the counts (overall and per kind) and the rejects file."""
    plan = report.partial
    if not args.json:
        print(report.snapshot_id)
    say(translate(lang, "partial.cli.imported", snapshot_id=report.snapshot_id,
                  kept=_count(lang, "rows", plan.kept_total), rejected=_count(lang, "rows", plan.rejected_total)))
    for kind, kept in plan.kept.items():
        rejected = plan.rejected.get(kind, 0)
        if rejected:
            say(translate(lang, "partial.cli.kind", kind=translate(lang, f"data.kind.{kind}"),
                          kept=_count(lang, "rows", kept), rejected=_count(lang, "rows", rejected)))
    if args.rejects is not None:
        count = import_lists.write_rejects(report, lang, args.rejects)
        say(translate(lang, "partial.cli.rejects_written", count=f"{count:,}", path=args.rejects))
    return 0


def run_snapshots(args: argparse.Namespace) -> int:
    with database(args.db, args.lang) as con:
        listing = snapshots.list_snapshots(con)
    records = [_plain_record(row) for row in listing.astype(object).where(listing.notna(), None).to_dict("records")]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, default=str, indent=2))
        return 0
    if not records:
        say(translate(args.lang, "data.cli.no_snapshots"))
        return 0
    columns = ["snapshot_id", "as_of", *snapshots.DATA_TABLES, "label"]
    print("  ".join(columns))
    for record in records:
        as_of = str(record["as_of"])[:10]
        counts = [str(int(record[t])) for t in snapshots.DATA_TABLES]
        print("  ".join([str(record["snapshot_id"]), as_of, *counts, str(record["label"])]))
    return 0


def _plain_record(row: dict[str, Any]) -> dict[str, Any]:
    record = {}
    for key, value in row.items():
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()[:10] if key == "as_of" else value.isoformat()
        elif hasattr(value, "item"):  # numpy scalars
            value = value.item()
        record[key] = value
    return record


def run_sample(args: argparse.Namespace) -> int:
    lang = args.lang
    folders = sample_folders(args.dir)
    if not folders:
        say(translate(lang, "data.cli.sample_missing", path=args.dir or "data/sample"))
        return 0
    with database(args.db, lang) as con:
        try:
            empty = snapshots.snapshot_count(con) == 0
            created = load_sample(con, args.dir, if_empty=args.if_empty)
        except ImportRefused as e:
            for line in e.report.texts(lang):
                say(line)
            report_error(lang, e)
            return 2
        except StoreError as e:
            report_error(lang, e)
            return 1
    if created:
        print(translate(lang, "data.cli.sample_loaded", count=len(created), ids=", ".join(map(str, created))))
    elif args.if_empty and not empty:
        say(translate(lang, "data.cli.sample_skipped"))
    else:
        say(translate(lang, "data.cli.sample_none_new"))
    return 0


__all__ = ["problem_line", "register", "report_to_dict"]
