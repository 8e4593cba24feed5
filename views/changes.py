"""Change control (变更控制): the change request register, raise a request, see its impact, decide."""

from __future__ import annotations

import streamlit as st

from analytics.changes import ChangeRequest
from analytics.vocabulary import DECIDED_CHANGE_STATUSES
from ui import changes as ch
from ui.auth import can
from ui.perf import paged, search_select
from ui.session import db_path, page_guard, page_header, require_snapshot, t
from ui.text import md

page_header("changes.title", "changes.intro")
SNAPSHOT = require_snapshot()


def register_section(requests) -> None:
    st.subheader(t("changes.register.title"))
    if requests.empty:
        st.info(t("changes.register.none"))
    else:
        st.dataframe(ch.register_table(paged(requests, key="chg.register_page")), hide_index=True, placeholder="—",
                     key="chg.register")


def raise_section(inputs: ch.SnapshotInputs, requests) -> None:
    st.subheader(t("changes.raise.title"))
    c1, c2 = st.columns([1, 2])
    with c1:
        project_id = search_select(t("changes.col.project_id"), inputs.labels, key="chg.project")
    title = c2.text_input(t("changes.col.title"), key="chg.title")
    if project_id is None:
        return
    c3, c4 = st.columns(2)
    budget = c3.number_input(t("changes.raise.budget_delta", unit=inputs.currency_unit), value=0.0, step=10.0,
                             key="chg.budget")
    months = c4.number_input(t("changes.col.schedule_delta_months"), min_value=-600, max_value=600, value=0, step=1,
                             key="chg.months")
    scope = st.text_area(t("changes.col.scope_change"), key="chg.scope", height=80)
    request = ChangeRequest(project_id, title or "-", float(budget), int(months), scope or "")
    st.markdown(f"**{t('changes.impact.title')}**")
    ch.show_impact(ch.impact(inputs, requests, request), inputs.currency_unit, key="chg.raise_load")
    if st.button(t("changes.raise.button"), key="chg.raise", type="primary",
                 disabled=not title.strip() or not can("change_raise")):
        cr_id = ch.raise_request(SNAPSHOT, ChangeRequest(project_id, title, float(budget), int(months), scope or ""))
        st.session_state["chg.flash"] = t("changes.raise.done", cr_id=md(cr_id))
        st.rerun()


def decide_section(inputs: ch.SnapshotInputs, requests) -> None:
    st.subheader(t("changes.decide.title"))
    open_requests = requests[requests["status"] == "submitted"]
    if open_requests.empty:
        st.caption(t("changes.decide.none"))
        return
    labels = {r.cr_id: f"{r.cr_id} · {r.project_id} · {r.title}" for r in open_requests.itertuples()}
    cr_id = search_select(t("changes.decide.request"), labels, key="chg.decide_cr")
    if cr_id is None:
        return
    row = open_requests[open_requests["cr_id"] == cr_id].iloc[0]
    if row["scope_change"] is not None and str(row["scope_change"]).strip() and str(row["scope_change"]) != "nan":
        st.caption(t("changes.decide.scope", scope=md(row["scope_change"])))
    request = ChangeRequest(str(row["project_id"]), str(row["title"]), ch.delta(row["budget_delta"]),
                            int(ch.delta(row["schedule_delta_months"])))
    ch.show_impact(ch.impact(inputs, requests, request), inputs.currency_unit, key="chg.decide_load")
    c1, c2 = st.columns([1, 2])
    decisions = {status: ch.status_label(status) for status in DECIDED_CHANGE_STATUSES}
    decision = c1.radio(t("changes.decide.decision"), list(decisions), format_func=decisions.get,
                        key="chg.decision", horizontal=True)
    reason = c2.text_input(t("changes.decide.reason"), key="chg.reason")
    if not can("change_decide"):
        st.caption(t("changes.decide.lead_only"))
    if st.button(t("changes.decide.button"), key="chg.decide", type="primary",
                 disabled=not reason.strip() or not can("change_decide")):
        ch.decide(SNAPSHOT, cr_id, decision, reason)
        st.session_state["chg.flash"] = t("changes.decide.done", cr_id=md(cr_id), status=ch.status_label(decision))
        st.rerun()


def page() -> None:
    flash = st.session_state.pop("chg.flash", None)
    if flash:
        st.success(flash)
    inputs = ch.load_inputs(db_path(), SNAPSHOT)
    requests = ch.register(SNAPSHOT)
    register_section(requests)
    if inputs.projects.empty:
        return
    raise_tab, decide_tab = st.tabs([t("changes.raise.title"), t("changes.decide.title")])
    with raise_tab, page_guard(stop=False):
        raise_section(inputs, requests)
    with decide_tab, page_guard(stop=False):
        decide_section(inputs, requests)


with page_guard():
    page()
