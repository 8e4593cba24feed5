"""Compare any two snapshots on the Delivery page: two selects, the counts, the table, CSV and Excel downloads.

The comparison is cached per database path and snapshot pair (snapshots never change).
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from analytics.snapshot_diff import CHANGE_KINDS, SnapshotDiff, snapshot_diff
from i18n import translate
from i18n.numbers import BLANK, number, percent
from reports.csv_export import frame_to_csv
from reports.excel import frame_to_xlsx
from reports.safety import safe_filename
from store import db, delivery, snapshots
from store import snapshot_diff as store_diff
from ui.session import cursor, lang, t

CACHE = {"ttl": 3600, "max_entries": 64, "show_spinner": False}


@st.cache_data(**CACHE)
def load_diff(path: str, from_id: int, to_id: int) -> SnapshotDiff:
    con = db.cursor(path)
    try:
        return snapshot_diff(store_diff.compare_projects(con, from_id, to_id),
                             store_diff.strategic_scores(con, from_id), store_diff.strategic_scores(con, to_id))
    finally:
        con.close()


def _text(value: object) -> str:
    return BLANK if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _date(value: object) -> str:
    return BLANK if value is None or pd.isna(value) else str(pd.Timestamp(value).date())


def _status(value: object) -> str:
    return BLANK if value is None or pd.isna(value) else t(f"overview.status.{value}")


def diff_table(diff: SnapshotDiff, kinds: list[str] | None = None) -> pd.DataFrame:
    """The comparison in the user's language (statuses and kinds translated, numbers as text)."""
    code = lang()
    rows = diff.table if not kinds else diff.table[diff.table["change"].isin(kinds)]
    table = pd.DataFrame({
        "project_id": rows["project_id"], "name": rows["name"],
        "change": [t(f"diff.kind.{k}") for k in rows["change"]],
        "prev_status": [_status(s) for s in rows["prev_status"]], "status": [_status(s) for s in rows["status"]],
        "prev_budget": [number(v, code) for v in rows["prev_budget"]],
        "budget": [number(v, code) for v in rows["budget"]],
        "budget_change": [number(v, code) for v in rows["budget_change"]],
        "budget_change_pct": [percent(v, code, 1) for v in rows["budget_change_pct"]],
        "prev_planned_finish": [_text(v) for v in rows["prev_planned_finish"]],
        "planned_finish": [_text(v) for v in rows["planned_finish"]],
        "finish_move_months": [_text(None if v is None or pd.isna(v) else int(v)) for v in rows["finish_move_months"]],
        "prev_forecast_finish": [_date(v) for v in rows["prev_forecast_finish"]],
        "forecast_finish": [_date(v) for v in rows["forecast_finish"]],
        "slip_days": [_text(None if v is None or pd.isna(v) else int(v)) for v in rows["slip_days"]],
        "prev_score": [number(v, code) for v in rows["prev_score"]],
        "score": [number(v, code) for v in rows["score"]],
        "score_change": [number(v, code) for v in rows["score_change"]],
    })
    return table.rename(columns={c: t(f"diff.col.{c}") for c in table.columns})


def export_frame(diff: SnapshotDiff, language: str) -> pd.DataFrame:
    """The downloadable file's rows: numbers stay numbers, words in `language`."""
    rows = diff.table.astype(object)
    rows = rows.where(rows.notna(), None)  # blanks (NaN, NA, NaT) as empty cells
    rows["change"] = [translate(language, f"diff.kind.{k}") for k in rows["change"]]
    return rows.rename(columns={c: translate(language, f"diff.col.{c}") for c in rows.columns})


def export_bytes(path: str, from_id: int, to_id: int, language: str, fmt: str) -> bytes:
    """The comparison as a formula-safe CSV or Excel file, built when the user clicks."""
    frame = export_frame(load_diff(path, from_id, to_id), language)
    if fmt == "csv":
        return frame_to_csv(frame)
    return frame_to_xlsx(frame, translate(language, "diff.sheet"), language)


def compare_section(path: str, snapshot_id: int) -> None:
    """Two selects (default: the previous snapshot against this one), the counts, the table, downloads."""
    st.subheader(t("diff.title"))
    listing = snapshots.list_snapshots(cursor())
    if len(listing) < 2:
        st.caption(t("diff.single"))
        return
    labels = {int(r.snapshot_id): f"{r.label} · {pd.Timestamp(r.as_of).date()}" for r in listing.itertuples()}
    ids = list(labels)
    previous = delivery.previous_snapshot_id(cursor(), snapshot_id)
    c1, c2 = st.columns(2)
    from_id = c1.selectbox(t("diff.from"), ids, format_func=labels.get, key="diff.from",
                           index=ids.index(previous) if previous in ids else min(1, len(ids) - 1))
    to_id = c2.selectbox(t("diff.to"), ids, format_func=labels.get, key="diff.to", index=ids.index(snapshot_id))
    if from_id == to_id:
        st.info(t("diff.same"))
        return
    diff = load_diff(path, int(from_id), int(to_id))
    st.caption(t("diff.summary", **diff.counts, total=number(diff.budget_change_total, lang())))
    kinds = {k: t(f"diff.kind.{k}") for k in CHANGE_KINDS}
    shown = st.multiselect(t("diff.show"), list(kinds), default=["added", "removed", "changed"],
                           format_func=kinds.get, key="diff.kinds")
    st.dataframe(diff_table(diff, shown), hide_index=True, placeholder="—", key="diff.table")
    name = t("diff.file", first=labels[from_id], second=labels[to_id])
    d1, d2 = st.columns(2)
    for column, fmt, mime in ((d1, "csv", "text/csv"),
                              (d2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        column.download_button(t(f"diff.download.{fmt}"), file_name=safe_filename(f"{name}.{fmt}"), mime=mime,
                               data=functools.partial(export_bytes, path, int(from_id), int(to_id), lang(), fmt),
                               key=f"diff.{fmt}", icon=":material/download:", on_click="ignore")
