"""The import template as one Excel workbook: a sheet per contract kind, ready to fill and import.

    data = template_workbook("zh")      # bytes of an .xlsx: sheets 项目, 战略目标, ... with Chinese headers

Each sheet is named after its kind in the header language (`projects` or `项目`), so the importer
recognises it by name as well as by its headers. Row 1 holds the headers; each header cell carries a
comment saying whether the column is required, its type and what it accepts (from
`store.contract.column_rule`, the same text as docs/data-contract.md). Row 2 is an example row (one
consistent small portfolio across the sheets: project P001 scored on O1, with demand, a status
report and a spend profile), which imports cleanly as it is. Enum columns (status, rag) and yes/no
columns get a drop-down list in the header language; id and text columns are formatted as text so
Excel keeps `007` as typed; month and date columns are shown `yyyy-mm` and `yyyy-mm-dd`.

Written with openpyxl (already used for the recommendation pack); `fix_zip_timestamps` makes the
same template the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from i18n import translate
from reports.reproducible import fix_zip_timestamps
from store.contract import ENUM_VALUES, KIND_ORDER, KINDS, Column, column_rule, header_of

VALIDATED_ROWS = 2000  # drop-downs and formats reach this far down each sheet
_FIXED_TIME = dt.datetime(2026, 1, 1)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOOL_CHOICES = {"en": ("yes", "no"), "zh": ("是", "否")}

# One example row per kind, by column (a value in the header language where the text is words).
EXAMPLE_ROWS: dict[str, dict[str, dict[str, object]]] = {
    "projects": {
        "en": {"project_id": "P001", "name": "ERP upgrade", "category": "IT", "department": "Finance",
               "sponsor": "Li Wei", "manager": "Wang Fang", "status": "active", "start_month": dt.date(2026, 1, 1),
               "duration_months": 12, "budget": 1200, "expected_benefit": 1800, "risk_score": 3, "mandatory": "no"},
        "zh": {"project_id": "P001", "name": "财务系统升级", "category": "信息化", "department": "财务部",
               "sponsor": "李伟", "manager": "王芳", "status": "active", "start_month": dt.date(2026, 1, 1),
               "duration_months": 12, "budget": 1200, "expected_benefit": 1800, "risk_score": 3, "mandatory": "no"},
    },
    "objectives": {
        "en": {"objective_id": "O1", "name": "Revenue growth", "weight": 1},
        "zh": {"objective_id": "O1", "name": "收入增长", "weight": 1},
    },
    "project_scores": {lang: {"project_id": "P001", "objective_id": "O1", "score": 4} for lang in ("en", "zh")},
    "capacity": {
        "en": {"role": "Developer", "month": dt.date(2026, 1, 1), "capacity_fte": 6, "hire_cost_per_fte_month": 3.5},
        "zh": {"role": "开发", "month": dt.date(2026, 1, 1), "capacity_fte": 6, "hire_cost_per_fte_month": 3.5},
    },
    "demand": {
        "en": {"project_id": "P001", "role": "Developer", "month_offset": 0, "fte": 3},
        "zh": {"project_id": "P001", "role": "开发", "month_offset": 0, "fte": 3},
    },
    "status_reports": {
        lang: {"project_id": "P001", "report_date": dt.date(2026, 2, 28), "planned_value": 200, "earned_value": 170,
               "actual_cost": 190, "percent_complete": 14.2, "rag": "amber", "forecast_finish": dt.date(2027, 1, 31),
               "open_risks": 3, "open_issues": 2, "milestones_due": 2, "milestones_met": 1, "benefit_realized": 0}
        for lang in ("en", "zh")
    },
    "maturity": {
        "en": {"area": "Initiation", "practice": "Business case", "level": 2, "score": 45, "target_level": 3},
        "zh": {"area": "立项", "practice": "商业论证", "level": 2, "score": 45, "target_level": 3},
    },
    "process_kpis": {
        "en": {"process": "Project approval", "month": dt.date(2026, 2, 1), "cycle_time_days": 21, "unit_cost": 1.2,
               "error_rate": 0.04, "volume": 35},
        "zh": {"process": "立项审批", "month": dt.date(2026, 2, 1), "cycle_time_days": 21, "unit_cost": 1.2,
               "error_rate": 0.04, "volume": 35},
    },
    "spend_profile": {lang: {"project_id": "P001", "month_offset": 0, "planned_spend": 1200} for lang in ("en", "zh")},
    # issue 19: optional cash flows and lessons learned
    "cash_flows": {lang: {"project_id": "P001", "month_offset": 0, "cost": 100, "benefit": 0} for lang in ("en", "zh")},
    "lessons": {
        "en": {"project_id": "P001", "recorded_on": dt.date(2026, 12, 31), "category": "vendor",
               "lesson": "Agree data migration tests with the vendor before the contract", "tags": "vendor; migration"},
        "zh": {"project_id": "P001", "recorded_on": dt.date(2026, 12, 31), "category": "供应商",
               "lesson": "签约前与供应商约定数据迁移测试", "tags": "供应商；数据迁移"},
    },
}


def sheet_name(kind: str, lang: str) -> str:
    """The kind's sheet name in the header language (`projects`, `项目`): the importer reads it back."""
    return KINDS[kind].zh if lang == "zh" else kind


