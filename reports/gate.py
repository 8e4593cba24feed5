"""The approved list (立项批准清单) of a gate: the proposals a lead approved, as an Excel workbook.

Headers and the sheet name in the reader's language; text cells written safely (`reports.excel`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from i18n import translate
from reports.excel import frame_to_xlsx
from reports.safety import safe_filename

COLUMNS: tuple[str, ...] = ("project_id", "name", "category", "start_month", "cost", "value", "reason", "decided_by",
                            "decided_at")


def approved_list_xlsx(approved: pd.DataFrame, lang: str, stamp: dt.date | None = None) -> bytes:
    """`store.gate.approved_list` rows as a workbook."""
    frame = approved[list(COLUMNS)].astype(object)
    frame = frame.where(frame.notna(), None)
    frame = frame.rename(columns={c: translate(lang, f"gate.col.{c}") for c in COLUMNS})
    return frame_to_xlsx(frame, translate(lang, "gate.sheet"), lang,
                         formats={translate(lang, "gate.col.cost"): "#,##0.0", translate(lang, "gate.col.value"): "#,##0.0",
                                  translate(lang, "gate.col.decided_at"): "yyyy-mm-dd hh:mm"},
                         stamp=stamp)


def approved_list_filename(scenario_name: str, lang: str) -> str:
    return safe_filename(f"{translate(lang, 'gate.file', name=scenario_name)}.xlsx")
