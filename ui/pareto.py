"""The Optimiser page's value-against-risk chart: the non-dominated plans of the shown run's parameters
(analytics/pareto.py), computed on request and kept in session state for that run."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics.pareto import ParetoPoint, pareto_front
from analytics.selection_types import PortfolioData, SelectionParams
from i18n import numbers
from ui.session import lang, page_guard, t
from ui.text import plot

STATE_KEY = "optimiser.pareto"


def figure(front: list[ParetoPoint]) -> go.Figure:
    lg = lang()
    hover = [plot(t("pareto.page.hover", value=numbers.number(p.value, lg, 1),
                    exposure=numbers.number(p.risk_exposure, lg, 0), projects=", ".join(p.selected_ids) or "—"))
             for p in front]
    fig = go.Figure(go.Scatter(x=[p.risk_exposure for p in front], y=[p.value for p in front], mode="lines+markers",
                               line={"shape": "hv"}, hovertext=hover, hoverinfo="text", name=plot(t("pareto.page.front"))))
    fig.update_layout(xaxis_title=plot(t("pareto.page.x")), yaxis_title=plot(t("pareto.page.y")),
                      margin={"t": 30, "b": 40, "l": 40, "r": 10}, height=360)
    return fig


def section(params: SelectionParams, data: PortfolioData | None, stale: bool) -> list[ParetoPoint] | None:
    """The chart's controls and, once computed for these parameters, the chart; returns the front shown."""
    st.markdown(f"**{t('pareto.page.header')}**")
    st.caption(t("pareto.page.caption"))
    c1, c2 = st.columns([1, 3])
    points = c1.number_input(t("pareto.page.points"), min_value=2, max_value=30, value=8, step=1, key="opt.pareto.points")
    if c1.button(t("pareto.page.run"), key="opt.pareto.run", disabled=stale or data is None):
        bar = st.progress(0.0, text=t("pareto.page.running"))
        with page_guard(stop=False):
            front = pareto_front(data, params, int(points),
                                 lambda done, total: bar.progress(done / total, text=t("pareto.page.running")))
            st.session_state[STATE_KEY] = (params.params_hash(), front)
        bar.empty()
    stored = st.session_state.get(STATE_KEY)
    if stored is None or stored[0] != params.params_hash():
        return None
    front = stored[1]
    c2.plotly_chart(figure(front), width="stretch", key="opt.pareto.chart")
    return front
