"""Errors raised by the store. Each carries a message key and parameters so pages can translate it."""

from __future__ import annotations

import re

from i18n import TranslatableError


class StoreError(TranslatableError):
    """Base class of this layer's errors (see i18n.TranslatableError for `key` and `params`)."""

    key = "store.error"


class DatabaseLockedError(StoreError):
    """Another process holds the DuckDB file (one process per file).

    `holder` is " (PID n)" when DuckDB's message names the process holding the lock, else "".
    """

    key = "store.locked"

    def __init__(self, message: str = "", **params: object) -> None:
        if "holder" not in params:
            pid = re.search(r"\(PID (\d+)\)", message)
            params["holder"] = f" (PID {pid.group(1)})" if pid else ""
        super().__init__(message, **params)


class DatabaseOpenError(StoreError):
    """The file could not be opened for a reason other than a lock (missing folder, not a database)."""

    key = "store.open_failed"


class MigrationError(StoreError):
    key = "store.migration_failed"


class SnapshotNotFound(StoreError):
    key = "store.snapshot_not_found"


class DuplicateSnapshot(StoreError):
    """The same files (by SHA-256) were imported before; `snapshot_id` names the existing one."""

    key = "store.duplicate_snapshot"


class NotFound(StoreError):
    key = "store.not_found"


# What DuckDB reports on a cursor, translated by store.db (see `db.translated`). Each keeps DuckDB's
# own text in `params["message"]` for the log; the user sees the message key's text.


class ConstraintViolation(StoreError):
    """A write broke a key, NOT NULL or CHECK rule of the schema."""

    key = "database.constraint"


class StorageIOError(StoreError):
    """The file could not be read or written (disk full, permissions, a path that does not exist)."""

    key = "database.io"


class ConversionFailed(StoreError):
    """A value could not be turned into the column's type (text into a number, a date out of range)."""

    key = "database.conversion"


class SchemaMismatch(StoreError):
    """A table, column or function the code expects is missing: the file is from another release."""

    key = "database.catalog"


class WriteConflict(StoreError):
    """Two sessions changed the same rows at once; the later one was rolled back."""

    key = "database.conflict"


class DatabaseFailed(StoreError):
    """Any other error DuckDB reports."""

    key = "database.failed"
