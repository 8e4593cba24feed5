"""Errors raised by the store. Each carries a message key and parameters so pages can translate it."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: `key` is an i18n message key, `params` fills its placeholders."""

    key = "store.error"

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message or self.__class__.__name__)
        if key is not None:
            self.key = key
        params.setdefault("message", message or self.__class__.__name__)
        self.params = params


class DatabaseLockedError(StoreError):
    key = "store.locked"


class MigrationError(StoreError):
    key = "store.migration_failed"


class SnapshotNotFound(StoreError):
    key = "store.snapshot_not_found"


class DuplicateSnapshot(StoreError):
    """The same files (by SHA-256) were imported before; `snapshot_id` names the existing one."""

    key = "store.duplicate_snapshot"


class NotFound(StoreError):
    key = "store.not_found"
