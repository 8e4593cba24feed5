"""Reading Excel workbooks (.xlsx, .xlsm): each sheet is one source of the import, like one CSV file.

    for source in workbook_sources(raw):      # raw: a RawFile whose expansion `import_read` measured
        match = match_headers(source.name, source.headers, source.header_row, source.hint_name)
        table = source.read_rows(match.mapping)

The reader is python-calamine (Rust's calamine): on a 1,000,000-row sheet it read about ten times
faster than openpyxl's read-only mode (bench/import_formats.py, docs/import.md). Each sheet becomes
text cells for the same parsing as a CSV file, with Excel's own types kept where they carry meaning:
a date or date-time cell becomes `2026-03-01` (`2026-03-01T10:30:00`), and so does a plain number
in a date or month column (an Excel serial date without a date format); a whole number stored as
1200.0 becomes `1200`, TRUE/FALSE become `true`/`false`; text cells stay as typed. Rows are
numbered as Excel shows them. A sheet's kind is recognised from its headers, its name (English or
Chinese kind names, e.g. `projects`, `项目清单`) breaking ties; title and blank rows above the
header are skipped.

Before this module sees a workbook, `import_read._Reader.add_workbook` has expanded every part of it
once, in chunks, against the import's limits (a workbook is a zip, so a zip bomb dressed as .xlsx is
refused there). A sheet wider than `MAX_COLUMNS` (a stray cell far to the right) is refused unread.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine

from store.import_read import (
    HEADER_SCAN_ROWS,
    MAX_COLUMNS,
    RawFile,
    Source,
    TextTable,
    _drop_blank_rows,
    find_header_row,
    skipped_rows_note,
)
from store.import_types import WARNING, Problem

CHUNK_ROWS = 65_536  # rows turned into Arrow arrays at a time, so Python holds at most this many as objects
_CALAMINE_ERRORS: tuple[type[BaseException], ...] = (
    python_calamine.CalamineError, python_calamine.PasswordError, python_calamine.WorksheetNotFound,
    python_calamine.XmlError, python_calamine.ZipError, ValueError, OSError, RuntimeError,
)
_MAX_EXACT = 2**53
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_SERIAL = 2_958_466  # 9999-12-31 + 1
_DATE_TYPES = frozenset({"date", "month"})


def cell_text(value: object) -> str:
    """One cell as the text the value parsers read (see the module docstring)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _MAX_EXACT:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return "" if value is None else str(value)


def serial_date_text(value: object) -> str:
    """A number in a date or month column as the Excel serial date it is (1 = 1900-01-01; the time of
    day in the fraction is ignored), or `cell_text` for anything else. Excel counts a 29 February 1900
    that never was (serial 60), so serials from 61 on count from 1899-12-30; 60 itself stays a number
    (and is refused as a date)."""
    if type(value) not in (float, int) or not 1 <= value < _LAST_SERIAL:
        return cell_text(value)
    days = int(value)
    if days == 60:
        return cell_text(value)
    epoch = _EXCEL_EPOCH if days > 60 else _EXCEL_EPOCH + dt.timedelta(days=1)
    return (epoch + dt.timedelta(days=days)).isoformat()


def _row_texts(row: list[object]) -> list[str]:
    return [cell if type(cell) is str else cell_text(cell) for cell in row]


