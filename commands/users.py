"""`python cli.py users add | remove | list`: who may sign in to a team deployment, with which role.

    python cli.py users add EMAIL --role viewer|analyst|lead|admin [--name NAME] [--db PATH]
    python cli.py users remove EMAIL [--db PATH]
    python cli.py users list [--json] [--db PATH]

The command line acts as the local user (whoever can open the database file), so it is how the
first admin is set. The change is recorded in the decision log, signed by the operating-system
user. An admin cannot be removed (or demoted) while they are the last one. Exit status: 0 done,
2 refused (unknown role, not an email, no such user, last admin), 1 the database could not be used.
"""

from __future__ import annotations

import argparse
import json

from commands._shared import CommandFailed, database, report_error, say
from i18n import LANGUAGES, translate
from store import users
from store.db import db_target
from store.errors import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("users", help="team mode: add, remove and list users and their roles")
    actions = parser.add_subparsers(dest="users_command", required=True)

    add = actions.add_parser("add", help="add a user, or change their role")
    add.add_argument("email", help="the email claim the identity provider sends (or its sub claim)")
    add.add_argument("--role", required=True, help=f"one of {', '.join(users.ROLES)}")
    add.add_argument("--name", default=None, help="display name (replaced by the provider's at sign-in)")
    _common(add)
    add.set_defaults(func=run_add)

    remove = actions.add_parser("remove", help="remove a user (never the last admin)")
    remove.add_argument("email")
    _common(remove)
    remove.set_defaults(func=run_remove)

    listing = actions.add_parser("list", help="print the users and their roles")
    listing.add_argument("--json", action="store_true", help="print JSON")
    _common(listing)
    listing.set_defaults(func=run_list)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")


def _refused(lang: str, error: StoreError) -> CommandFailed:
    report_error(lang, error)
    return CommandFailed(2)


def run_add(args: argparse.Namespace) -> int:
    with database(args.db, args.lang) as con:
        try:
            user = users.add_user(con, args.email, args.role, name=args.name)
        except StoreError as e:
            raise _refused(args.lang, e) from e
    say(translate(args.lang, "auth.cli.added", email=user.email, role=user.role))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with database(args.db, args.lang, must_exist=True) as con:
        try:
            users.remove_user(con, args.email)
        except StoreError as e:
            raise _refused(args.lang, e) from e
    say(translate(args.lang, "auth.cli.removed", email=args.email.strip().lower()))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with database(args.db, args.lang, must_exist=True) as con:
        rows = users.list_users(con)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        say(translate(args.lang, "auth.cli.none"))
    else:
        for row in rows:
            print(f"{row['role']:<8} {row['email']}" + (f"  ({row['name']})" if row["name"] else ""))
    return 0
