"""The recommendation pack as an Excel workbook (openpyxl), and plain tables as Excel.

Sheets, in order: summary, selected projects, left-out proposals, budget, role load, parameters,
strategic weights, efficient frontier (names in the reader's language). Numbers are written as
numbers with real number formats (money `#,##0.0`, shares `0.0%`, FTE `0.00`), months as dates shown
`yyyy-mm`, so the committee can sort, filter and sum; header rows are frozen and filtered; column
widths count a Chinese character as two. Native Excel charts: the frontier (scatter), spend by fiscal
year and category (stacked columns) and peak utilisation by role (bars).

Formula injection: every text cell is written as a typed string cell (`t="inlineStr"`), which Excel,
LibreOffice and WPS show as text and never evaluate, whatever its first character. So text keeps
exactly what it says ("-", "-12 %", "+86 ...", a project named `=HYPERLINK(...)`), with no visible
apostrophe; text a spreadsheet would take for a formula if it were typed in (`reports.safety.is_dangerous`)
also gets Excel's quote-prefix style, so editing the cell and pressing Enter keeps it text. (openpyxl
would otherwise store a str starting with "=" as a formula and "#N/A" as an error: `write_text`
forces the string type.) CSV has no cell types, so `reports.csv_export` prefixes such text with `'`.

The workbook is written reproducibly (fixed timestamps), so the same pack always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.months import first_day, month_index
from analytics.vocabulary import CR_THRESHOLD
from i18n import numbers
from reports.pack import RecommendationPack
from reports.reproducible import fix_zip_timestamps
from reports.safety import is_dangerous, is_real_number
from reports.text import ReportText

MONEY = "#,##0.0"
VALUE = "#,##0.0"
SHARE = "0.0%"
FTE = "0.00"
INTEGER = "0"
MONTH = "yyyy-mm"
DATE = "yyyy-mm-dd"
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
OVER_FILL = PatternFill("solid", fgColor="F8CBAD")
FONT_NAME = {"zh": "Microsoft YaHei", "en": "Calibri"}

Column = tuple[str, str | None]  # header text, number format (None = text)


def display_width(value: Any) -> int:
    """Characters a cell needs: East Asian wide characters count two."""
    text = value if isinstance(value, str) else (f"{value:,.1f}" if isinstance(value, float) else str(value))
    return sum(2 if _is_wide(ch) else 1 for ch in text)


def _is_wide(ch: str) -> bool:
    code = ord(ch)
    return 0x1100 <= code <= 0x115F or 0x2E80 <= code <= 0xA4CF or 0xAC00 <= code <= 0xD7A3 or 0xF900 <= code <= 0xFAFF \
        or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFF60 or 0xFFE0 <= code <= 0xFFE6


def write_text(cell: Cell, text: str) -> None:
    """Put text into a cell as a string cell that no spreadsheet program evaluates (see the module doc)."""
    cell.value = text
    cell.data_type = "s"  # openpyxl types "=..." as a formula and "#N/A" as an error; text stays text
    if is_dangerous(text):
        cell.quotePrefix = True  # Excel's own mark for "typed with a leading apostrophe": shown without it


def month_date(month: str | None) -> dt.date | None:
    """'2026-03' -> date(2026, 3, 1), written as a real date with the `yyyy-mm` format."""
    if not month:
        return None
    return first_day(month_index(month))


class _Sheet:
    """Writes cells safely and remembers the widest value per column."""

    def __init__(self, ws: Worksheet, lang: str) -> None:
        self.ws = ws
        self.font = Font(name=FONT_NAME[lang])
        self.bold = Font(name=FONT_NAME[lang], bold=True)
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, number_format: str | None = None, bold: bool = False) -> None:
        if isinstance(value, float) and not is_real_number(value):
            # NaN / inf are not numbers Excel can hold: inf (work with no capacity) reads as the pages show it
            value = numbers.INFINITY if value == float("inf") else None
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            write_text(cell, value)
        else:
            cell.value = value
        cell.font = self.bold if bold else self.font
        if number_format and (is_real_number(value) or isinstance(value, dt.date)):
            cell.number_format = number_format
        if value is not None:
            self.widths[col] = max(self.widths.get(col, 0), display_width(value))

    def header(self, row: int, col: int, columns: Sequence[Column]) -> None:
        for offset, (title, _) in enumerate(columns):
            self.put(row, col + offset, title, bold=True)
            cell = self.ws.cell(row=row, column=col + offset)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")

    def table(self, row: int, col: int, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> int:
        """Header at `row`, data below; returns the last row written."""
        self.header(row, col, columns)
        for r, values in enumerate(rows, start=row + 1):
            for offset, value in enumerate(values):
                self.put(r, col + offset, value, columns[offset][1])
        return row + len(rows)

    def finish(self, freeze: str | None = "A2", filter_range: str | None = None) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), MAX_WIDTH)
        # Printed, every sheet is landscape and one page wide (as many pages tall as it needs).
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        if freeze == "A2":
            self.ws.print_title_rows = "1:1"  # the header row repeats on every printed page
        if freeze:
            self.ws.freeze_panes = freeze
        if filter_range:
            self.ws.auto_filter.ref = filter_range


def _show_axes(chart) -> None:
    """openpyxl 3.1 writes axes as deleted unless told otherwise: Excel would then draw no axis labels."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _range(first_col: int, first_row: int, last_col: int, last_row: int) -> str:
    return f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{max(last_row, first_row)}"


