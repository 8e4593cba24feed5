"""Per-user state shared by every page: language, chosen snapshot, user name, and a DB cursor.

Pages call `t("key")` for every visible string, `cursor()` for a cursor of this run on the cached
connection, and `show_error(e)` for any domain error (translated, never a traceback).
"""

from __future__ import annotations

import logging

import duckdb
import streamlit as st

from analytics.errors import AnalyticsError
from i18n import DEFAULT_LANGUAGE, LANGUAGES, language_from_locale, translate
from store import db
from store.errors import StoreError

LOG = logging.getLogger("lodestar")

LANG_KEY = "lang"
SNAPSHOT_KEY = "snapshot_id"
ACTOR_KEY = "actor"
PENDING_SNAPSHOT_KEY = "snapshot_id_pending"  # picked up by the sidebar on the next run


def init_defaults() -> None:
    """Language from the browser locale on first visit; nothing else is assumed."""
    if LANG_KEY not in st.session_state:
        try:
            locale = st.context.locale
        except Exception:  # no browser context (AppTest, bare mode)
            locale = None
        st.session_state[LANG_KEY] = language_from_locale(locale) if locale else DEFAULT_LANGUAGE
    st.session_state.setdefault(ACTOR_KEY, "")


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, **params: object) -> str:
    """The message `key` in the user's language."""
    return translate(lang(), key, **params)


def snapshot_id() -> int | None:
    return st.session_state.get(SNAPSHOT_KEY)


def select_snapshot(snapshot_id: int) -> None:
    """Show this snapshot in the sidebar from the next run on (e.g. after an import).

    The sidebar's selectbox has already been drawn in this run, so its value cannot change now;
    app.py applies the request before drawing it again.
    """
    st.session_state[PENDING_SNAPSHOT_KEY] = snapshot_id


def actor() -> str | None:
    name = (st.session_state.get(ACTOR_KEY) or "").strip()
    return name or None


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.shared_connection(path)


def db_path() -> str:
    return str(db.db_path())


def cursor() -> duckdb.DuckDBPyConnection:
    """A new cursor on the process's cached connection, for this run's work."""
    return _connection(db_path()).cursor()


def show_error(error: Exception) -> None:
    """Show a domain error translated; anything else as a generic message, logged with its traceback."""
    if isinstance(error, StoreError | AnalyticsError):
        try:
            st.error(t(error.key, **error.params))
            return
        except (KeyError, IndexError):
            pass
        st.error(t("app.error", message=str(error)))
        return
    LOG.exception("unexpected error", exc_info=error)
    st.error(t("app.error", message=type(error).__name__))
