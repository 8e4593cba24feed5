"""Overview (总览), the landing page: the portfolio at a glance and what needs a decision."""

from __future__ import annotations

import streamlit as st

from ui import overview as ov
from ui.exports import pack_downloads
from ui.session import page_guard, page_header, snapshot_id, t
from ui.text import md

page_header("overview.title")

SNAPSHOT = snapshot_id()
if SNAPSHOT is None:
    st.info(t("overview.no_snapshot"))
    st.page_link("views/data.py", label=t("overview.link.data"), icon=":material/upload_file:")
    st.stop()

with page_guard():
    DATA = ov.load(SNAPSHOT)

UNIT = md(DATA.currency_unit)  # typed at import; every use below is Markdown
st.caption(t("overview.caption", label=md(DATA.label), as_of=DATA.as_of.isoformat(), unit=UNIT))


def link(page: str, label_key: str, icon: str) -> None:
    st.page_link(page, label=t(label_key), icon=icon)


def portfolio_tile() -> None:
    st.metric(t("overview.tile.projects"), f"{DATA.project_count}", help=t("overview.tile.projects_help"))
    st.markdown("  \n".join(
        t("overview.status_line", status=ov.status_label(s.status), count=s.count, money=ov.money(s.budget, UNIT))
        for s in DATA.statuses
    ))
    link("views/strategy.py", "overview.link.strategy", ":material/target:")


def strategy_tile() -> None:
    rec = DATA.recommendation
    if rec is None:
        st.metric(t("overview.tile.coverage"), "–")
        st.warning(t("overview.no_recommendation"))
        link("views/optimiser.py", "overview.link.optimiser", ":material/tune:")
        return
    coverage = "–" if rec.coverage is None else f"{rec.coverage:.0%}"
    st.metric(t("overview.tile.coverage"), coverage, help=t("overview.tile.coverage_help"))
    st.caption(t("overview.tile.recommended", name=md(rec.name), count=rec.selected_count, proposals=rec.proposals_count,
                 cost=ov.money(rec.new_cost, UNIT)))
    for line in ov.totals_lines(rec, UNIT):
        st.caption(line)
    link("views/scenarios.py", "overview.link.scenarios", ":material/compare:")


def delivery_tile() -> None:
    left, right = st.columns(2)
    left.metric(t("overview.tile.cpi"), ov.ratio(DATA.cpi), ov.delta(DATA.cpi, DATA.previous_cpi),
                chart_data=list(DATA.cpi_trend) or None, help=t("overview.tile.cpi_help"))
    right.metric(t("overview.tile.spi"), ov.ratio(DATA.spi), ov.delta(DATA.spi, DATA.previous_spi),
                 chart_data=list(DATA.spi_trend) or None, help=t("overview.tile.spi_help"))
    if DATA.reporting_count == 0:
        st.caption(t("overview.tile.no_reports"))
    link("views/delivery.py", "overview.link.delivery", ":material/monitor_heart:")


def critical_tile() -> None:
    st.metric(t("overview.tile.critical"), f"{len(DATA.critical)}", help=t("overview.tile.critical_help"))
    if DATA.critical:
        st.caption(ov.join_names([p.name for p in DATA.critical[:4]]))
    link("views/delivery.py", "overview.link.delivery", ":material/monitor_heart:")


def capacity_tile() -> None:
    months = DATA.hot_spot_months
    st.metric(t("overview.tile.hot_spots"), f"{len(DATA.hot_spots)}",
              help=t("overview.tile.hot_spots_help", first=months[0], last=months[-1]) if months else None)
    if DATA.hot_spots:
        st.caption(t("overview.tile.hot_spot_roles", roles=ov.join_names([h.role for h in DATA.hot_spots[:4]])))
    elif DATA.hot_spot_months:
        st.caption(t("overview.tile.no_hot_spots", first=DATA.hot_spot_months[0], last=DATA.hot_spot_months[-1]))
    if DATA.capacity is not None:
        st.caption(ov.capacity_line(DATA.capacity))
    link("views/resources.py", "overview.link.resources", ":material/groups:")


def maturity_tile() -> None:
    if DATA.maturity_level is None:
        st.metric(t("overview.tile.maturity"), "–")
        st.caption(t("overview.tile.no_maturity"))
    else:
        st.metric(t("overview.tile.maturity"), t("overview.level", level=DATA.maturity_level),
                  help=t("overview.tile.maturity_help"))
        st.caption(t("overview.tile.maturity_detail", average=f"{DATA.maturity_average:.1f}",
                     below=DATA.maturity_areas_below_target))
    link("views/maturity.py", "overview.link.maturity", ":material/stairs:")


for column, tile in zip(st.columns(3), (portfolio_tile, strategy_tile, delivery_tile), strict=True):
    with column, st.container(border=True):
        tile()
for column, tile in zip(st.columns(3), (critical_tile, capacity_tile, maturity_tile), strict=True):
    with column, st.container(border=True):
        tile()

chart, decisions = st.columns([3, 2])
with chart:
    st.subheader(t("overview.bubble.title"))
    if DATA.proposals.empty:
        st.info(t("overview.bubble.none"))
    else:
        st.plotly_chart(ov.bubble_chart(DATA), width="stretch", key="overview.bubble")
with decisions:
    st.subheader(t("overview.decide.title"))
    for line, page in ov.decision_lines(DATA):
        st.markdown(f"- {line}")
        if page:
            st.page_link(page, label=t("overview.decide.open"), icon=":material/arrow_forward:")

if DATA.recommendation is not None:
    st.subheader(t("overview.pack.title"))
    st.caption(t("overview.pack.caption", name=md(DATA.recommendation.name)))
    pack_downloads(DATA.recommendation.scenario_id, ov.recommended_key(SNAPSHOT), key="overview.pack")
