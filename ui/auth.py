"""Sign-in and roles in the app: local mode or team mode, the gate every run passes, `can(action)`.

- Local mode (no `[auth]` section in .streamlit/secrets.toml): no sign-in; the one user is the
  operating-system user with every right (store.users.local_actor).
- Team mode (an `[auth]` section): Streamlit's own OpenID Connect sign-in (`st.login`, `st.user`,
  `st.logout`). Before sign-in only a sign-in page is drawn, in the browser's language; a signed-in
  user without a role sees who the admins are, and nothing else.

`gate()` runs first in app.py and keeps the caller in the session; `current_actor()` is what every
write passes to the store (which checks the role again); `can(action)` hides what a role may not do.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from i18n import LANGUAGES
from store import users
from store.errors import StoreError
from store.users import Action, Actor
from ui.session import ACTOR_KEY, LANG_KEY, cursor, lang, set_choice, show_error, t
from ui.text import md

_SAVED_LANG_KEY = "_auth_saved_lang"  # (email, language) last read from or written to the database
_NOBODY = Actor(email="", name="", role=None)  # team mode before the gate ran: no rights at all


def auth_section() -> dict[str, Any]:
    """The `[auth]` section of the secrets (empty in local mode)."""
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return {}
    return dict(section) if section else {}


def team_mode() -> bool:
    return bool(auth_section())


def providers() -> list[str | None]:
    """The providers to offer: None for the single unnamed one, else each named `[auth.NAME]`."""
    section = auth_section()
    named = [name for name, value in section.items()
             if name != "client_kwargs" and hasattr(value, "keys") and "client_id" in value]
    return ([None] if section.get("client_id") else []) + sorted(named)


def current_actor() -> Actor:
    """Who this run acts as: the signed-in user (team mode), else the local user."""
    value = st.session_state.get(ACTOR_KEY)
    if isinstance(value, Actor):
        return value
    return _NOBODY if team_mode() else users.local_actor()


def can(action: Action) -> bool:
    """Whether the current user's role may do `action` (store.users.ACTIONS); for showing buttons."""
    return current_actor().can(action)


def role_name(role: str | None) -> str:
    return t(f"auth.role.{role}") if role else t("auth.role.none")


# --- the gate ---------------------------------------------------------------------------------------


def gate() -> Actor:
    """Decide who this run is for; in team mode draw the sign-in or no-access page and stop."""
    if not team_mode():
        users.require_named_actor(False)
        actor = users.local_actor()
        st.session_state[ACTOR_KEY] = actor
        return actor
    users.require_named_actor(True)  # a write that forgets to pass the caller is refused, not done as local
    st.session_state.pop(ACTOR_KEY, None)
    if not st.user.get("is_logged_in"):
        _only(_sign_in_page, t("auth.signin.title"))
        return _NOBODY  # (st.stop() ends a real run before this)
    # An email the provider marks unverified is not an identity (anyone could type an admin's address).
    verified = st.user.get("email_verified") is not False
    email = str((st.user.get("email") if verified else None) or st.user.get("sub") or "")
    name = st.user.get("name")
    try:
        con = cursor()
        actor = users.actor_for(con, email, None if name is None else str(name))
        if actor.role is None:
            admin_emails = users.admins(con)
            _only(lambda: _no_access_page(actor, admin_emails), t("auth.noaccess.title"))
            return _NOBODY
        _sync_language(con, actor)
    except StoreError as e:  # the database is locked, or the provider sent no usable id
        _only(lambda error=e: show_error(error), t("auth.signin.title"))
        return _NOBODY
    st.session_state[ACTOR_KEY] = actor
    return actor


def _sync_language(con, actor: Actor) -> None:
    """The language is the user's own: taken from the database at sign-in, saved when it changes.
    At sign-in (a session's first run for this user) the provider's display name is kept too."""
    email = actor.email
    saved = st.session_state.get(_SAVED_LANG_KEY)
    if saved is None or saved[0] != email:
        users.remember_name(con, email, actor.name)
        stored = users.language(con, email)
        if stored in LANGUAGES and stored != lang():
            set_choice(LANG_KEY, stored)
        if stored not in LANGUAGES:
            users.set_language(con, email, lang())
        st.session_state[_SAVED_LANG_KEY] = (email, lang())
    elif saved[1] != lang():
        users.set_language(con, email, lang())
        st.session_state[_SAVED_LANG_KEY] = (email, lang())


def _only(draw, title: str) -> None:
    """Draw this one page and end the run: a navigation of just it, hidden, so none of the app's pages
    appears and any URL asked for (a deep link such as /data) shows this page."""
    st.navigation([st.Page(draw, title=title, url_path="signin", default=True)], position="hidden").run()
    st.stop()


def _sign_in_page() -> None:
    st.title(t("auth.signin.title"))
    st.write(t("auth.signin.intro"))
    if not providers():
        st.error(t("auth.signin.no_provider"))
    for provider in providers():
        if provider is None:
            st.button(t("auth.signin.button"), type="primary", on_click=st.login, key="auth_sign_in")
        else:
            st.button(t("auth.signin.with", provider=provider.capitalize()), on_click=st.login, args=(provider,),
                      key=f"auth_sign_in_{provider}")


def _no_access_page(actor: Actor, admin_emails: list[str]) -> None:
    st.title(t("auth.noaccess.title"))
    st.markdown(t("auth.noaccess.body", email=md(actor.email)))
    if admin_emails:
        st.markdown("\n".join(f"- {md(email)}" for email in admin_emails))
    else:
        st.info(t("auth.noaccess.no_admins"))
    st.button(t("auth.signout"), on_click=st.logout, key="auth_sign_out_no_access")


def sidebar_identity() -> None:
    """In the sidebar: who is signed in and a sign-out button, or that this is local mode."""
    actor = current_actor()
    if actor.local or not team_mode():
        st.caption(t("auth.local.mode", user=md(actor.name)))
        st.caption(t("auth.local.how"))
        return
    st.caption(t("auth.signed_in_as", name=md(actor.label)))
    st.caption(t("auth.your_role", role=role_name(actor.role)))
    st.button(t("auth.signout"), on_click=st.logout, key="auth_sign_out")
