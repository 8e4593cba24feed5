"""Turning one column of CSV text into typed values, vectorised, and saying which cells are wrong.

`parse_column(raw, column)` takes the column's cells as an Arrow string array and returns the typed
Arrow array (nulls for empty or unreadable cells) with the positions of every bad cell grouped by
problem code. The fast path is Arrow compute over the whole column (a clean million-row column is
cast in milliseconds); only cells the fast path cannot read go through the Python rules, and those
are parsed once per distinct spelling (dictionary encoding), so a column of repeated dates or
Chinese status words costs one parse per distinct value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from store.contract import BOOL_VALUES, SCORE_WORDS, Column, enum_lookup, normalise_token
from store.import_limits import ImportLimits
from store.import_types import ERROR, WARNING

# Run by Arrow (RE2, linear by construction) on whole columns: the cells the fast cast may take.
_SIMPLE_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# The patterns below run in Python's backtracking `re` on single cells. Each repeat is possessive
# (`++`, `*+`, `?+`: never gives back what it took) and no two repeats can match the same text, so a
# check is linear in the cell's length (a 16,000-digit cell followed by a letter once took 10 s).
_PLAIN_NUMBER = re.compile(r"[+-]?+(?:\d++(?:\.\d*+)?+|\.\d++)(?:[eE][+-]?+\d++)?+")
# 1,200 / 12,345,678.5 (after full-width folding, so 1，200 arrives here as 1,200 too)
_THOUSANDS = re.compile(r"[+-]?+\d{1,3}+(?:,\d{3}+)++(?:\.\d++)?+")
_THIN_SPACE_THOUSANDS = re.compile(r"[+-]?+\d{1,3}+(?: \d{3}+)++(?:\.\d++)?+")
# A time of day after a date, ignored: 10:30, 10:30:00.5, with a zone Z, +08:00, -0500 (ISO timestamps).
_TIME = r"(?:(?:\s*+T|\s++)\d{1,2}+:\d{2}(?::\d{2}(?:\.\d++)?+)?+(?:\s*+(?:Z|[+-]\d{2}(?::?+\d{2})?+))?+)?+"
_DATE = re.compile(
    r"(\d{4})\s*+[-/.年]\s*+(\d{1,2}+)\s*+[-/.月]\s*+(\d{1,2}+)(?:\s*+日)?+" + _TIME
)
# 9-Nov-07, 24-Jan-2005, 24 January 2005, 1.Mar.2026 (day, month name, year of 2 or 4 digits)
_DATE_DAY_NAME = re.compile(r"(\d{1,2}+)[-\s/.]++([A-Za-z]{3,9}+)[-\s/.,]++(\d{4}|\d{2})" + _TIME)
# Jan 24, 2005 / November 9 2007 (month name, day, year)
_DATE_NAME_DAY = re.compile(r"([A-Za-z]{3,9}+)[-\s/.]++(\d{1,2}+)[-\s/.,]++(\d{4}|\d{2})" + _TIME)
# 01/03/2026, 1.3.26, 01-03-2026: day-first or month-first, read only with a chosen order
_DATE_NUMERIC_ORDER = re.compile(r"(\d{1,2}+)[-/.](\d{1,2}+)[-/.](\d{4}|\d{2})" + _TIME)
# Nov-07, Jan 2005, January 2005 (a month column)
_MONTH_NAME = re.compile(r"([A-Za-z]{3,9}+)[-\s/.,]++(\d{4}|\d{2})")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*+[-/.年]\s*+(\d{1,2}+)\s*+月?+")
_MONTH_COMPACT = re.compile(r"(\d{4})(\d{2})")
# Every pattern run on single cells, for the test that checks they cannot backtrack.
CELL_PATTERNS: tuple[re.Pattern[str], ...] = (
    _PLAIN_NUMBER, _THOUSANDS, _THIN_SPACE_THOUSANDS, _DATE, _DATE_COMPACT, _MONTH, _MONTH_COMPACT,
    _DATE_DAY_NAME, _DATE_NAME_DAY, _DATE_NUMERIC_ORDER, _MONTH_NAME,
)
DATE_ORDERS: tuple[str, ...] = ("dmy", "mdy")  # how 01/03/2026 is read: 1 March (dmy) or January 3 (mdy)
_MONTH_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}
_LIST_SPLIT = re.compile(r"[;,、]")
_MAX_EXACT_INT = 2**53


@dataclass
class ColumnResult:
    """Typed values of one column and the bad cells: code -> (positions, severity, params)."""

    values: pa.Array
    issues: list[tuple[str, np.ndarray, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, code: str, positions: np.ndarray, severity: str = ERROR, **params: Any) -> None:
        if len(positions):
            self.issues.append((code, positions, severity, params))


def fold_width(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (Ｐ００１ -> P001, １，２００ -> 1,200)."""
    if text.isascii():
        return text
    folded = unicodedata.normalize("NFKC", text)
    return folded.replace("\u2212", "-").replace("\u3000", " ").strip()