def choices(column: Column, lang: str) -> tuple[str, ...]:
    """The drop-down values of an enum or yes/no column in the header language (empty for others)."""
    if column.type == "bool":
        return _BOOL_CHOICES[lang]
    if column.type == "enum":
        spellings = ENUM_VALUES[column.name]
        return tuple(spellings[value][0] if lang == "zh" else value for value in column.allowed)
    return ()


def header_comment(column: Column, lang: str) -> str:
    """What the header's comment says: required or not, the type, what the column accepts."""
    parts = [
        translate(lang, "reading.template.required" if column.required else "reading.template.optional"),
        translate(lang, "reading.template.type", type=translate(lang, f"data.type.{column.type}")),
    ]
    rule = column_rule(column, lang)
    if rule:
        parts.append(translate(lang, "reading.template.accepts", rule=rule))
    return "\n".join(parts)


def _example_value(kind: str, column: Column, lang: str) -> object:
    value = EXAMPLE_ROWS[kind][lang].get(column.name)
    if value is None:
        return None
    if column.type in ("enum", "bool"):
        options = choices(column, lang)
        canonical = column.allowed if column.type == "enum" else _BOOL_CHOICES["en"]
        return options[canonical.index(value)]
    return value


def _write_sheet(book: Workbook, kind: str, lang: str) -> None:
    sheet = book.create_sheet(sheet_name(kind, lang))
    columns = KINDS[kind].columns
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=header_of(column, lang))
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.comment = Comment(header_comment(column, lang), "Lodestar", width=320, height=160)
        sheet.column_dimensions[letter].width = max(12, 2 * len(cell.value) + 2)
        example = sheet.cell(row=2, column=position, value=_example_value(kind, column, lang))
        number_format = {"id": "@", "text": "@", "list": "@", "month": "yyyy-mm", "date": "yyyy-mm-dd"}.get(column.type)
        if number_format:
            example.number_format = number_format
        options = choices(column, lang)
        if options:
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=not column.required)
            validation.error = header_comment(column, lang)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def template_workbook(lang: str) -> bytes:
    """The whole template (every kind, one sheet each, headers in `lang`: "en" or "zh") as .xlsx bytes."""
    if lang not in ("en", "zh"):
        raise ValueError(f"unknown header language {lang!r}")
    book = Workbook()
    book.remove(book.active)
    for kind in KIND_ORDER:
        _write_sheet(book, kind, lang)
    book.properties.creator = "Lodestar"
    book.properties.created = _FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return fix_zip_timestamps(buffer.getvalue(), _FIXED_TIME)


def template_workbook_name(lang: str) -> str:
    return f"lodestar_template_{lang}.xlsx"
