"""Business cases (项目经济评价): NPV, IRR and payback of every project; exclusive alternatives compared."""

from __future__ import annotations

import streamlit as st

from analytics.vocabulary import DEFAULT_BENEFIT_MONTHS, DEFAULT_DISCOUNT_RATE
from ui import cases as uc
from ui.session import db_path, page_guard, page_header, require_snapshot, t
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
    cases = uc.load_cases(db_path(), SNAPSHOT, RATE, MONTHS)
    alternatives, plan = uc.load_alternatives(db_path(), SNAPSHOT, RATE, MONTHS, uc.plan_stamp(db_path(), SNAPSHOT))

st.header(t("cases.table.header"))
if not cases:
    st.info(t("cases.table.empty"))
else:
    names = {a.project_id: a.name for a in alternatives}
    st.dataframe(uc.cases_table(cases, names), hide_index=True, placeholder="—")
    st.caption(t("cases.table.caption", months=MONTHS))

st.header(t("cases.alt.header"))
if plan is None:
    st.caption(t("cases.alt.no_plan"))
else:
    st.caption(t("cases.alt.plan", name=md(plan.name),
                 kind=t("cases.alt.recommended" if plan.recommended else "cases.alt.latest")))
if not alternatives:
    st.info(t("cases.alt.none"))
for group in dict.fromkeys(a.group for a in alternatives):
    rows = [a for a in alternatives if a.group == group]
    st.subheader(t("cases.alt.group", group=md(group)))
    st.dataframe(uc.alternatives_table(rows), hide_index=True, placeholder="—")
    st.markdown("\n".join(f"{r.rank}. {uc.reason_text(r)}" for r in rows))
st.caption(t("cases.alt.rule"))
