"""CSV exports: the selected projects of a pack, and any plain table (the decision log).

Files are UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens them as UTF-8 instead of
GBK, with `\\r\\n` line ends and every text cell neutralised against formula injection
(`reports.safety`). Numbers are written as plain numbers (no thousands separators) so they stay
numbers when opened.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from reports.pack import RecommendationPack
from reports.safety import neutralise
from reports.text import ReportText

BOM = "\ufeff"


def _cell(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return neutralise(value)


def rows_to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV file (UTF-8 with BOM) of a header and rows, every text cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    records = [[None if (isinstance(v, float) and v != v) else v for v in r] for r in frame.itertuples(index=False, name=None)]
    return rows_to_csv([str(c) for c in frame.columns], records)


def pack_to_csv(pack: RecommendationPack, lang: str) -> bytes:
    """The selected projects (new proposals first, then committed work) with start months and cost."""
    tx = ReportText(lang)
    unit = pack.currency_unit
    headers = [
        tx("report.col.project_id"), tx("report.col.name"), tx("report.col.category"), tx("report.col.department"),
        tx("report.col.kind"), tx("report.col.start_month"), tx("report.col.end_month"),
        tx("report.col.duration"), tx("report.col.cost", unit=unit), tx("report.col.strategic_value"),
        tx("report.col.objective_value"), tx("report.col.benefit", unit=unit), tx("report.col.risk"),
        tx("report.col.mandatory"), tx("report.col.forced_in"),
    ]
    rows = [
        (p.project_id, p.name, p.category or "", p.department or "",
         tx("report.kind.committed") if p.committed else tx("report.kind.new"), p.start_month, p.end_month,
         p.duration_months, p.cost, p.strategic_value, p.value, p.expected_benefit, p.risk_score,
         tx.yes_no(p.mandatory), tx.yes_no(p.forced_in))
        for p in pack.selected
    ]
    return rows_to_csv(headers, rows)