# ---------------------------------------------------------------------------------------------- sheets


def _summary_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.active
    ws.title = tx("report.sheet.summary")
    sheet = _Sheet(ws, tx.lang)
    s, unit = pack.summary, pack.currency_unit
    sheet.put(1, 1, tx("report.title", name=pack.scenario_name), bold=True)
    ws.cell(row=1, column=1).font = Font(name=FONT_NAME[tx.lang], bold=True, size=14)
    sheet.put(2, 1, tx.recommendation_sentence(pack))
    ws.merge_cells("A2:D2")
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 60
    sheet.widths.pop(1, None)  # the merged sentence should not widen column A
    peak = f"{tx.percent(s.peak_utilisation)} ({s.peak_role}, {s.peak_month})" if s.peak_role else "-"
    rows: list[tuple[str, Any, str | None]] = [
        (tx("report.field.scenario"), f"{pack.scenario_name} (#{pack.scenario_id})", None),
        (tx("report.field.snapshot"), f"{pack.snapshot_label} (#{pack.snapshot_id})", None),
        (tx("report.field.as_of"), pack.as_of, DATE),
        (tx("report.field.recommended"), tx.yes_no(pack.is_recommended), None),
        (tx("report.field.rationale"), pack.rationale or "-", None),
        (tx("report.field.status"), tx.status(s.status), None),
        (tx("report.field.objective_kind"), tx.objective_kind(s.objective_kind), None),
        (tx("report.field.objective"), s.objective, VALUE),
        (tx("report.field.bound"), s.bound, VALUE),
        (tx("report.field.gap"), s.gap, "0.00%"),
        (tx("report.field.greedy"), s.greedy_objective, VALUE),
        (tx("report.field.uplift"), s.uplift_over_greedy, SHARE),
        (tx("figures.uplift_difference"), s.uplift_difference, VALUE),
        (tx("report.field.selected_count"), s.selected_count, INTEGER),
        (tx("report.field.committed_count"), s.committed_count, INTEGER),
        (tx("report.field.left_out_count"), s.left_out_count, INTEGER),
        (tx("report.field.new_cost", unit=unit), s.new_cost, MONEY),
        (tx("report.field.committed_spend", unit=unit), s.committed_spend, MONEY),
        (tx("report.field.new_spend", unit=unit), s.new_spend, MONEY),
        (tx("report.field.hire_cost", unit=unit), s.hire_cost, MONEY),
        (tx("report.field.total_cost", unit=unit), s.total_cost, MONEY),
        (tx("report.field.budget", unit=unit), s.budget if s.budget is not None else tx("report.unlimited"), MONEY),
        (tx("report.field.headroom", unit=unit), s.budget_headroom, MONEY),
        (tx("report.field.strategic_selected"), s.strategic_value_selected, VALUE),
        (tx("report.field.strategic_coverage"), s.strategic_coverage, SHARE),
        (tx("report.field.benefit_selected", unit=unit), s.expected_benefit_selected, MONEY),
        (tx("report.field.peak_utilisation"), peak, None),
        (tx("report.field.over_allocated"), s.over_allocated_cells, INTEGER),
        (tx("report.field.horizon"), f"{s.horizon_start} – {s.horizon_end}", None),
        (tx("report.field.solver"), s.solver, None),
        (tx("report.field.solve_seconds"), s.solve_seconds, "0.00"),
        (tx("report.field.created_by"), pack.created_by or "-", None),
        (tx("report.field.generated_on"), pack.generated_on, DATE),
    ]
    columns: list[Column] = [(tx("report.col.figure"), None), (tx("report.col.value"), None)]
    sheet.header(4, 1, columns)
    for r, (label, value, fmt) in enumerate(rows, start=5):
        sheet.put(r, 1, label)
        sheet.put(r, 2, "-" if value is None else value, fmt)
    label_width = sheet.widths.get(1, 10)  # findings below overflow into the empty columns to the right
    row = 5 + len(rows) + 1
    for title_key, findings in (("report.section.risks", pack.risks), ("report.section.decisions", pack.decisions)):
        sheet.put(row, 1, tx(title_key), bold=True)
        row += 1
        for finding in findings or ():
            sheet.put(row, 1, "• " + tx.finding(finding, unit))
            row += 1
        if not findings:
            sheet.put(row, 1, tx("report.none"))
            row += 1
        row += 1
    if pack.marginal_values:
        sheet.put(row, 1, tx("report.section.marginal"), bold=True)
        columns = [(tx("report.col.resource"), None), (tx("report.col.value_per_unit"), VALUE), (tx("report.col.method"), None)]
        sheet.table(row + 1, 1, columns, [(tx.resource(m.kind, m.resource, unit), m.value_per_unit, tx.method(m.method))
                                             for m in pack.marginal_values])
    sheet.widths[1] = label_width
    sheet.finish(freeze="A5")
    for r in range(5 + len(rows), ws.max_row + 1):
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=False)


