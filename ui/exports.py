"""The download buttons of a scenario's recommendation pack (Excel, PowerPoint, CSV), for any page.

    from ui.exports import pack_downloads
    pack_downloads(scenario.scenario_id, scenario.updated_at, key="scenarios.pack")

The files are the ones `python cli.py report` writes (both call `reports.export_scenario`), in the
user's language, cached per scenario version (`updated_at` changes on rename and recommendation),
language and day, so a page shows its buttons at once after the first build.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.errors import AnalyticsError
from reports import FORMATS, ExportFile, export_scenario
from store import db
from store.errors import StoreError
from ui.session import db_path, lang, show_error, t


@st.cache_data(ttl=3600, max_entries=24, show_spinner=False)
def pack_file(path: str, scenario_id: int, version: str, fmt: str, language: str, day: str) -> ExportFile:
    """One pack file; `version` (the scenario's updated_at) and `day` only key the cache."""
    con = db.cursor(path)
    try:
        return export_scenario(con, scenario_id, fmt, language, generated_on=dt.date.fromisoformat(day))
    finally:
        con.close()


def pack_downloads(scenario_id: int, version: object, *, key: str, formats: tuple[str, ...] = FORMATS) -> None:
    """One download button per format, side by side; a domain error is shown instead of the buttons."""
    day = dt.date.today().isoformat()
    try:
        with st.spinner(t("report.download.preparing")):
            files = [pack_file(db_path(), int(scenario_id), str(version), fmt, lang(), day) for fmt in formats]
    except (StoreError, AnalyticsError) as e:
        show_error(e)
        return
    for column, fmt, file in zip(st.columns(len(formats)), formats, files, strict=True):
        column.download_button(
            t(f"report.download.{fmt}"), data=file.data, file_name=file.file_name, mime=file.mime_type,
            key=f"{key}.{fmt}", icon=":material/download:", on_click="ignore", width="stretch",
        )
