"""Gate decisions on the Scenarios page (立项评审): decide each proposal of the recommended scenario, the approved list.

The decisions are edited in a table (one row per proposal: decision and reason) and recorded together;
the approved list downloads as Excel in the user's language (`reports.gate`).
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from analytics.vocabulary import GATE_DECISIONS
from i18n.numbers import number
from reports.gate import approved_list_filename, approved_list_xlsx
from store import db, gate, scenarios
from ui import auth
from ui.session import actor, cursor, db_path, lang, page_guard, t
from ui.text import md

FLASH_KEY = "gate.flash"


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def editor_frame(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    code = lang()
    frame = pd.DataFrame({
        "project_id": rows["project_id"], "name": rows["name"], "start_month": rows["start_month"],
        "cost": [number(v, code) for v in rows["cost"]],
        "decision": [labels.get(d) if d else None for d in rows["decision"]],
        "reason": [_text(r) for r in rows["reason"]],
    })
    return frame.rename(columns={c: t(f"gate.col.{c}") for c in frame.columns})


def changed_decisions(rows: pd.DataFrame, edited: pd.DataFrame, labels: dict[str, str]) -> dict[str, tuple[str, str]]:
    """{project_id: (decision, reason)} of the rows whose decision or reason the user changed."""
    codes = {label: code for code, label in labels.items()}
    decision_col, reason_col = t("gate.col.decision"), t("gate.col.reason")
    changed = {}
    for (_, old), (_, new) in zip(rows.iterrows(), edited.iterrows(), strict=True):
        decision = codes.get(new[decision_col]) if new[decision_col] else None
        reason = _text(new[reason_col]).strip()
        if decision is None:
            continue
        if decision != old["decision"] or reason != _text(old["reason"]).strip():
            changed[str(old["project_id"])] = (decision, reason)
    return changed


def approved_bytes(path: str, scenario_id: int, language: str, day: str) -> bytes:
    con = db.cursor(path)
    try:
        return approved_list_xlsx(gate.approved_list(con, scenario_id), language, stamp=dt.date.fromisoformat(day))
    finally:
        con.close()


def gate_section(snapshot_id: int) -> None:
    """Under the recommendation: the gate's table of decisions, the record button, the approved list."""
    chosen = scenarios.recommended_scenario(cursor(), snapshot_id)
    if chosen is None:
        return
    st.subheader(t("gate.title"))
    st.caption(t("gate.help"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    rows = gate.proposals(cursor(), chosen.scenario_id)
    if rows.empty:
        st.caption(t("gate.none"))
        return
    labels = {d: t(f"gate.decision.{d}") for d in GATE_DECISIONS}
    frame = editor_frame(rows, labels)
    fixed = [c for c in frame.columns if c not in (t("gate.col.decision"), t("gate.col.reason"))]
    edited = st.data_editor(
        frame, hide_index=True, disabled=fixed, key=f"gate.editor.{chosen.scenario_id}",
        column_config={t("gate.col.decision"): st.column_config.SelectboxColumn(options=list(labels.values())),
                       t("gate.col.reason"): st.column_config.TextColumn(width="large")},
    )
    if not auth.can("gate_decide"):
        st.caption(t("gate.lead_only"))
    if st.button(t("gate.record"), key="gate.record", type="primary", disabled=not auth.can("gate_decide")):
        changed = changed_decisions(rows, edited, labels)
        missing = [p for p, (_, reason) in changed.items() if not reason]
        if not changed:
            st.warning(t("gate.nothing"))
        elif missing:
            st.error(t("gate.missing_reason", projects=md(", ".join(missing))))
        else:
            with page_guard(stop=False):
                count = gate.record_decisions(cursor(), chosen.scenario_id, changed, actor=actor())
                st.session_state[FLASH_KEY] = t("gate.done", n=count)
                st.rerun()
    st.markdown(f"**{t('gate.approved.title')}**")
    approved = rows[rows["decision"] == "approve"]
    if approved.empty:
        st.caption(t("gate.approved.none"))
        return
    st.dataframe(editor_frame(approved, labels), hide_index=True, key="gate.approved")
    day = dt.date.today().isoformat()
    st.download_button(t("gate.approved.download"), file_name=approved_list_filename(chosen.name, lang()),
                       data=functools.partial(approved_bytes, db_path(), chosen.scenario_id, lang(), day),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="gate.download", icon=":material/download:", on_click="ignore")