def _to_numpy_bool(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _combine(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One array; a single chunk as it is (`combine_chunks` copies even one chunk)."""
    if not isinstance(array, pa.ChunkedArray):
        return array
    return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()


def _map_distinct(
    cells: pa.Array,
    positions: np.ndarray,
    parse: Callable[[str], tuple[Any, str | None]],
    arrow_type: pa.DataType,
) -> tuple[pa.Array, dict[str, np.ndarray]]:
    """Parse the cells at `positions` once per distinct text.

    Returns the typed values aligned with `positions` and, per problem code, the positions (into
    `cells`) whose text got that code.
    """
    subset = cells if len(positions) == len(cells) else cells.take(pa.array(positions, type=pa.int64()))
    encoded = _combine(subset).dictionary_encode()
    parsed = [parse(text) for text in encoded.dictionary.to_pylist()]
    values = pa.array([value for value, _ in parsed], type=arrow_type).take(encoded.indices)
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    by_code: dict[str, np.ndarray] = {}
    for code in {code for _, code in parsed if code is not None}:
        bad_distinct = np.array([i for i, (_, c) in enumerate(parsed) if c == code], dtype=np.int64)
        by_code[code] = positions[np.isin(indices, bad_distinct)]
    return values, by_code


def _scatter(values: pa.Array, positions: np.ndarray, length: int) -> pa.Array:
    """A `length`-long array holding `values` at `positions` and nulls elsewhere."""
    if len(positions) == length:
        return values
    take = np.full(length, -1, dtype=np.int64)
    take[positions] = np.arange(len(positions), dtype=np.int64)
    return values.take(pa.array(take, mask=take < 0))


# --- one cell's text rules (the slow path) ------------------------------------------------------------


def parse_number_text(text: str, percent: str | None) -> tuple[float | None, str | None]:
    """A number as people type it: 1,200 / 1，200 / １２００ / 45% / 1 200. Returns (value, problem code)."""
    folded = fold_width(text).strip()
    is_percent = folded.endswith("%")
    if is_percent:
        folded = folded[:-1].strip()
    if _THOUSANDS.fullmatch(folded) or _THIN_SPACE_THOUSANDS.fullmatch(folded):
        folded = folded.replace(",", "").replace(" ", "")
    if not _PLAIN_NUMBER.fullmatch(folded):
        return None, "bad_number"
    value = float(folded)
    if not math.isfinite(value):
        return None, "bad_number"
    if is_percent:
        if percent is None:
            return None, "percent_not_allowed"
        value = value / 100.0 if percent == "fraction" else value
    return value, None


def full_year(digits: str) -> int:
    """A year as written: four digits as they are; two digits 00-68 -> 2000-2068, 69-99 -> 1969-1999
    (the POSIX rule Python's strptime `%y` follows)."""
    year = int(digits)
    if len(digits) == 4:
        return year
    return 2000 + year if year <= 68 else 1900 + year


def _day(year: int, month: int, day: int) -> tuple[dt.date | None, str | None]:
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, "bad_date"


def parse_date_text(text: str, date_order: str | None = None) -> tuple[dt.date | None, str | None]:
    """2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301, ISO timestamps (2011-01-10T00:00:00Z,
    +08:00), 9-Nov-07, 24-Jan-2005, Jan 24, 2005; a time of day after any of them is ignored (the
    date is the one written, whatever the zone). 01/03/2026 (also 1.3.26, 01-03-2026) is read day-first
    with `date_order="dmy"`, month-first with "mdy"; without an order it is `date_order_needed`, even
    when only one reading is a real date, so that one column is never read two ways."""
    folded = fold_width(text).strip()
    match = _DATE.fullmatch(folded) or _DATE_COMPACT.fullmatch(folded)
    if match is not None:
        return _day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DATE_DAY_NAME.fullmatch(folded)
    if match is not None and match.group(2).lower() in _MONTH_NAMES:
        return _day(full_year(match.group(3)), _MONTH_NAMES[match.group(2).lower()], int(match.group(1)))
    match = _DATE_NAME_DAY.fullmatch(folded)
    if match is not None and match.group(1).lower() in _MONTH_NAMES:
        return _day(full_year(match.group(3)), _MONTH_NAMES[match.group(1).lower()], int(match.group(2)))
    match = _DATE_NUMERIC_ORDER.fullmatch(folded)
    if match is not None:
        if date_order not in DATE_ORDERS:
            return None, "date_order_needed"
        first, second = int(match.group(1)), int(match.group(2))
        day, month = (first, second) if date_order == "dmy" else (second, first)
        return _day(full_year(match.group(3)), month, day)
    return None, "bad_date"


def date_order_hint(texts: list[str]) -> str | None:
    """The order that the only-one-way values among `texts` allow (25/03/2026 can only be day-first),
    when they all agree; None when none is telling or they disagree."""
    seen: set[str] = set()
    for text in texts:
        match = _DATE_NUMERIC_ORDER.fullmatch(fold_width(text).strip())
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            seen.add("dmy")
        elif second > 12 >= first:
            seen.add("mdy")
    return seen.pop() if len(seen) == 1 else None


def parse_month_text(text: str, date_order: str | None = None) -> tuple[dt.date | None, str | None]:
    """2026-03, 2026/3, 2026年3月, 202603, Nov-07, Jan 2005 -> first day of the month; a full date
    (any form `parse_date_text` reads) keeps its month."""
    folded = fold_width(text).strip()
    match = _MONTH.fullmatch(folded) or _MONTH_COMPACT.fullmatch(folded)
    if match is not None:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and year >= 1900:
            return dt.date(year, month, 1), None
        return None, "bad_month"
    match = _MONTH_NAME.fullmatch(folded)
    if match is not None and match.group(1).lower() in _MONTH_NAMES:
        return dt.date(full_year(match.group(2)), _MONTH_NAMES[match.group(1).lower()], 1), None
    day, code = parse_date_text(folded, date_order)
    if day is None:
        return None, ("date_order_needed" if code == "date_order_needed" else "bad_month")
    # Excel turns 2026-03 into 2026/3/1; any other day is read as its month, with a warning.
    return day.replace(day=1), (None if day.day == 1 else "month_from_date")


def parse_list_text(text: str) -> tuple[list[str], str | None]:
    parts = (fold_width(part).strip() for part in _LIST_SPLIT.split(fold_width(text)))
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            seen.setdefault(part)
    return list(seen), None


# --- column parsers ------------------------------------------------------------------------------------


def _parse_text(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    if not empty.any():  # no copy of a column without an empty cell
        return ColumnResult(cells)
    values = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), cells)
    return ColumnResult(_combine(values))


def _folding_changes(cells: pa.Array) -> bool:
    """Whether `fold_width` changes any of these cells (looked at once per distinct text): a column of
    Chinese role names (项目经理) is left as it is instead of being rebuilt."""
    return any(fold_width(text) != text for text in _combine(cells).unique().to_pylist())


def _parse_id(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    ascii_cells = _to_numpy_bool(pc.string_is_ascii(cells))
    if not ascii_cells.all() and _folding_changes(cells if not ascii_cells.any() else cells.filter(pa.array(~ascii_cells))):
        wide = np.flatnonzero(~ascii_cells)
        folded, _ = _map_distinct(cells, wide, lambda text: (fold_width(text), None), pa.string())
        cells = pc.replace_with_mask(cells, pa.array(~ascii_cells), folded)
    return _parse_text(cells, empty, column)


def _numbers(cells: pa.Array, empty: np.ndarray, column: Column) -> tuple[np.ndarray, ColumnResult]:
    """float64 values (nan where empty or bad) and the bad cells."""
    result = ColumnResult(pa.array([], pa.float64()))
    masked = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), cells) if empty.any() else cells
    try:
        out = np.array(pc.cast(masked, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        slow = np.flatnonzero(~np.isfinite(out) & ~empty)  # "nan" and "inf" cast but are not numbers here
    except pa.ArrowInvalid:
        simple = _to_numpy_bool(pc.match_substring_regex(masked, _SIMPLE_NUMBER))
        fast = pc.if_else(pa.array(simple), masked, pa.scalar(None, pa.string()))
        out = np.array(pc.cast(fast, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        slow = np.flatnonzero((~simple | ~np.isfinite(out)) & ~empty)
    if len(slow):
        values, by_code = _map_distinct(
            cells, slow, lambda text: parse_number_text(text, column.percent), pa.float64()
        )
        out[slow] = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
        for code, positions in by_code.items():
            result.add(code, positions)
    return out, result


def _check_range(out: np.ndarray, column: Column, result: ColumnResult) -> None:
    if column.minimum is None and column.maximum is None:
        return
    with np.errstate(invalid="ignore"):
        low = out < column.minimum if column.minimum is not None else np.zeros(len(out), bool)
        high = out > column.maximum if column.maximum is not None else np.zeros(len(out), bool)
    bad = np.flatnonzero(low | high)
    if column.maximum is None:
        result.add("below_minimum", bad, minimum=_fmt(column.minimum))
    else:
        result.add("out_of_range", bad, minimum=_fmt(column.minimum), maximum=_fmt(column.maximum))
    out[bad] = np.nan


def _fmt(value: float | None) -> str:
    return "" if value is None else (f"{value:g}")


def _clean_cast(cells: pa.Array, empty: np.ndarray, column: Column, arrow_type: pa.DataType) -> pa.Array | None:
    """The column cast by Arrow alone when every filled cell is a plain finite number within the column's
    range (and, for integers, within what a float holds exactly): the same values the full rules give,
    without their float copies of a ten-million-row column. None when any cell needs the full rules."""
    masked = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), cells) if empty.any() else cells
    try:
        values = pc.cast(masked, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if values.null_count == len(values):
        return None
    if pa.types.is_floating(arrow_type) and _to_numpy_bool(pc.is_finite(values)).sum() != len(values) - values.null_count:
        return None
    bounds = pc.min_max(values)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if pa.types.is_integer(arrow_type) and max(abs(low), abs(high)) > _MAX_EXACT_INT:
        return None
    if (column.minimum is not None and low < column.minimum) or (column.maximum is not None and high > column.maximum):
        return None
    return values


def _parse_number(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    clean = _clean_cast(cells, empty, column, pa.float64())
    if clean is not None:
        return ColumnResult(clean)
    out, result = _numbers(cells, empty, column)
    _check_range(out, column, result)
    result.values = pa.array(out, mask=np.isnan(out), type=pa.float64())
    return result


def _parse_int(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    clean = _clean_cast(cells, empty, column, pa.int64())
    if clean is not None:
        return ColumnResult(clean)
    out, result = _numbers(cells, empty, column)
    with np.errstate(invalid="ignore"):
        fractional = np.flatnonzero(np.isfinite(out) & ((np.floor(out) != out) | (np.abs(out) > _MAX_EXACT_INT)))
    result.add("not_integer", fractional)
    out[fractional] = np.nan
    _check_range(out, column, result)
    missing = np.isnan(out)
    out[missing] = 0  # in place: no second float copy of a ten-million-row column
    result.values = pa.array(out.astype(np.int64), mask=missing if missing.any() else None, type=pa.int64())
    return result


def _parse_score(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    out, result = _numbers(cells, empty, column)
    words = {normalise_token(w): v for w, v in SCORE_WORDS.items()}

    def parse_word(text: str) -> tuple[float | None, str | None]:
        value = words.get(normalise_token(text))
        return value, None if value is not None else "bad_score"

    kept = []
    for _, positions, severity, params in result.issues:
        values, by_code = _map_distinct(cells, positions, parse_word, pa.float64())
        out[positions] = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
        kept.extend((code, bad, severity, params) for code, bad in by_code.items())
    result.issues = kept
    _check_range(out, column, result)
    result.values = pa.array(out, mask=np.isnan(out), type=pa.float64())
    return result


def _parse_by_text(
    cells: pa.Array, empty: np.ndarray, parse: Callable[[str], tuple[Any, str | None]], arrow_type: pa.DataType
) -> ColumnResult:
    filled = np.flatnonzero(~empty)
    result = ColumnResult(pa.nulls(len(cells), arrow_type))
    if not len(filled):
        return result
    values, by_code = _map_distinct(cells, filled, parse, arrow_type)
    result.values = _scatter(values, filled, len(cells))
    for code, positions in by_code.items():
        result.add(code, positions, WARNING if code == "month_from_date" else ERROR)
    return result


def _parse_dates(cells: pa.Array, empty: np.ndarray, column: Column, date_order: str | None) -> ColumnResult:
    """A date or month column; cells like 01/03/2026 need `date_order`, and without it the problem
    says which order the column's only-one-way values (25/03/2026) point to, if they agree."""
    parse = parse_date_text if column.type == "date" else parse_month_text
    result = _parse_by_text(cells, empty, lambda text: parse(text, date_order), pa.date32())
    for i, (code, positions, severity, params) in enumerate(result.issues):
        if code == "date_order_needed":
            distinct = _combine(cells.take(pa.array(np.flatnonzero(~empty)))).unique().to_pylist()
            hint = date_order_hint(distinct[:100_000])
            if hint is not None:
                result.issues[i] = (f"date_order_suggest_{hint}", positions, severity, params)
    return result


def _parse_date(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    return _parse_dates(cells, empty, column, None)


def _parse_month(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    return _parse_dates(cells, empty, column, None)


def _parse_enum(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    lookup = enum_lookup(column.enum_key)

    def parse(text: str) -> tuple[str | None, str | None]:
        value = lookup.get(normalise_token(text))
        return value, None if value is not None else "bad_enum"

    result = _parse_by_text(cells, empty, parse, pa.string())
    result.issues = [(c, p, s, {**params, "allowed": " / ".join(column.allowed)}) for c, p, s, params in result.issues]
    return result


def _parse_bool(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    lookup = {normalise_token(k): v for k, v in BOOL_VALUES.items()}

    def parse(text: str) -> tuple[bool | None, str | None]:
        value = lookup.get(normalise_token(text))
        return value, None if value is not None else "bad_bool"

    result = _parse_by_text(cells, empty, parse, pa.bool_())
    result.values = pc.fill_null(result.values, False)  # an empty cell means "not mandatory"
    return result


def _parse_list(cells: pa.Array, empty: np.ndarray, column: Column) -> ColumnResult:
    result = _parse_by_text(cells, empty, parse_list_text, pa.list_(pa.string()))
    result.values = pc.fill_null(result.values, pa.scalar([], pa.list_(pa.string())))
    return result


_PARSERS: dict[str, Callable[[pa.Array, np.ndarray, Column], ColumnResult]] = {
    "id": _parse_id,
    "text": _parse_text,
    "enum": _parse_enum,
    "bool": _parse_bool,
    "int": _parse_int,
    "number": _parse_number,
    "score": _parse_score,
    "date": _parse_date,
    "month": _parse_month,
    "list": _parse_list,
}


def trimmed(cells: pa.Array) -> pa.Array:
    """The cells without leading and trailing whitespace. Only cells that start or end with a space are
    trimmed: a clean column is returned as it is, not copied (a copy of a nine-million-row text column is
    0.15 GB)."""
    if not len(cells):
        return cells
    padded = _to_numpy_bool(pc.utf8_is_space(pc.utf8_slice_codeunits(cells, 0, 1)))
    padded |= _to_numpy_bool(pc.utf8_is_space(pc.utf8_slice_codeunits(cells, -1, 2**31 - 1)))
    if not padded.any():
        return cells
    mask = pa.array(padded)
    return _combine(pc.replace_with_mask(cells, mask, pc.utf8_trim_whitespace(cells.filter(mask))))


def parse_column(
    raw: pa.Array | pa.ChunkedArray, column: Column, limits: ImportLimits | None = None, date_order: str | None = None,
) -> ColumnResult:
    """Typed values of one column (nulls where empty or bad) and its bad cells grouped by problem code.

    `date_order` ("dmy" or "mdy") says how date and month cells like 01/03/2026 are read; without
    it they are refused as `date_order_needed`.

    A cell longer than `limits.max_cell_chars(column.type)` is reported as `cell_too_long` and not
    parsed at all (left null), so no rule ever looks at more than that many characters of one cell.
    """
    limit = (limits or ImportLimits.from_env()).max_cell_chars(column.type)
    cells = trimmed(_combine(raw))
    empty = _to_numpy_bool(pc.equal(cells, ""))
    too_long = _to_numpy_bool(pc.greater(pc.utf8_length(cells), limit))
    skipped = empty
    if too_long.any():
        cells = _combine(pc.if_else(pa.array(too_long), pa.scalar("", pa.string()), cells))
        skipped = empty | too_long
    if column.type in ("date", "month"):
        result = _parse_dates(cells, skipped, column, date_order)
    else:
        result = _PARSERS[column.type](cells, skipped, column)
    result.add("cell_too_long", np.flatnonzero(too_long), limit=limit)
    if column.required:
        result.add("missing_value", np.flatnonzero(empty))
    return result