def _selected_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.selected"))
    sheet = _Sheet(ws, tx.lang)
    unit = pack.currency_unit
    columns: list[Column] = [
        (tx("report.col.project_id"), None), (tx("report.col.name"), None), (tx("report.col.category"), None),
        (tx("report.col.department"), None), (tx("report.col.kind"), None), (tx("report.col.start_month"), MONTH),
        (tx("report.col.end_month"), MONTH), (tx("report.col.requested_start"), MONTH),
        (tx("report.col.duration"), INTEGER), (tx("report.col.cost", unit=unit), MONEY),
        (tx("report.col.strategic_value"), VALUE), (tx("report.col.objective_value"), VALUE),
        (tx("report.col.benefit", unit=unit), MONEY), (tx("report.col.risk"), "0.0"),
        (tx("report.col.mandatory"), None), (tx("report.col.forced_in"), None),
    ]
    rows = [
        (p.project_id, p.name, tx.category(p.category), p.department or "",
         tx("report.kind.committed") if p.committed else tx("report.kind.new"),
         month_date(p.start_month), month_date(p.end_month), month_date(p.requested_start_month),
         p.duration_months, p.cost, p.strategic_value, p.value, p.expected_benefit, p.risk_score,
         tx.yes_no(p.mandatory), tx.yes_no(p.forced_in))
        for p in pack.selected
    ]
    last = sheet.table(1, 1, columns, rows)
    total_row = last + 1
    sheet.put(total_row, 2, tx("report.total"), bold=True)
    sheet.put(total_row, 10, sum(p.cost for p in pack.selected), MONEY, bold=True)
    sheet.put(total_row, 11, sum(p.strategic_value or 0.0 for p in pack.selected), VALUE, bold=True)
    sheet.put(total_row, 12, sum(p.value for p in pack.selected), VALUE, bold=True)
    sheet.put(total_row, 13, sum(p.expected_benefit or 0.0 for p in pack.selected), MONEY, bold=True)
    sheet.finish(filter_range=_range(1, 1, len(columns), last))


