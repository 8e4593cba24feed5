"""Per-user state shared by every page: language, chosen snapshot, the caller (ui.auth), and a DB cursor.

Pages call `t("key")` for every visible string, `cursor()` for a cursor of this run on the cached
connection, `page_header` / `require_snapshot` to open, and `with page_guard():` around work that
may fail: a domain error (store, analytics) is shown translated, never as a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from i18n import DEFAULT_LANGUAGE, LANGUAGES, TranslatableError, error_text, language_from_locale, translate
from store import db
from store.users import Actor
from ui.text import md

LOG = logging.getLogger("lodestar")

LANG_KEY = "lang"
SNAPSHOT_KEY = "snapshot_id"
ACTOR_KEY = "actor"  # the store.users.Actor of this session, set by ui.auth.gate
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


def actor() -> Actor:
    """The caller every write of this run passes to the store: the signed-in or the local user (ui.auth)."""
    from ui.auth import current_actor  # ui.auth builds on this module

    return current_actor()


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


@contextlib.contextmanager
def page_guard(*, stop: bool = True) -> Iterator[None]:
    """Around a page's work: a domain error is shown translated, then the page stops there.

    With `stop=False` the page carries on after the block (a section that failed, the rest still
    useful). Streamlit's own stop and rerun pass through; other exceptions are bugs and propagate.
    """
    try:
        yield
    except TranslatableError as e:
        show_error(e)
        if stop:
            st.stop()


def page_header(title_key: str, intro_key: str | None = None) -> None:
    """The page's title and, when given, its one-line introduction."""
    st.title(t(title_key))
    if intro_key is not None:
        st.caption(t(intro_key))


def require_snapshot(message_key: str = "app.no_snapshot") -> int:
    """The chosen snapshot's id; without one, says so (`message_key`) and stops the page."""
    chosen = snapshot_id()
    if chosen is None:
        st.info(t(message_key))
        st.stop()
    return chosen