def _number_texts(values: tuple) -> pa.Array | None:
    """A column of numbers (and empty cells) as text in one pass of Arrow: whole numbers without `.0`."""
    try:
        numbers = pa.array([None if value == "" else value for value in values], pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    plain = np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(plain) & (np.floor(plain) == plain) & (np.abs(plain) < _MAX_EXACT)
    as_int = pc.cast(pa.array(np.where(whole, plain, 0).astype(np.int64)), pa.string())
    texts = pc.if_else(pa.array(whole), as_int, pc.cast(numbers, pa.string()))
    return pc.fill_null(texts, "")


def _column_texts(values: tuple, column_type: str | None = None) -> pa.Array:
    """One column of Excel values as text, as `cell_text` gives each: whole columns of text, numbers
    or dates at once (a million-row sheet is mostly such columns), mixed ones cell by cell. Numbers in
    a date or month column (`column_type`) are Excel serial dates (`serial_date_text`)."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pa.array(values, pa.string())
    if column_type in _DATE_TYPES and kinds & {float, int}:
        return pa.array([serial_date_text(value) for value in values], pa.string())
    if kinds <= {str, float, int}:
        texts = _number_texts(values)
        if texts is not None:
            return texts
    if kinds <= {str, dt.date}:
        try:
            days = pa.array([None if value == "" else value for value in values], pa.date32())
            return pc.fill_null(pc.cast(days, pa.string()), "")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return pa.array([cell_text(value) for value in values], pa.string())


def _columns_table(rows: list[list[object]], width: int, types: list[str | None]) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    if not rows:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    columns = list(zip(*rows, strict=True))
    return pa.table({n: _column_texts(columns[i], types[i]) for i, n in enumerate(names)})


def sheet_table(rows: Iterable[list[object]], width: int, first_row: int, types: list[str | None] | None = None,
                ) -> TextTable:
    """Rows of Excel values -> text columns c0..c{width-1} and their Excel row numbers (from `first_row`).

    `types` (the contract type per position, None where unmapped) marks date and month columns,
    whose numbers are Excel serial dates. Built CHUNK_ROWS at a time; blank rows are left out, their
    numbers kept by the others.
    """
    types = (list(types or []) + [None] * width)[:width]
    chunks: list[pa.Table] = []
    pending: list[list[object]] = []
    count = 0
    for row in rows:
        if len(row) != width:
            row = (list(row) + [""] * width)[:width]
        pending.append(row)
        count += 1
        if len(pending) >= CHUNK_ROWS:
            chunks.append(_columns_table(pending, width, types))
            pending = []
    chunks.append(_columns_table(pending, width, types))
    table = pa.concat_tables(chunks)
    numbers = np.arange(first_row, first_row + count, dtype=np.int32)  # a sheet has at most 1,048,576 rows
    return _drop_blank_rows(TextTable(table, numbers))


def _is_reader_failure(error: BaseException) -> bool:
    """A failure of the reader on bad input: its own errors, or a Rust panic, which pyo3 raises as a
    `PanicException` deriving from BaseException (so `except Exception` would let it through)."""
    return isinstance(error, _CALAMINE_ERRORS) or type(error).__name__ == "PanicException"


def _open(raw: RawFile) -> python_calamine.CalamineWorkbook | None:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw.data))
    except BaseException as e:  # noqa: BLE001 - only the reader's failures, see _is_reader_failure
        if _is_reader_failure(e):
            return None
        raise


def workbook_sources(raw: RawFile) -> Iterator[Source]:
    """One source per sheet (chart sheets and macro sheets are not tables and are left out).

    An empty sheet is a source that cannot be read, with a `sheet_empty` warning; a sheet wider
    than MAX_COLUMNS one with `too_many_columns`. A workbook that cannot be opened is one unreadable
    source with `bad_workbook`.
    """
    book = _open(raw)
    if book is None:
        yield Source(raw.name, raw, [], readable=False, notes=[Problem(raw.name, None, None, None, "bad_workbook")])
        return
    try:
        sheets = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except _CALAMINE_ERRORS:
        sheets = list(book.sheet_names)
    for sheet_name in sheets:
        yield _sheet_source(raw, book, sheet_name)


def _sheet_source(raw: RawFile, book: python_calamine.CalamineWorkbook, sheet_name: str) -> Source:
    name = f"{raw.name}/{sheet_name}"
    try:
        sheet = book.get_sheet_by_name(sheet_name)
    except BaseException as e:  # noqa: BLE001 - only the reader's failures, see _is_reader_failure
        if not _is_reader_failure(e):
            raise
        return Source(name, raw, [], sheet=sheet_name, readable=False,
                      notes=[Problem(name, None, None, None, "bad_workbook")])
    if sheet.height == 0 or sheet.width == 0:
        return Source(name, raw, [], sheet=sheet_name, readable=False,
                      notes=[Problem(name, None, None, None, "sheet_empty", severity=WARNING)])
    if sheet.width > MAX_COLUMNS:
        params = {"count": sheet.width, "limit": MAX_COLUMNS}
        return Source(name, raw, [], sheet=sheet_name, readable=False,
                      notes=[Problem(name, None, None, None, "too_many_columns", params)])
    first_row = (sheet.start or (0, 0))[0] + 1  # Excel's number of the first row calamine returns
    head = [_row_texts(row) for row in itertools.islice(sheet.iter_rows(), HEADER_SCAN_ROWS)]
    found = find_header_row(head, f"{sheet_name}.xlsx")
    header_row = first_row + found.index
    width = sheet.width

    def reader(columns: list, limit: int) -> TextTable:
        # Read again from the sheet (held by calamine) each time: a mapping preview may read it twice.
        types = [None if column is None else column.type for column in columns]
        return sheet_table(itertools.islice(sheet.iter_rows(), found.index + 1, None), width, header_row + 1, types)

    notes = skipped_rows_note(name, head, found.index)
    if notes:  # the row number is Excel's, not the position among the rows read
        notes = [Problem(p.file, header_row, p.column, p.value, p.code, {**p.params, "header_row": header_row}, p.severity)
                 for p in notes]
    return Source(name, raw, found.cells, header_row, sheet_name, None, None, None, found.reason, notes, reader=reader)
