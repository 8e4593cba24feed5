"""Delivery health (交付健康): portfolio EVM, health quadrant, exceptions, trends, drill-down, benefits."""

from __future__ import annotations

import streamlit as st

from analytics.evm import EAC_METHODS
from analytics.health import HEALTH_LEVELS, HealthThresholds, health_counts
from ui import changes as changes_ui
from ui import delivery as dv
from ui import snapshot_diff as diff_ui
from ui.perf import LAZY_TABS_ABOVE, is_open, paged, search_select, tabs
from ui.session import db_path, page_guard, page_header, require_snapshot, t
from ui.text import md

page_header("delivery.title", "delivery.intro")
SNAPSHOT = require_snapshot()


def thresholds_form() -> HealthThresholds:
    """The health rule's thresholds, editable; defaults are the product's."""
    d = HealthThresholds()
    with st.expander(t("delivery.thresholds.title")):
        st.caption(t("delivery.thresholds.help"))
        c1, c2, c3, c4 = st.columns(4)
        cpi_w = c1.number_input(t("delivery.thresholds.cpi_watch"), 0.05, 2.0, d.cpi_watch, 0.01, key="dv.cpi_w")
        cpi_c = c1.number_input(t("delivery.thresholds.cpi_critical"), 0.05, 2.0, d.cpi_critical, 0.01, key="dv.cpi_c")
        spi_w = c2.number_input(t("delivery.thresholds.spi_watch"), 0.05, 2.0, d.spi_watch, 0.01, key="dv.spi_w")
        spi_c = c2.number_input(t("delivery.thresholds.spi_critical"), 0.05, 2.0, d.spi_critical, 0.01, key="dv.spi_c")
        ms_w = c3.number_input(t("delivery.thresholds.missed_watch"), 1, 50, d.missed_watch, key="dv.ms_w")
        ms_c = c3.number_input(t("delivery.thresholds.missed_critical"), 1, 50, d.missed_critical, key="dv.ms_c")
        rk_w = c4.number_input(t("delivery.thresholds.risks_watch"), 1, 100, d.open_risks_watch, key="dv.rk_w")
        rk_c = c4.number_input(t("delivery.thresholds.risks_critical"), 1, 100, d.open_risks_critical, key="dv.rk_c")
    return HealthThresholds(cpi_w, cpi_c, spi_w, spi_c, int(ms_w), int(ms_c), int(rk_w), int(rk_c))


def tiles(view: dv.DeliveryView) -> None:
    p, q = view.portfolio, view.previous
    if q is not None:
        st.caption(t("delivery.tiles.vs_previous", label=md(view.previous_label)))
    row = st.columns(5)
    row[0].metric(t("delivery.metric.cpi"), dv.fmt_number(p.cpi, 2), dv.delta(p.cpi, q and q.cpi))
    row[1].metric(t("delivery.metric.spi"), dv.fmt_number(p.spi, 2), dv.delta(p.spi, q and q.spi))
    row[2].metric(t("delivery.metric.eac"), dv.fmt_number(p.eac), dv.delta(p.eac, q and q.eac, 1), delta_color="inverse")
    row[3].metric(t("delivery.metric.vac"), dv.fmt_number(p.vac), dv.delta(p.vac, q and q.vac, 1))
    row[4].metric(t("delivery.metric.tcpi"), dv.fmt_number(p.tcpi, 2), dv.delta(p.tcpi, q and q.tcpi), delta_color="inverse")
    row = st.columns(5)
    row[0].metric(t("delivery.metric.pv"), dv.fmt_number(p.planned_value), dv.delta(p.planned_value, q and q.planned_value, 1), delta_color="off")
    row[1].metric(t("delivery.metric.ev"), dv.fmt_number(p.earned_value), dv.delta(p.earned_value, q and q.earned_value, 1), delta_color="off")
    row[2].metric(t("delivery.metric.ac"), dv.fmt_number(p.actual_cost), dv.delta(p.actual_cost, q and q.actual_cost, 1), delta_color="off")
    row[3].metric(t("delivery.metric.bac"), dv.fmt_number(p.budget_at_completion), dv.delta(p.budget_at_completion, q and q.budget_at_completion, 1), delta_color="off")
    row[4].metric(t("delivery.metric.hit_rate"), dv.fmt_pct(view.hit_rate), dv.delta_points(view.hit_rate, view.previous_hit_rate))
    counts = health_counts(view.projects)
    row = st.columns(4)
    for column, level in zip(row, HEALTH_LEVELS, strict=False):
        column.metric(t("delivery.metric.in_flight", health=dv.health_label(level)), counts[level])
    if view.change is not None:
        row[3].metric(t("delivery.metric.worsened"), view.change.worsened_count, delta_color="off")
    st.caption(t("delivery.tiles.counts", projects=p.project_count, in_flight=sum(counts.values()),
                 reporting=p.reporting_count, unit=md(view.currency_unit)))
    if p.closed_unreported_count:
        st.caption(t("figures.evm.closed_unreported", count=p.closed_unreported_count))