def _left_out_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.left_out"))
    sheet = _Sheet(ws, tx.lang)
    unit = pack.currency_unit
    # Prices of forcing are shown when they were computed for this run; a column where every row
    # said "not computed" told the reader nothing.
    priced = any(p.price_of_forcing is not None or p.forcing_infeasible for p in pack.left_out)
    noted = priced or any(p.forced_out for p in pack.left_out)
    columns: list[Column] = [
        (tx("report.col.project_id"), None), (tx("report.col.name"), None), (tx("report.col.category"), None),
        (tx("report.col.cost", unit=unit), MONEY), (tx("report.col.strategic_value"), VALUE),
        (tx("report.col.objective_value"), VALUE), (tx("report.col.reasons"), None),
        *([(tx("report.col.price_of_forcing"), VALUE)] if priced else []),
        *([(tx("report.col.forcing_note"), None)] if noted else []),
    ]
    rows = []
    for p in pack.left_out:
        notes = []
        if p.forcing_infeasible:
            notes.append(tx("report.forcing.infeasible"))
        elif priced and p.price_of_forcing is None:
            notes.append(tx("report.forcing.not_computed"))
        if p.forced_out:
            notes.append(tx("report.forcing.forced_out"))
        rows.append((p.project_id, p.name, tx.category(p.category), p.cost, p.strategic_value, p.value,
                     tx.reasons(p.reasons), *([p.price_of_forcing] if priced else []), *([" ".join(notes)] if noted else [])))
    last = sheet.table(1, 1, columns, rows)
    sheet.widths[7] = min(sheet.widths.get(7, 20), 70)
    for r in range(2, last + 1):
        ws.cell(row=r, column=7).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.finish(filter_range=_range(1, 1, len(columns), last))


