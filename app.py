"""Lodestar router: page config, shared sidebar (language, snapshot, user) and st.navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n import LANGUAGE_NAMES, LANGUAGES
from store import snapshots
from store.errors import StoreError
from ui import auth
from ui.labels import display_width
from ui.session import (
    LANG_KEY,
    SNAPSHOT_KEY,
    WIDGET_GENERATION_KEY,
    WIDGET_PREFIX,
    cursor,
    init_defaults,
    page_guard,
    set_choice,
    show_error,
    t,
)
from ui.text import md

SIDEBAR_SELECT_WIDTH = 26  # display columns (a CJK character is 2) a sidebar selectbox shows at 1280 px

# (section key, page file, title key, icon); the first page is the landing page.
PAGES: list[tuple[str, str, str, str]] = [
    ("app.section.portfolio", "views/overview.py", "page.overview", ":material/dashboard:"),
    ("app.section.portfolio", "views/strategy.py", "page.strategy", ":material/target:"),
    ("app.section.portfolio", "views/optimiser.py", "page.optimiser", ":material/tune:"),
    ("app.section.portfolio", "views/scenarios.py", "page.scenarios", ":material/compare:"),
    ("app.section.portfolio", "views/cases.py", "page.cases", ":material/payments:"),
    ("app.section.delivery", "views/delivery.py", "page.delivery", ":material/monitor_heart:"),
    ("app.section.delivery", "views/resources.py", "page.resources", ":material/groups:"),
    ("app.section.delivery", "views/maturity.py", "page.maturity", ":material/stairs:"),
    ("app.section.delivery", "views/lessons.py", "page.lessons", ":material/menu_book:"),
    ("app.section.delivery", "views/scorecard.py", "scorecard.page", ":material/scoreboard:"),
    ("app.section.delivery", "views/changes.py", "changes.page", ":material/change_circle:"),
    ("app.section.admin", "views/data.py", "page.data", ":material/upload_file:"),
    ("app.section.admin", "views/decision_log.py", "page.decision_log", ":material/history:"),
]
# Shown only to those who may manage users (the page checks again, and so does the store).
ADMIN_PAGE = ("app.section.admin", "views/admin.py", "page.admin", ":material/admin_panel_settings:")


def _copy_widget(state_key: str, widget_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]


def _bind(state_key: str, options: list | None = None) -> dict:
    """Keyword arguments that make a sidebar widget show, and set, the plain session key `state_key`."""
    widget_key = f"{WIDGET_PREFIX}{state_key}.{st.session_state.get(WIDGET_GENERATION_KEY, 0)}"
    current = st.session_state.get(state_key)
    shown = {"index": options.index(current)} if options is not None else {"value": current or ""}
    return {"key": widget_key, "on_change": _copy_widget, "args": (state_key, widget_key), **shown}


def _sidebar() -> None:
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        st.selectbox(
            t("app.language"),
            options=list(LANGUAGES),
            format_func=lambda code: LANGUAGE_NAMES[code],
            **_bind(LANG_KEY, list(LANGUAGES)),
        )
        try:
            listing = snapshots.snapshot_choices(cursor())
        except StoreError as e:
            show_error(e)
            return
        if listing.empty:
            st.session_state[SNAPSHOT_KEY] = None
            st.info(t("app.no_snapshot"))
        else:
            ids = [int(x) for x in listing["snapshot_id"]]
            labels = {
                int(r.snapshot_id): t("app.snapshot_option", label=r.label, as_of=r.as_of.date() if hasattr(r.as_of, "date") else r.as_of, snapshot_id=int(r.snapshot_id))
                for r in listing.itertuples()
            }
            if st.session_state.get(SNAPSHOT_KEY) not in ids:  # first visit, or the snapshot was deleted
                set_choice(SNAPSHOT_KEY, ids[0])
            st.selectbox(t("app.snapshot"), options=ids, format_func=labels.__getitem__, **_bind(SNAPSHOT_KEY, ids))
            chosen = listing.loc[listing["snapshot_id"] == st.session_state[SNAPSHOT_KEY]].iloc[0]
            shown = labels[int(chosen["snapshot_id"])]
            if display_width(shown) > SIDEBAR_SELECT_WIDTH:  # the selectbox cuts it off: in full, wrapped
                st.caption(md(shown))
            st.caption(t("app.currency", unit=md(chosen["currency_unit"])))
        auth.sidebar_identity()


def main() -> None:
    st.set_page_config(page_title="Lodestar", page_icon=":material/explore:", layout="wide")
    init_defaults()
    auth.gate()  # team mode: nothing below runs before sign-in, nor for a user without a role
    _sidebar()
    sections: dict[str, list[st.Page]] = {}
    for section, file, title_key, icon in PAGES + ([ADMIN_PAGE] if auth.can("users") else []):
        sections.setdefault(t(section), []).append(
            st.Page(file, title=t(title_key), icon=icon, url_path=Path(file).stem)
        )
    with page_guard():  # a domain error the page did not guard itself: translated, never a traceback
        st.navigation(sections, expanded=True).run()  # every page listed: no "View more" fold at 14 pages


# Not when a worker process started with "spawn" (ui/data.py's upload check) re-imports this file
# as __mp_main__: the app runs only under Streamlit, which runs it as __main__.
if __name__ == "__main__":
    main()
