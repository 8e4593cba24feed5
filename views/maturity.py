"""PMO maturity (成熟度): staged levels by area against target, improvement list, process KPIs (PDCA)."""

from __future__ import annotations

import streamlit as st

from analytics.maturity import DEFAULT_THRESHOLD
from analytics.process_kpis import KPI_COLUMNS
from ui import maturity as mt
from ui import maturity_survey as survey_ui
from ui.session import db_path, page_guard, page_header, require_snapshot, t

page_header("maturity.title", "maturity.intro")
SNAPSHOT = require_snapshot()


def maturity_tab() -> None:
    threshold = st.number_input(t("maturity.threshold"), min_value=1.0, max_value=100.0, value=DEFAULT_THRESHOLD,
                                step=5.0, key="mt.threshold", help=t("maturity.rule"))
    assessment = mt.load_maturity(db_path(), SNAPSHOT, float(threshold))
    if assessment is None:
        st.info(t("maturity.none"))
        return
    areas = assessment.areas
    c1, c2, c3 = st.columns(3)
    c1.metric(t("maturity.metric.organisation"), assessment.organisation_level)
    c2.metric(t("maturity.metric.average"), f"{assessment.average_level:.1f}")
    with_target = areas["gap"].notna()
    c3.metric(t("maturity.metric.at_target"), f"{int((areas.loc[with_target, 'gap'] == 0).sum())}/{int(with_target.sum())}")
    left, right = st.columns([2, 3])
    with left:
        st.plotly_chart(mt.radar_figure(assessment), width="stretch", key="mt.radar")
    with right:
        st.subheader(t("maturity.levels.title"))
        st.dataframe(mt.level_table(assessment), hide_index=True, placeholder="—")
    st.subheader(t("maturity.improve.title"))
    st.caption(t("maturity.improve.help"))
    if assessment.improvements.empty:
        st.success(t("maturity.improve.none"))
    else:
        st.dataframe(mt.improvement_table(assessment), hide_index=True, placeholder="—")


def process_tab() -> None:
    overview = mt.load_process_overview(db_path(), SNAPSHOT)
    if overview.empty:
        st.info(t("maturity.kpis.none"))
        return
    st.dataframe(mt.overview_table(overview), hide_index=True, placeholder="—")
    processes = sorted(overview["process"].unique())
    c1, c2, c3 = st.columns(3)
    process = c1.selectbox(t("maturity.kpis.process"), processes, key="mt.process")
    kpi_labels = {k: t(f"maturity.kpi.{k}") for k in KPI_COLUMNS if k in set(overview.loc[overview["process"] == process, "kpi"])}
    kpi = c2.selectbox(t("maturity.kpis.kpi"), list(kpi_labels), format_func=kpi_labels.get, key="mt.kpi")
    months = list(mt.analyse_kpi(db_path(), SNAPSHOT, process, kpi, None).series.index)
    change_labels = {None: t("maturity.kpis.no_change"), **{m: m for m in months[1:]}}
    default = months[len(months) // 2] if len(months) > 1 else None
    change = c3.selectbox(t("maturity.kpis.change_month"), list(change_labels), format_func=change_labels.get,
                          index=list(change_labels).index(default), key="mt.change", help=t("maturity.kpis.change_help"))
    analysis = mt.analyse_kpi(db_path(), SNAPSHOT, process, kpi, change)
    st.plotly_chart(mt.control_figure(analysis, kpi, change), width="stretch", key="mt.control")
    chart = analysis.chart
    if chart.mean is None:
        st.caption(t("maturity.kpis.too_short"))
    else:
        basis = t("maturity.kpis.limits_before") if change else t("maturity.kpis.limits_all")
        st.caption(t("maturity.kpis.limits", mean=mt.kpi_value(kpi, chart.mean), lcl=mt.kpi_value(kpi, chart.lower_limit),
                     ucl=mt.kpi_value(kpi, chart.upper_limit), n=len(chart.out_of_control), basis=basis))
    if analysis.comparison is not None:
        verdict = analysis.comparison.verdict
        show = {"improved": st.success, "worsened": st.error, "no_change": st.info}.get(verdict, st.warning)
        show(mt.verdict_text(analysis.comparison))


with page_guard():
    survey_ui.flash()
    maturity, kpis, survey = st.tabs([t("maturity.tab.maturity"), t("maturity.tab.kpis"), t("survey.tab")])
    with maturity:
        maturity_tab()
    with kpis:
        process_tab()
    with survey:
        survey_ui.survey_section(SNAPSHOT)  # the self-assessment questionnaire