def _budget_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.budget"))
    sheet = _Sheet(ws, tx.lang)
    unit = pack.currency_unit
    categories = list(pack.categories)
    columns: list[Column] = [
        (tx("report.col.fiscal_year"), INTEGER), (tx("report.col.spend", unit=unit), MONEY),
        (tx("report.col.cap", unit=unit), MONEY), (tx("report.col.headroom", unit=unit), MONEY),
        *[(tx.category(c), MONEY) for c in categories],
    ]
    rows = [
        (y.fiscal_year, y.spend, y.cap, None if y.cap is None else y.cap - y.spend,
         *[y.by_category.get(c, 0.0) for c in categories])
        for y in pack.budget_by_year
    ]
    last = sheet.table(1, 1, columns, rows)
    if rows and categories:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title = tx("report.chart.budget_by_year")
        chart.y_axis.title = unit
        chart.y_axis.numFmt = "#,##0"
        data = Reference(ws, min_col=5, max_col=4 + len(categories), min_row=1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.y_axis.scaling.min = 0
        chart.height, chart.width = 8, 16
        _show_axes(chart)
        ws.add_chart(chart, f"A{last + 3}")
    top = last + 20 if rows else last + 3
    cat_columns: list[Column] = [
        (tx("report.col.category"), None), (tx("report.col.spend", unit=unit), MONEY), (tx("report.col.share"), SHARE),
        (tx("report.col.min_share"), SHARE), (tx("report.col.max_share"), SHARE),
    ]
    cat_rows = [(tx.category(c.category), c.spend, c.share, c.min_share, c.max_share)
                for c in pack.budget_by_category]
    sheet.table(top, 1, cat_columns, cat_rows)
    sheet.finish()


def _role_load_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.role_load"))
    sheet = _Sheet(ws, tx.lang)
    columns: list[Column] = [
        (tx("report.col.role"), None), (tx("report.col.month"), MONTH), (tx("report.col.demand_fte"), FTE),
        (tx("report.col.capacity_fte"), FTE), (tx("report.col.hired_fte"), FTE), (tx("report.col.utilisation"), SHARE),
    ]
    rows = [(r.role, month_date(r.month), r.demand_fte, r.capacity_fte, r.hired_fte, r.utilisation) for r in pack.role_load]
    last = sheet.table(1, 1, columns, rows)
    if rows:
        ws.conditional_formatting.add(f"F2:F{last}", CellIsRule(operator="greaterThan", formula=["1"], fill=OVER_FILL))
    summary_columns: list[Column] = [
        (tx("report.col.role"), None), (tx("report.col.peak_utilisation"), SHARE), (tx("report.col.peak_month"), MONTH),
        (tx("report.col.months_over"), INTEGER), (tx("report.col.hired_fte_months"), FTE),
    ]
    summary_rows = [(s.role, s.peak_utilisation, month_date(s.peak_month), s.months_over_capacity, s.hired_fte_months)
                    for s in pack.role_summary]
    summary_last = sheet.table(1, 8, summary_columns, summary_rows)
    if summary_rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = tx("report.chart.peak_utilisation")
        chart.x_axis.title = tx("report.col.role")
        chart.y_axis.numFmt = "0%"
        chart.add_data(Reference(ws, min_col=9, min_row=1, max_row=summary_last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=8, min_row=2, max_row=summary_last))
        chart.legend = None
        chart.y_axis.scaling.min = 0
        chart.height, chart.width = max(6, 0.6 * len(summary_rows) + 3), 16
        _show_axes(chart)
        ws.add_chart(chart, f"H{summary_last + 3}")
    sheet.finish(filter_range=_range(1, 1, len(columns), last))


def _parameters_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.parameters"))
    sheet = _Sheet(ws, tx.lang)
    columns: list[Column] = [(tx("report.col.parameter"), None), (tx("report.col.value"), None)]
    sheet.header(1, 1, columns)
    for r, (label, value) in enumerate(tx.parameter_rows(pack), start=2):
        sheet.put(r, 1, label)
        sheet.put(r, 2, value, "#,##0.####" if is_real_number(value) else None)
    sheet.finish()


def _weights_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.weights"))
    sheet = _Sheet(ws, tx.lang)
    columns: list[Column] = [(tx("report.col.objective_id"), None), (tx("report.col.objective"), None), (tx("report.col.weight"), SHARE)]
    last = sheet.table(1, 1, columns, [(w.objective_id, w.name, w.weight) for w in pack.weight_lines])
    info = pack.weights
    cr = info.consistency_ratio
    rows: list[tuple[str, Any, str | None]] = [
        (tx("report.field.weight_set"), tx.weight_set_label(pack), None),
        (tx("report.field.weight_method"), tx.method(info.method), None),
        (tx("report.field.consistency_ratio"), cr if cr is not None else tx("report.not_applicable"), "0.000"),
    ]
    for r, (label, value, fmt) in enumerate(rows, start=last + 2):
        sheet.put(r, 1, label, bold=True)
        sheet.put(r, 2, value, fmt)
    if cr is not None:
        verdict = tx("report.cr.ok") if cr <= CR_THRESHOLD else tx("report.cr.too_high")
        sheet.put(last + 2 + len(rows), 2, verdict)
    sheet.finish()


def _frontier_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    ws = wb.create_sheet(tx("report.sheet.frontier"))
    sheet = _Sheet(ws, tx.lang)
    unit = pack.currency_unit
    columns: list[Column] = [
        (tx("report.col.budget_level", unit=unit), MONEY), (tx("report.col.cost", unit=unit), MONEY),
        (tx("report.col.objective_value"), VALUE), (tx("report.col.status"), None),
        (tx("report.col.project_count"), INTEGER), (tx("report.col.entered"), None), (tx("report.col.left"), None),
    ]
    rows = [
        (p.budget, p.cost, p.objective, tx.status(p.status), len(p.selected_ids), tx.join(list(pack.names_of(p.entered))), tx.join(list(pack.names_of(p.left))))
        for p in pack.frontier
    ]
    last = sheet.table(1, 1, columns, rows)
    marker_columns: list[Column] = [(tx("report.col.this_scenario"), None), (tx("report.col.cost", unit=unit), MONEY),
                                    (tx("report.col.objective_value"), VALUE)]
    sheet.table(1, 9, marker_columns, [(pack.scenario_name, pack.summary.total_cost, pack.summary.objective)])
    if rows:
        chart = ScatterChart()
        chart.title = tx("report.chart.frontier")
        chart.style = 13
        chart.scatterStyle = "lineMarker"
        chart.x_axis.title = tx("report.col.cost", unit=unit)
        chart.y_axis.title = tx("report.col.objective_value")
        chart.x_axis.numFmt = chart.y_axis.numFmt = "#,##0"
        line = Series(Reference(ws, min_col=3, min_row=2, max_row=last), Reference(ws, min_col=2, min_row=2, max_row=last),
                      title=tx("report.chart.frontier_series"))
        line.marker.symbol = "circle"
        line.smooth = False  # straight segments between solved points: nothing is known in between
        chart.series.append(line)
        point = Series(Reference(ws, min_col=11, min_row=2, max_row=2), Reference(ws, min_col=10, min_row=2, max_row=2),
                       title=tx("report.col.this_scenario"))
        point.marker.symbol, point.marker.size = "diamond", 12
        point.marker.graphicalProperties = GraphicalProperties(solidFill="C0392B")
        point.marker.graphicalProperties.line.solidFill = "C0392B"
        point.graphicalProperties.line.noFill = True
        chart.series.append(point)
        chart.height, chart.width = 9, 18
        _show_axes(chart)
        ws.add_chart(chart, f"I{5}")
    sheet.finish(filter_range=_range(1, 1, len(columns), last) if rows else None)


def _cases_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    from reports.economics import cases_sheet

    cases_sheet(wb, pack.economics, _Sheet, tx, pack.currency_unit)


def _uncertainty_sheet(wb: Workbook, pack: RecommendationPack, tx: ReportText) -> None:
    from reports.economics import uncertainty_sheet

    uncertainty_sheet(wb, pack.economics, _Sheet, tx, pack.currency_unit)


SHEETS = (_summary_sheet, _selected_sheet, _left_out_sheet, _budget_sheet, _role_load_sheet, _parameters_sheet,
          _weights_sheet, _frontier_sheet, _cases_sheet, _uncertainty_sheet)
SHEET_KEYS = ("summary", "selected", "left_out", "budget", "role_load", "parameters", "weights", "frontier",
              "cases", "uncertainty")
ECONOMICS_SHEETS = ("cases", "uncertainty")   # issue 19: only when the pack carries its economics


def written_sheets(pack: RecommendationPack | None = None) -> tuple[str, ...]:
    """The sheets a pack's workbook has: the frontier sheet only when a frontier was computed (no
    sheet that only says it was not); the economics sheets only when the pack carries them."""
    keys = SHEET_KEYS
    if pack is not None and not any(p.cost is not None and p.objective is not None for p in pack.frontier):
        keys = tuple(k for k in keys if k != "frontier")
    if pack is not None and pack.economics is None:
        keys = tuple(k for k in keys if k not in ECONOMICS_SHEETS)
    return keys


def sheet_names(lang: str, pack: RecommendationPack | None = None) -> tuple[str, ...]:
    tx = ReportText(lang)
    return tuple(tx(f"report.sheet.{key}") for key in written_sheets(pack))


def pack_to_xlsx(pack: RecommendationPack, lang: str) -> bytes:
    """The workbook of a recommendation pack, as bytes."""
    tx = ReportText(lang)
    wb = Workbook()
    for key, write in zip(SHEET_KEYS, SHEETS, strict=True):
        if key in written_sheets(pack):
            write(wb, pack, tx)
    return _save(wb, pack.generated_on, title=tx("report.title", name=pack.scenario_name))


def frame_to_xlsx(frame: pd.DataFrame, sheet_title: str, lang: str, formats: dict[str, str] | None = None,
                  stamp: dt.date | None = None) -> bytes:
    """One table as a workbook (used for the decision log): safe text, frozen header, fitted widths."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]  # a sheet name is never evaluated (and may not start with an apostrophe)
    sheet = _Sheet(ws, lang)
    columns: list[Column] = [(str(c), (formats or {}).get(str(c))) for c in frame.columns]
    rows = [[_cell_value(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    last = sheet.table(1, 1, columns, rows)
    for col in range(1, len(columns) + 1):
        sheet.widths[col] = min(sheet.widths.get(col, 8), MAX_WIDTH)
    sheet.finish(filter_range=_range(1, 1, max(len(columns), 1), last))
    return _save(wb, stamp or dt.date.today(), title=sheet_title)


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _save(wb: Workbook, stamp: dt.date, title: str) -> bytes:
    when = dt.datetime(stamp.year, stamp.month, stamp.day)
    wb.properties.creator = "Lodestar"
    wb.properties.title = title
    wb.properties.created = when
    buffer = io.BytesIO()
    wb.save(buffer)
    return fix_zip_timestamps(buffer.getvalue(), when)
