"""Business cases (项目经济评价): NPV, IRR and payback of every project; exclusive alternatives compared;
the uncertainty of a saved plan (Monte Carlo, selection frequency, a budget with a confidence, overrun history)."""

from __future__ import annotations

import streamlit as st

from analytics.vocabulary import DEFAULT_BENEFIT_MONTHS, DEFAULT_DISCOUNT_RATE
from i18n import numbers
from ui import cases as uc
from ui import simulation as us
from ui.perf import paged, paged_items
from ui.session import db_path, lang, page_guard, page_header, require_snapshot, t
from ui.text import md

page_header("cases.title", "cases.intro")
SNAPSHOT = require_snapshot()

c1, c2 = st.columns(2)
rate_pct = c1.number_input(t("cases.form.discount_rate"), min_value=0.0, max_value=100.0,
                           value=100.0 * DEFAULT_DISCOUNT_RATE, step=0.5, format="%.2f",
                           help=t("cases.form.discount_rate_help"), key="cases.rate")
benefit_months = c2.number_input(t("cases.form.benefit_months"), min_value=1, max_value=240,
                                 value=DEFAULT_BENEFIT_MONTHS, step=1, help=t("cases.form.benefit_months_help"),
                                 key="cases.benefit_months")
RATE, MONTHS = float(rate_pct) / 100.0, int(benefit_months)

with page_guard():
    VIEW = uc.load_view(db_path(), SNAPSHOT, RATE, MONTHS)
plan = VIEW.plan

st.header(t("cases.table.header"))
if not VIEW.cases:
    st.info(t("cases.table.empty"))
else:
    st.dataframe(paged(uc.view_cases_table(VIEW), key="cases.page"), hide_index=True, placeholder="—")
    st.caption(t("cases.table.caption", months=MONTHS))

st.header(t("cases.alt.header"))
if plan is None:
    st.caption(t("cases.alt.no_plan"))
else:
    st.caption(t("cases.alt.plan", name=md(plan.name),
                 kind=t("cases.alt.recommended" if plan.recommended else "cases.alt.latest")))
if not VIEW.alternatives:
    st.info(t("cases.alt.none"))
for group in paged_items(VIEW.groups, key="cases.alt.page", rows=uc.GROUPS_PER_PAGE, text="scalepages.groups"):
    table, reasons = uc.view_alternatives(VIEW, group)
    st.subheader(t("cases.alt.group", group=md(group)))
    st.dataframe(table, hide_index=True, placeholder="—")
    st.markdown(reasons)
st.caption(t("cases.alt.rule"))

# --- uncertainty of a saved plan -------------------------------------------------------------------------
st.header(t("simulation.page.header"))
st.caption(t("simulation.page.intro"))
with page_guard():
    CHOICES = us.scenario_choices(db_path(), SNAPSHOT)
    found_priors = us.priors(db_path(), SNAPSHOT)
with st.container(border=True):
    st.subheader(t("simulation.page.priors.header"))
    lines = us.prior_lines(found_priors)
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else t("simulation.page.priors.none"))
if not CHOICES:
    st.info(t("simulation.page.no_scenario"))
    st.stop()
by_id = {c.scenario_id: c for c in CHOICES}
c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1])
chosen = c1.selectbox(t("simulation.page.scenario"), list(by_id), format_func=lambda i: by_id[i].label, key="sim.scenario")
runs = c2.number_input(t("simulation.page.runs"), min_value=100, max_value=200_000, value=10_000, step=1000, key="sim.runs")
seed = c3.number_input(t("simulation.page.seed"), min_value=0, value=1, step=1, key="sim.seed")
correlation = c4.number_input(t("simulation.page.correlation"), min_value=0.0, max_value=1.0, value=0.0, step=0.1,
                              help=t("simulation.page.correlation_help"), key="sim.correlation")
budget = c5.number_input(t("simulation.page.budget"), min_value=0.0, value=by_id[chosen].budget, step=100.0,
                         key=f"sim.budget.{chosen}")
with page_guard(stop=False):
    summary = us.simulated(db_path(), chosen, by_id[chosen].stamp, int(runs), int(seed), budget, float(correlation))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("simulation.metric.within"), "—" if summary.p_within_budget is None
              else numbers.percent(summary.p_within_budget, lang(), 1), border=True)
    m2.metric(t("simulation.metric.cost"), " / ".join(numbers.number(v, lang(), 0) for v in
                                                      (summary.cost.p10, summary.cost.p50, summary.cost.p90)), border=True)
    m3.metric(t("simulation.metric.value"), " / ".join(numbers.number(v, lang(), 0) for v in
                                                       (summary.value.p10, summary.value.p50, summary.value.p90)), border=True)
    m4.metric(t("simulation.metric.finish"), numbers.percent(summary.p_finish_in_horizon, lang(), 1), border=True)
    if summary.p_within_budget is None:
        st.caption(t("simulation.page.no_budget"))

st.subheader(t("simulation.page.robust.header"))
c1, c2 = st.columns([1, 3])
futures = c1.number_input(t("simulation.page.futures"), min_value=1, max_value=500, value=20, step=5, key="sim.futures")
if c1.button(t("simulation.page.reoptimise"), key="sim.reoptimise"):
    with page_guard(stop=False):
        st.session_state["sim.frequency"] = (chosen, us.frequencies(db_path(), chosen, int(futures), int(seed),
                                                                    float(correlation)))
stored = st.session_state.get("sim.frequency")
if stored is not None and stored[0] == chosen:
    with page_guard(stop=False):
        plan = us.plan_of(db_path(), chosen)
        c2.dataframe(us.frequency_table(stored[1], plan.names, plan.selected), hide_index=True)

st.subheader(t("simulation.page.chance.header"))
c1, c2 = st.columns([1, 3])
confidence = c1.number_input(t("simulation.page.confidence"), min_value=50.0, max_value=99.0, value=90.0, step=1.0,
                             key="sim.confidence")
if c1.button(t("simulation.page.chance.run"), key="sim.chance"):
    if by_id[chosen].budget is None:
        c2.warning(t("simulation.page.chance.needs_budget"))
    else:
        with page_guard(stop=False):
            chance = us.confident(db_path(), chosen, float(confidence) / 100.0, int(seed), float(correlation))
            c2.markdown(t("simulation.page.chance.result", working=numbers.number(chance.working_budget, lang(), 1),
                          budget=numbers.number(chance.budget, lang(), 1),
                          p=numbers.percent(chance.p_within_budget, lang(), 1),
                          projects=", ".join(md(p.project_id) for p in chance.result.selected)))
