"""What every CLI command shares: opening the database and printing translated errors.

Exit statuses (see cli.py): 0 ok, 2 refused input (bad arguments, missing database or snapshot,
invalid data), 1 any other failure (database locked or not upgradable, a file not writable).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from i18n import TranslatableError, error_text, translate
from store import db, snapshots
from store.errors import StoreError


class CommandFailed(Exception):
    """Stop a command with this exit status; the message has already been printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def say(text: str) -> None:
    """A message for the user (stderr, so stdout stays machine-readable)."""
    print(text, file=sys.stderr)


def report_error(lang: str, error: TranslatableError) -> None:
    say(error_text(lang, error))


def snapshot_of(con: db.Connection, requested: int | None, lang: str) -> int:
    """The snapshot a command works on: the one asked for, else the latest. A database with no snapshot
    stops the command with status 2 and says so."""
    snapshot_id = requested if requested is not None else snapshots.latest_snapshot_id(con)
    if snapshot_id is None:
        say(translate(lang, "explain.cli.no_snapshot"))
        raise CommandFailed(2)
    return snapshot_id


@contextlib.contextmanager
def database(
    path: Path | str | None, lang: str, *, must_exist: bool = False, clean: bool = True
) -> Iterator[db.Connection]:
    """The migrated database at `path` (default $LODESTAR_DB), closed afterwards.

    With `must_exist`, a missing file is refused (status 2) instead of being created empty. A file
    another process holds (the running app) is refused with status 1 and what to do (store.locked).
    `clean=False` skips the cleanup of interrupted imports on open (`cli.py doctor`). A store error
    the command leaves unhandled is printed translated, with status 1.
    """
    target = db.db_path(path)
    if must_exist and not db.is_postgres(target) and not target.exists():  # a server database: connect says
        say(translate(lang, "app.cli.no_db", path=str(target)))
        raise CommandFailed(2)
    try:
        con = db.connect(target, clean=clean)
    except StoreError as e:
        report_error(lang, e)
        raise CommandFailed(1) from e
    try:
        yield con
    except StoreError as e:  # what the command did not handle itself: translated, never a traceback
        report_error(lang, e)
        raise CommandFailed(1) from e
    finally:
        con.close()
