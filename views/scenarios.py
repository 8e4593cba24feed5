"""Scenarios (情景对比): saved optimiser scenarios of the snapshot, side by side, and the recommended one."""

from __future__ import annotations

import streamlit as st

from analytics.selection_types import SOLUTION_STATUSES
from ui import gate as gate_ui
from ui import optimiser as opt
from ui import scenarios as sc
from ui.auth import can
from ui.exports import pack_downloads
from ui.session import page_guard, page_header, require_snapshot, t
from ui.text import md

page_header("scenarios.title", "scenarios.intro")
SNAPSHOT = require_snapshot("scenarios.no_snapshot")


def act(action, *args) -> None:
    """Run one write; rerun on success so every part of the page shows it, else show why not."""
    with page_guard(stop=False):
        action(*args)
        st.rerun()


def recommendation_banner() -> None:
    chosen = sc.recommended(SNAPSHOT)
    if chosen is None:
        st.info(t("scenarios.recommended.none"))
        return
    st.success(t("scenarios.recommended.banner", name=md(sc.label(chosen)), rationale=md(chosen.rationale)))
    if st.button(t("scenarios.recommended.withdraw"), key="scen.withdraw", disabled=not can("recommend")):
        act(sc.withdraw_recommendation, SNAPSHOT)


def manage(rows, labels: dict[int, str]) -> None:
    st.subheader(t("scenarios.manage.title"))
    chosen = st.selectbox(t("scenarios.manage.pick"), list(labels), format_func=labels.get, key="scen.pick")
    current = rows.loc[rows["scenario_id"] == chosen].iloc[0]
    c1, c2 = st.columns(2)
    with c1, st.form("scen.rename_form"):
        new_name = st.text_input(t("scenarios.manage.new_name"), value=current["name"], max_chars=120, key=f"scen.new_name.{chosen}")
        if st.form_submit_button(t("scenarios.manage.rename"), key="scen.rename", disabled=not can("scenario_rename")):
            act(sc.rename, chosen, new_name)
    if can("recommend"):  # absent, not only disabled, for those who may not recommend
        with c2, st.form("scen.recommend_form"):
            rationale = st.text_area(
                t("scenarios.manage.rationale"), value=sc.text_or_empty(current["rationale"]), key=f"scen.rationale.{chosen}",
                placeholder=t("scenarios.manage.rationale_hint"),
            )
            if st.form_submit_button(t("scenarios.manage.recommend"), type="primary", key="scen.recommend"):
                act(sc.recommend, chosen, rationale)
    c1, c2, _ = st.columns([1, 1, 2])
    if c1.button(t("scenarios.manage.load"), key="scen.load"):
        sc.load_into_optimiser(chosen)
    if c2.button(t("scenarios.manage.delete"), key="scen.delete", disabled=not can("scenario_delete")):
        st.session_state[sc.CONFIRM_DELETE_KEY] = chosen
    if st.session_state.get(sc.CONFIRM_DELETE_KEY) == chosen:
        st.warning(t("scenarios.manage.confirm_text", name=md(labels[chosen])))
        c1, c2, _ = st.columns([1, 1, 2])
        if c1.button(t("scenarios.manage.confirm"), type="primary", key="scen.confirm_delete"):
            st.session_state.pop(sc.CONFIRM_DELETE_KEY, None)
            act(sc.delete, chosen)
        if c2.button(t("scenarios.manage.cancel"), key="scen.cancel_delete"):
            st.session_state.pop(sc.CONFIRM_DELETE_KEY, None)
            st.rerun()
    if current["status"] in SOLUTION_STATUSES:
        st.caption(t("scenarios.manage.pack", name=md(labels[chosen])))
        pack_downloads(chosen, current["updated_at"], key=f"scen.pack.{chosen}")


def comparison(labels: dict[int, str]) -> None:
    st.subheader(t("scenarios.compare.title"))
    picked = st.multiselect(
        t("scenarios.compare.pick"), list(labels), default=list(labels)[: min(2, len(labels))],
        format_func=labels.get, max_selections=4, key="scen.compare",
    )
    if not picked:
        st.info(t("scenarios.compare.none"))
        return
    compared = sc.compare(picked)
    result = compared.comparison
    st.dataframe(
        sc.comparison_table(result, compared.context),
        height=sc.table_height(len(compared.context) + len(result.rows), 40), key="scen.comparison",
        # The metric names ("Peak capacity use: UI designer") are the index: wide enough to read whole.
        column_config={"_index": st.column_config.TextColumn(width="large")},
    )
    st.caption(t("scenarios.compare.legend"))
    c1, c2 = st.columns([3, 1])
    c1.markdown(t("scenarios.compare.projects"))
    only_differences = c2.toggle(t("scenarios.compare.only_differences"), value=len(picked) > 1, key="scen.only_diff")
    members = sc.membership_table(result, only_differences)
    st.dataframe(members, hide_index=True, height=sc.table_height(len(members.data)), key="scen.members")
    lines = sc.differences(result)
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    elif len(picked) > 1:
        st.caption(t("scenarios.compare.same_projects"))


with page_guard():
    recommendation_banner()
    gate_ui.gate_section(SNAPSHOT)  # the gate's decisions on the recommended scenario's proposals
    ROWS = sc.listing(SNAPSHOT)
    if ROWS.empty:
        st.info(t("scenarios.empty"))
        st.stop()
    st.dataframe(sc.listing_frame(ROWS), hide_index=True, key="scen.listing")
    opt.chart(sc.value_cost_figure(ROWS), key="scen.value_cost")
    LABELS = {int(r.scenario_id): sc.label(r) for r in ROWS.itertuples()}
    manage(ROWS, LABELS)
    comparison(LABELS)
