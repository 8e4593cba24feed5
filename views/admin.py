"""Admin (管理): who may sign in and with which role; only for admins (the store checks again)."""

from __future__ import annotations

import streamlit as st

from store import users
from ui import admin
from ui.auth import can, role_name, team_mode
from ui.session import page_guard, t
from ui.text import md

st.title(t("auth.admin.title"))
if not can("users"):
    st.error(t("auth.permission_denied.admin"))
    st.stop()
st.caption(t("auth.admin.intro"))
if not team_mode():
    st.info(t("auth.admin.local"))
if users.default_role():
    st.caption(t("auth.admin.default_role", role=role_name(users.default_role())))

with page_guard():
    TABLE = admin.users_table()
    EMAILS = admin.emails()
if TABLE.empty:
    st.info(t("auth.admin.empty"))
else:
    st.dataframe(TABLE, hide_index=True, key="admin.table")

left, right = st.columns(2)
with left.form("admin.add", clear_on_submit=True):
    st.subheader(t("auth.admin.add.title"))
    email = st.text_input(t("auth.admin.add.email"), key="admin.email")
    name = st.text_input(t("auth.admin.add.name"), key="admin.name")
    role_labels = {r: role_name(r) for r in users.ROLES}  # labels made now, in this run's language
    role = st.selectbox(t("auth.admin.add.role"), users.ROLES, format_func=role_labels.__getitem__, key="admin.role")
    if st.form_submit_button(t("auth.admin.add.submit"), type="primary"):
        with page_guard(stop=False):
            saved = admin.save_user(email, role, name)
            st.toast(t("auth.admin.add.done", email=md(saved.email), role=role_name(saved.role)))
            st.rerun()

if EMAILS:
    with right.form("admin.remove"):
        st.subheader(t("auth.admin.remove.title"))
        who = st.selectbox(t("auth.admin.remove.user"), EMAILS, key="admin.remove_email")
        if st.form_submit_button(t("auth.admin.remove.submit")):
            with page_guard(stop=False):
                admin.remove_user(who)
                st.toast(t("auth.admin.remove.done", email=md(who)))
                st.rerun()

st.subheader(t("auth.admin.roles.title"))
st.table({t("auth.admin.col.role"): [role_name(r) for r in users.ROLES],
          "": [t(f"auth.admin.roles.{r}") for r in users.ROLES]})
with page_guard(stop=False):
    st.caption(t("auth.admin.chain", count=admin.verified_entries()))
