"""Resource load (资源负荷): role x month utilisation, over-allocation, capacity against demand."""

from __future__ import annotations

import streamlit as st

from ui import resources as rs
from ui.session import db_path, page_guard, page_header, require_snapshot, t
from ui.text import md

page_header("resources.title", "resources.intro")
SNAPSHOT = require_snapshot()


def summary(load, label: str) -> None:
    over = load.over_allocations()
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("resources.metric.peak", view=md(label)), rs.fmt_pct(load.peak_utilisation()))
    c2.metric(t("resources.metric.over_cells"), len(over))
    c3.metric(t("resources.metric.over_fte"), f"{over['over_fte'].sum():,.1f}")
    # "2026-10 – 2028-09" did not fit a quarter-width tile: the count, with the months on hover.
    c4.metric(t("resources.metric.horizon"), t("resources.metric.months", n=len(load.months)),
              help=t("resources.metric.months_help", first=load.months[0], last=load.months[-1]))
    # Rounded as shown: 0.04 FTE-months would read "0.0" and say nothing.
    if round(load.after_horizon_fte_months, 1) > 0:
        st.caption(t("resources.outside_after", fte=f"{load.after_horizon_fte_months:,.1f}", last=load.months[-1]))
    if round(load.before_horizon_fte_months, 1) > 0:
        st.caption(t("resources.outside_before", fte=f"{load.before_horizon_fte_months:,.1f}", first=load.months[0]))


with page_guard():
    choices = rs.scenario_choices(db_path(), SNAPSHOT)
    options = [None, *(c.scenario_id for c in choices)]
    labels = {None: t("resources.view.committed"), **{c.scenario_id: c.label for c in choices}}
    left, right = st.columns([2, 1])
    chosen = left.selectbox(t("resources.view.pick"), options, format_func=labels.get, key="rs.scenario",
                            help=t("resources.view.help"))
    horizon = right.slider(t("resources.horizon"), min_value=3, max_value=60, value=rs.DEFAULT_HORIZON_MONTHS, step=3, key="rs.horizon",
                           help=t("resources.horizon_help"))
    stamp = next((c.stamp for c in choices if c.scenario_id == chosen), None)
    view = rs.load_resources(db_path(), SNAPSHOT, chosen, stamp, int(horizon))
    if view.committed is None:
        st.info(t("resources.no_capacity"))
        st.stop()
    shown = view.with_scenario or view.committed
    if view.with_scenario is not None:
        st.caption(t("resources.scenario.summary", name=md(view.scenario_name), added=len(view.added_projects),
                     dropped=len(view.dropped_projects)))
        if view.hired_fte_months > 0:
            st.caption(t("resources.scenario.hires", fte=f"{view.hired_fte_months:,.1f}"))
    summary(shown, labels[chosen])
    st.subheader(t("resources.heatmap.title"))
    st.plotly_chart(rs.heatmap_chart(view), width="stretch", key="rs.heatmap")
    st.caption(t("resources.heatmap.colours"))
    st.subheader(t("resources.over.title"))
    if shown.over_allocations().empty:
        st.success(t("resources.over.none"))
    else:
        st.dataframe(rs.over_table(shown, view.committed if view.with_scenario is not None else None), hide_index=True, placeholder="—")
    st.subheader(t("resources.lines.title"))
    st.plotly_chart(rs.capacity_lines_chart(view), width="stretch", key="rs.lines")
