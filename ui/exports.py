"""The download buttons of a scenario's recommendation pack (Excel, PowerPoint, CSV), for any page.

    from ui.exports import pack_downloads
    pack_downloads(scenario.scenario_id, scenario.updated_at, key="scenarios.pack")

The files are the ones `python cli.py report` writes (both call `reports.export_scenario`), in the
user's language; each is built when its button is clicked.
"""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from reports import FORMATS, MIME_TYPES, export_filename, export_scenario
from reports.pack import build_pack
from store import db
from ui.session import db_path, lang, page_guard, t


def pack_bytes(path: str, scenario_id: int, fmt: str, language: str, day: str) -> bytes:
    """One pack file's bytes, built when the user clicks (Streamlit calls this outside the script run)."""
    con = db.cursor(path)
    try:
        return export_scenario(con, scenario_id, fmt, language, generated_on=dt.date.fromisoformat(day)).data
    finally:
        con.close()


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def pack_names(path: str, scenario_id: int, version: str, language: str, day: str) -> dict[str, str]:
    """File name per format; `version` (the scenario's updated_at) only keys the cache."""
    con = db.cursor(path)
    try:
        pack = build_pack(con, scenario_id, generated_on=dt.date.fromisoformat(day))
    finally:
        con.close()
    return {fmt: export_filename(pack, fmt, language) for fmt in FORMATS}


def pack_downloads(scenario_id: int, version: object, *, key: str, formats: tuple[str, ...] = FORMATS) -> None:
    """One download button per format, side by side; a domain error is shown instead of the buttons.

    The files are built on click (deferred download data), so opening a page costs only the pack's
    assembly, not writing a workbook and a deck nobody asked for.
    """
    day = dt.date.today().isoformat()
    path, language = db_path(), lang()
    with page_guard(stop=False):
        names = pack_names(path, int(scenario_id), str(version), language, day)
        for column, fmt in zip(st.columns(len(formats)), formats, strict=True):
            column.download_button(
                t(f"report.download.{fmt}"),
                data=functools.partial(pack_bytes, path, int(scenario_id), fmt, language, day),
                file_name=names[fmt], mime=MIME_TYPES[fmt],
                key=f"{key}.{fmt}", icon=":material/download:", on_click="ignore", width="stretch",
            )