def overview_tab(view: dv.DeliveryView) -> None:
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("delivery.quadrant.title"))
        st.plotly_chart(dv.quadrant_chart(view), width="stretch", key="dv.quadrant")
        hidden = int((view.projects["cpi"].isna() | view.projects["spi"].isna()).sum())
        if hidden:
            st.caption(t("delivery.quadrant.hidden", n=hidden))
    with right:
        st.subheader(t("delivery.history.title"))
        if len(view.history):
            st.plotly_chart(dv.portfolio_curve_chart(view), width="stretch", key="dv.portfolio_curve")
    outliers = dv.outliers_shown(view)
    if len(outliers):  # beside the chart in reading order; a full-width table keeps every column whole
        st.caption(t("delivery.quadrant.outliers", n=len(outliers)))
        st.dataframe(outliers, hide_index=True, placeholder="—", key="dv.quadrant_outliers", column_config=dv.index_columns_config())
    st.subheader(t("delivery.exceptions.title"))
    if view.exceptions.empty:
        st.success(t("delivery.exceptions.none"))
    else:
        st.dataframe(paged(dv.exceptions_shown(view), key="dv.exceptions_page"), hide_index=True, placeholder="—", key="dv.exceptions",
                     column_config=dv.reasons_table_config(), row_height=dv.REASONS_ROW_HEIGHT)


def trends_tab(view: dv.DeliveryView) -> None:
    st.subheader(t("delivery.trend.title"))
    if len(view.trend) > 1:
        st.plotly_chart(dv.trend_chart(view), width="stretch", key="dv.trend")
    else:
        st.info(t("delivery.trend.single"))
    if view.change is None:
        return
    st.subheader(t("delivery.moves.title", label=md(view.previous_label)))
    if view.moves.empty:
        st.success(t("delivery.moves.none"))
    else:
        st.dataframe(paged(dv.moves_shown(view), key="dv.moves_page"), hide_index=True, placeholder="—", key="dv.moves", column_config=dv.reasons_table_config(),
                     row_height=dv.REASONS_ROW_HEIGHT)
    st.subheader(t("delivery.scope.title"))
    st.caption(t("delivery.scope.summary", n=view.change.scope_changed_count,
                 total=dv.fmt_number(view.change.scope_change_total), unit=md(view.currency_unit)))
    if len(view.scope):
        st.dataframe(paged(dv.scope_shown(view), key="dv.scope_page"), hide_index=True, placeholder="—", key="dv.scope")
    st.subheader(t("delivery.slips.title"))
    st.caption(t("delivery.slips.summary", n=view.change.slipped_count,
                 days=dv.fmt_number(view.change.mean_slip_days, 0)))
    if len(view.slips):
        st.dataframe(paged(dv.slips_shown(view), key="dv.slips_page"), hide_index=True, placeholder="—", key="dv.slips")


def drilldown_tab(view: dv.DeliveryView, method: str) -> None:
    chosen = search_select(t("delivery.drill.pick"), dv.drill_options(view), key="dv.project")
    if chosen is None:
        return
    row = view.projects.set_index("project_id").loc[chosen]
    st.markdown(t("delivery.drill.health", health=dv.health_label(row["health"]),
                  reasons=dv.reasons_text(row["reasons"]) or t("delivery.drill.no_reasons")))
    detail = dv.load_project(db_path(), SNAPSHOT, chosen, method, dv.snapshot_set(db_path()))
    if detail.history.empty:
        st.info(t("delivery.drill.no_reports"))
        return
    st.plotly_chart(dv.project_curve_chart(detail, float(row["budget"])), width="stretch",
                    key="dv.project_curve")
    if len(detail.series) > 1:
        st.plotly_chart(dv.project_trend_chart(detail), width="stretch", key="dv.project_trend")
    st.subheader(t("delivery.drill.status_history"))
    st.dataframe(dv.status_history_table(detail.history), hide_index=True, placeholder="—", key="dv.status_history", column_config=dv.index_columns_config())


def benefits_tab(view: dv.DeliveryView) -> None:
    b = view.benefits
    if b.by_category.empty:
        st.info(t("delivery.benefits.none"))
        return
    c1, c2, c3 = st.columns(3)
    c1.metric(t("delivery.benefits.planned"), dv.fmt_number(b.planned_total))
    c2.metric(t("delivery.benefits.realised"), dv.fmt_number(b.realised_total))
    c3.metric(t("delivery.benefits.rate"), dv.fmt_pct(b.realisation_rate))
    st.plotly_chart(dv.benefits_chart(view), width="stretch", key="dv.benefits")
    st.dataframe(dv.benefits_table(b), hide_index=True, placeholder="—", key="dv.benefits_table")
    if b.unplanned_count:
        st.caption(t("delivery.benefits.unplanned", n=b.unplanned_count))


# format_func gets a dict built in this run: AppTest replays it outside the session's language.
method_labels = {m: t(f"delivery.eac.{m}") for m in EAC_METHODS}
method = st.selectbox(t("delivery.eac_method"), EAC_METHODS, format_func=method_labels.get, key="dv.eac")
with page_guard():
    thresholds = thresholds_form()
    view = dv.load_delivery(db_path(), SNAPSHOT, method, dv.thresholds_key(thresholds), dv.snapshot_set(db_path()))
    if view.projects.empty:
        st.info(t("delivery.empty"))
        st.stop()
    tiles(view)
    # Above LAZY_TABS_ABOVE projects only the open tab is computed and drawn (a tab switch reruns).
    overview, trends, drill, benefits = tabs(
        [t("delivery.tab.overview"), t("delivery.tab.trends"), t("delivery.tab.drill"), t("delivery.tab.benefits")],
        key="dv.tab", lazy=len(view.projects) > LAZY_TABS_ABOVE,
    )
    with overview:
        if is_open(overview):
            overview_tab(view)
    with trends:
        if is_open(trends):
            trends_tab(view)
            changes_ui.scope_creep_section(db_path(), SNAPSHOT)  # approved change requests, beside the snapshot changes
            diff_ui.compare_section(db_path(), SNAPSHOT)  # any two snapshots, not only the previous one
    with drill:
        if is_open(drill):
            drilldown_tab(view, method)
    with benefits:
        if is_open(benefits):
            benefits_tab(view)
