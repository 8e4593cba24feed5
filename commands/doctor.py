"""`python cli.py doctor`: find (and with `--repair` remove) what interrupted imports left behind.

    python cli.py doctor --db data/lodestar.duckdb [--repair] [--json] [--lang zh|en]

An import that was killed or crashed can leave rows no reader can see: rows of a snapshot whose
import never completed (a *pending* snapshot), and, in databases written by releases before the
pending -> complete change, *orphan* rows whose snapshot has no record at all. The app removes both
whenever it opens a database; this command opens the file without that cleanup, reports what it
finds per table and, with `--repair`, removes it in one transaction (see docs/recovery.md).

Exit status: 0 nothing found; 1 something found (with `--repair`: found and removed), or the
database could not be used (locked by the running app, not upgradable); 2 no such database file.
"""

from __future__ import annotations

import argparse
import json

from commands._shared import database
from i18n import LANGUAGES, translate
from store.db import db_target
from store.snapshots import Debris, find_debris, remove_debris


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="find (and --repair) rows left behind by interrupted imports")
    parser.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    parser.add_argument("--repair", action="store_true", help="remove what was found, in one transaction")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    parser.set_defaults(func=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    with database(args.db, args.lang, must_exist=True, clean=False) as con:
        found = remove_debris(con) if args.repair else find_debris(con)
    if args.json:
        print(json.dumps({**found.to_dict(), "repaired": bool(args.repair and not found.clean)},
                         ensure_ascii=False, indent=2))
    else:
        for line in report_lines(found, args.lang, repaired=args.repair):
            print(line)
    return 0 if found.clean else 1


def report_lines(found: Debris, lang: str, *, repaired: bool) -> list[str]:
    """What was found (and removed), one line each, in `lang`."""
    if found.clean:
        return [translate(lang, "doctor.clean")]
    lines = [
        translate(lang, "doctor.pending", snapshot_id=p.snapshot_id, label=p.label,
                  imported_at=p.imported_at.isoformat(sep=" ", timespec="seconds"))
        for p in found.pending
    ]
    lines += [translate(lang, "doctor.pending_rows", table=t, rows=n) for t, n in found.pending_rows.items()]
    lines += [translate(lang, "doctor.orphan_rows", table=t, rows=n) for t, n in found.orphan_rows.items()]
    summary = "doctor.repaired" if repaired else "doctor.found"
    lines.append(translate(lang, summary, rows=found.total_rows, pending=len(found.pending)))
    return lines
