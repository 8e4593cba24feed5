"""`python cli.py migrate --from FILE --to postgresql://...`: move a local database to a server one.

    python cli.py migrate --from data/lodestar.duckdb --to postgresql://lodestar@db.example/lodestar
                          [--replace] [--lang zh|en]

Copies every table of the DuckDB file (snapshots, their data, weight sets, scenarios, optimiser
runs, the signed decision log, users, preferences, and whatever later releases add) into the
PostgreSQL database, ids preserved, in one server transaction: the target has all of it or nothing.
Both sides are first brought to the same schema version by the usual migrations. The server's
sequences are then advanced past the copied ids, so the next snapshot or scenario made there gets
a new number. A target that already holds data is refused (status 2) unless `--replace` is given,
which empties it first (in the same transaction). Progress (one line per table) goes to stderr.
The URI is never printed: only `postgresql://user@host:port/dbname`.

Exit status: 0 copied; 2 refused (target not empty, source missing, wrong kinds); 1 the database
could not be used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from commands._shared import database, report_error, say
from i18n import LANGUAGES, translate
from store import backend_copy as migrate_copy
from store.db import db_target, is_postgres, shown
from store.errors import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("migrate", help="copy a local DuckDB database to a PostgreSQL one")
    parser.add_argument("--from", dest="source", required=True, type=Path, help="the DuckDB file to copy")
    parser.add_argument("--to", dest="target", required=True, type=db_target,
                        help="postgresql://user[:password]@host[:port]/dbname (password may come from PGPASSWORD or ~/.pgpass)")
    parser.add_argument("--replace", action="store_true", help="empty a target that already holds data first")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    parser.set_defaults(func=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    lang = args.lang
    if not is_postgres(args.target):
        say(translate(lang, "server.migrate.target_not_server"))
        return 2
    if not args.source.is_file():
        say(translate(lang, "app.cli.no_db", path=str(args.source)))
        return 2
    say(translate(lang, "server.migrate.start", source=str(args.source), target=shown(args.target)))
    with database(args.source, lang, must_exist=True) as source:
        source_tables = migrate_copy.tables(source)
    with database(args.target, lang) as target:
        held = migrate_copy.rows_held(target)
        if held and not args.replace:
            say(translate(lang, "server.migrate.not_empty", target=shown(args.target),
                          tables=", ".join(f"{t} ({n})" for t, n in held.items())))
            return 2
        try:
            copied = migrate_copy.copy_database(
                target, args.source, source_tables, replace=args.replace,
                progress=lambda table, rows: say(translate(lang, "server.migrate.table", table=table, rows=rows)),
            )
        except StoreError as e:
            report_error(lang, e)
            return 1
    say(translate(lang, "server.migrate.done", tables=len(copied), rows=sum(copied.values()),
                  target=shown(args.target)))
    return 0
