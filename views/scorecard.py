"""PMO scorecard (计分卡): a year's figures against the annual SMART targets, the trend, the projects behind them."""

from __future__ import annotations

import streamlit as st

from analytics.scorecard import ScorecardSettings, scorecard, scorecard_years, trend
from ui import scorecard as sc
from ui.session import db_path, page_guard, page_header, require_snapshot, t

page_header("scorecard.title", "scorecard.intro")
SNAPSHOT = require_snapshot()


def settings_inputs() -> ScorecardSettings:
    defaults = ScorecardSettings()
    with st.expander(t("scorecard.settings")):
        c1, c2, c3 = st.columns(3)
        late = c1.number_input(t("scorecard.late_months"), min_value=0, max_value=24,
                               value=defaults.late_months_tolerance, step=1, key="sc.late")
        budget = c2.number_input(t("scorecard.budget_tolerance"), min_value=0.0, max_value=100.0,
                                 value=defaults.budget_tolerance * 100, step=1.0, key="sc.budget")
        benefit = c3.number_input(t("scorecard.benefit_threshold"), min_value=0.0, max_value=100.0,
                                  value=defaults.benefit_threshold * 100, step=5.0, key="sc.benefit")
    return ScorecardSettings(int(late), float(budget) / 100, float(benefit) / 100)


def page() -> None:
    frame, targets = sc.load_inputs(db_path(), SNAPSHOT)
    settings = settings_inputs()
    assessed = sc.load_assessed(db_path(), SNAPSHOT, settings)
    years = scorecard_years(frame, targets, settings, assessed)
    if not years:
        st.info(t("scorecard.no_projects"))
        return
    year = st.selectbox(t("scorecard.year"), years[::-1], key="sc.year")
    card = scorecard(frame, year, targets, settings, assessed)
    if card.projects.empty:
        st.info(t("scorecard.none_completed", year=year))
    for column, (metric, figure) in zip(st.columns(len(card.figures)), card.figures.items(), strict=True):
        column.metric(t(f"scorecard.metric.{metric}"), sc.share_text(figure.actual))
        column.caption(f"{sc.target_text(figure)} · {t('scorecard.basis', n=len(figure.project_ids))}")
    st.caption(sc.definitions_text(settings))
    st.subheader(t("scorecard.trend.title"))
    st.plotly_chart(sc.trend_figure(trend(frame, targets, settings, assessed)), width="stretch", key="sc.trend")
    st.subheader(t("scorecard.projects.title"))
    st.caption(t("scorecard.projects.help"))
    if not card.projects.empty:
        st.dataframe(sc.projects_table(card), hide_index=True, placeholder="—")


with page_guard():
    page()
