"""Per-user state shared by every page: language, chosen snapshot, user name, and a DB cursor.

Pages call `t("key")` for every visible string, `cursor()` for a cursor of this run on the cached
connection, and `show_error(e)` for any domain error (translated, never a traceback).
"""

from __future__ import annotations

import logging

import streamlit as st

from i18n import DEFAULT_LANGUAGE, LANGUAGES, TranslatableError, error_text, language_from_locale, translate
from store import db
from ui.text import md

LOG = logging.getLogger("lodestar")

LANG_KEY = "lang"
SNAPSHOT_KEY = "snapshot_id"
ACTOR_KEY = "actor"
# The sidebar widgets mirror the plain keys above, which are the truth: Streamlit drops a widget's
# state when a run ends without drawing it, and when a widget's identity changes the browser shows
# its default and may send that back as a choice. So each widget takes its index/value from the
# plain key, is never written through the Session State API, and gets a new key (a new generation)
# whenever code, not the user, changes the choice.
WIDGET_PREFIX = "_widget_"
WIDGET_GENERATION_KEY = "_widget_generation"


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


def set_choice(state_key: str, value: object) -> None:
    """Change a sidebar choice from code; the sidebar's widget is redrawn showing it."""
    st.session_state[state_key] = value
    st.session_state[WIDGET_GENERATION_KEY] = st.session_state.get(WIDGET_GENERATION_KEY, 0) + 1


def select_snapshot(snapshot_id: int) -> None:
    """Make this snapshot the current one (e.g. after an import); the sidebar follows on its next draw."""
    set_choice(SNAPSHOT_KEY, snapshot_id)


def ensure_router() -> None:
    """Call first in every page: make sure the page runs inside app.py's st.navigation.

    Streamlit decides on the first run of a fresh server whether the app uses the legacy `pages/`
    folder discovery; until app.py has called st.navigation once, a deep link such as /data runs the
    page file alone, without the shared sidebar, language or snapshot. Here we switch the process to
    st.navigation and rerun, so the same URL is served through the router.
    """
    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager

    # AppTest resets this flag before every run (it renders the chosen page alone by design); a rerun
    # there would replay the run without its button clicks. Servers decide it once per process.
    if config.get_option("global.appTest"):
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def actor() -> str | None:
    name = (st.session_state.get(ACTOR_KEY) or "").strip()
    return name or None


def db_path() -> str:
    return str(db.db_path())


def cursor() -> db.Connection:
    """A new cursor on the process's one connection (store.db keeps it), for this run's work."""
    return db.cursor(db_path())


def show_error(error: Exception) -> None:
    """Show a domain error translated; anything else as a generic message, logged with its traceback."""
    if isinstance(error, TranslatableError):
        st.error(error_text(lang(), error, escape=md))
        return
    LOG.exception("unexpected error", exc_info=error)
    st.error(t("app.error", message=type(error).__name__))
