"""Decision log (决策记录): every import, weight change, solve, scenario save and recommendation."""

from __future__ import annotations

import streamlit as st

from ui import decision_log as dl
from ui.labels import DATE_INPUT_FORMAT
from ui.session import page_guard, page_header, snapshot_id, t
from ui.text import md
from ui.widget_texts import translate_date_hint

page_header("log.title", "log.intro")

with page_guard():
    ACTIONS = dl.action_options()
    SNAPSHOTS = dl.snapshot_labels()

c1, c2 = st.columns([3, 2])
actions = c1.multiselect(t("log.filter.actions"), ACTIONS, format_func=dl.action_label, key="log.actions",
                         placeholder=t("log.filter.all_actions"))
snapshot_options = [None, *SNAPSHOTS]
current = snapshot_id()
chosen_snapshot = c2.selectbox(
    t("log.filter.snapshot"), snapshot_options, key="log.snapshot",
    format_func=lambda v: t("log.filter.all_snapshots") if v is None else SNAPSHOTS[v],
    help=t("log.filter.snapshot_help", current=md(SNAPSHOTS.get(current, "-"))) if current else None,
)
c1, c2, c3 = st.columns([1, 1, 2])
since = c1.date_input(t("log.filter.since"), value=None, key="log.since", format=DATE_INPUT_FORMAT)
until = c2.date_input(t("log.filter.until"), value=None, key="log.until", format=DATE_INPUT_FORMAT)
translate_date_hint("log.")
text = c3.text_input(t("log.filter.text"), key="log.text", placeholder=t("log.filter.text_hint"))
if since and until and since > until:
    st.warning(t("log.bad_range"))
    st.stop()

with page_guard():
    RAW = dl.load(dl.LogFilters(tuple(actions), chosen_snapshot, since, until, text))

if RAW.empty:
    st.info(t("log.empty"))
    st.stop()

TABLE = dl.table(RAW, SNAPSHOTS)
st.caption(t("log.count", count=len(RAW)) + (" " + t("log.capped", limit=dl.MAX_ROWS) if len(RAW) >= dl.MAX_ROWS else ""))
event = st.dataframe(
    TABLE, hide_index=True, key="log.table", on_select="rerun", selection_mode="single-row",
    # Snapshot and summary wrap over two lines instead of running off the table's edge; the details
    # (long) are read whole in the panel below when a row is selected.
    column_config={t("log.col.when"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                   t("log.col.snapshot"): st.column_config.TextColumn(width=dl.SNAPSHOT_WIDTH),
                   t("log.col.summary"): st.column_config.TextColumn(width=dl.SUMMARY_WIDTH)},
    row_height=dl.ROW_HEIGHT, placeholder="—",
)
rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
if rows:
    st.subheader(t("log.details.title", log_id=int(RAW["log_id"].iloc[rows[0]])))
    st.dataframe(dl.details(RAW, rows[0]), hide_index=True, key="log.details")
else:
    st.caption(t("log.details.hint"))

c1, c2, _ = st.columns([1, 1, 3])
c1.download_button(t("log.export.csv"), dl.csv_bytes(TABLE), file_name=dl.export_name("csv"), mime="text/csv",
                   key="log.export_csv", icon=":material/download:")
c2.download_button(
    t("log.export.xlsx"), dl.xlsx_bytes(TABLE), file_name=dl.export_name("xlsx"), key="log.export_xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
)
