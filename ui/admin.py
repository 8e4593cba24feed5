"""The Admin page's helpers: the users table in the reader's language, and adding or removing users
as the signed-in admin (the store checks the role again)."""

from __future__ import annotations

import pandas as pd

from store import decision_log, users
from ui.auth import current_actor, role_name
from ui.session import cursor, t


def users_table() -> pd.DataFrame:
    """The users, with translated column names and role names."""
    rows = users.list_users(cursor())
    return pd.DataFrame({
        t("auth.admin.col.email"): [r["email"] for r in rows],
        t("auth.admin.col.name"): [r["name"] or "" for r in rows],
        t("auth.admin.col.role"): [role_name(r["role"]) for r in rows],
        t("auth.admin.col.added_by"): [r["added_by"] or "" for r in rows],
        t("auth.admin.col.added_at"): [r["added_at"] or "" for r in rows],
    })


def emails() -> list[str]:
    return [r["email"] for r in users.list_users(cursor())]


def save_user(email: str, role: str, name: str | None) -> users.User:
    return users.add_user(cursor(), email, role, name=(name or "").strip() or None, actor=current_actor())


def remove_user(email: str) -> None:
    users.remove_user(cursor(), email, actor=current_actor())


def verified_entries() -> int:
    """How many signed decision-log entries the hash chain covers (raises LogTampered if broken)."""
    return decision_log.verify(cursor())
