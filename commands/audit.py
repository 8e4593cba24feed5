"""`python cli.py verify-log`: check that the decision log is as Lodestar wrote it.

    python cli.py verify-log [--db PATH] [--json] [--lang zh|en]

Every entry carries a SHA-256 hash over its fields and the entry before it (store.decision_log);
an entry changed or removed with SQL behind the store's back breaks the chain. Exit status: 0 the
chain holds, 2 it does not (the first entry that fails is named), 1 the database could not be used.
"""

from __future__ import annotations

import argparse
import json

from commands._shared import CommandFailed, database, report_error, say
from i18n import LANGUAGES, translate
from store import decision_log
from store.db import db_target
from store.errors import LogTampered


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify-log", help="check the decision log's hash chain")
    parser.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with database(args.db, args.lang, must_exist=True) as con:
        try:
            checked = decision_log.verify(con)
        except LogTampered as e:
            if args.json:
                print(json.dumps({"ok": False, "log_id": e.params["log_id"]}))
            report_error(args.lang, e)
            raise CommandFailed(2) from e
    if args.json:
        print(json.dumps({"ok": True, "checked": checked}))
    say(translate(args.lang, "auth.admin.chain", count=checked))
    return 0
