"""Exports: the investment recommendation pack (Excel, PowerPoint, CSV) and safe table exports.

`export_scenario(con, scenario_id, fmt, lang)` is the one entry point both the page's download
buttons and `python cli.py report` use, so they give the same file (byte for byte on the same day:
the writers are reproducible). The modules:
- `pack`: the typed, language-independent `RecommendationPack` of a scenario;
- `text`: its words and number formats in the reader's language;
- `excel`, `deck`, `csv_export`: the writers;
- `safety`: formula-injection neutralisation and safe file names; `reproducible`: fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from reports.pack import Connection, RecommendationPack, build_pack
from reports.safety import safe_filename
from reports.text import ReportText

FORMATS: tuple[str, ...] = ("xlsx", "pptx", "csv")
MIME_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
}


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    mime_type: str
    data: bytes


def _writer(fmt: str) -> Callable[[RecommendationPack, str], bytes]:
    # Imported here so that opening the overview page does not load python-pptx.
    if fmt == "xlsx":
        from reports.excel import pack_to_xlsx

        return pack_to_xlsx
    if fmt == "pptx":
        from reports.deck import pack_to_pptx

        return pack_to_pptx
    if fmt == "csv":
        from reports.csv_export import pack_to_csv

        return pack_to_csv
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_filename(pack: RecommendationPack, fmt: str, lang: str) -> str:
    """E.g. `投资建议_方案A_2026-03-01.xlsx`: kind, scenario name, snapshot date; made safe."""
    prefix = ReportText(lang)("report.file_prefix" if fmt != "csv" else "report.file_prefix_csv")
    return safe_filename(f"{prefix}_{pack.scenario_name}_{pack.as_of.isoformat()}.{fmt}")


def render(pack: RecommendationPack, fmt: str, lang: str) -> ExportFile:
    """One pack as one file in one language."""
    data = _writer(fmt)(pack, lang)
    return ExportFile(export_filename(pack, fmt, lang), MIME_TYPES[fmt], data)


def export_scenario(
    con: Connection, scenario_id: int, fmt: str, lang: str, generated_on: dt.date | None = None,
    scorecard_year: int | None = None,
) -> ExportFile:
    """Read, assemble and write the pack of one scenario (the page and the CLI both call this); with
    `scorecard_year` the Excel pack has a sheet with that year's PMO scorecard."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return render(build_pack(con, scenario_id, generated_on=generated_on, scorecard_year=scorecard_year), fmt, lang)
