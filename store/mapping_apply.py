"""Applying a `FileMapping` to one file's cells: the file becomes a contract-shaped table of text.

The result goes through the importer's normal cell parsing and every check after it, exactly as a
file written to the template would: a mapping only renames, derives and rewrites text, it never
decides what is valid. Whole columns at a time (Arrow and NumPy), so a million rows stay fast.

- a source column is taken as it is, after its value map (`"Ongoing" = "active"`, compared without
  case, width or spacing); a month column fed by full dates or timestamps keeps their month
  (`2011-01-10T00:00:00Z` -> `2011-01`), read by the importer's own date parser;
- a constant fills the column;
- `months_between` and `from_dates` read their date columns with the importer's date parser
  (a cell it cannot read is reported under that column's header) and fill the column from
  `analytics.derived_fields`; a finish before the start is a warning naming the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.derived_fields import duration_months, status_from_dates
from store.contract import KINDS, Column, enum_lookup, normalise_header, normalise_token
from store.import_limits import ImportLimits
from store.import_read import HeaderMatch, TextTable
from store.import_types import WARNING, Problem
from store.import_values import parse_column
from store.mapping import Constant, FileMapping, MonthsBetween, Rule, Source

# A cell problem found while mapping, reported once the file's rows are known:
# (header as written, positions, code, severity, params, the cells as written).
CellIssue = tuple[str, np.ndarray, str, str, dict[str, Any], pa.Array]


@dataclass
class Applied:
    """One mapped file: the header match and text table the importer parses next, and what went wrong."""

    match: HeaderMatch
    text: TextTable
    columns: tuple[tuple[str, str | None], ...]  # (what fed it, contract column) for the file list
    problems: list[Problem] = field(default_factory=list)
    cell_issues: list[CellIssue] = field(default_factory=list)


def find_header(headers: list[str], wanted: str) -> int | None:
    """The position of `wanted` among `headers`: exactly, else the one header spelt the same when normalised."""
    if wanted in headers:
        return headers.index(wanted)
    norm = normalise_header(wanted)
    found = [i for i, h in enumerate(headers) if normalise_header(h) == norm]
    return found[0] if len(found) == 1 else None


def _constant_array(value: str, length: int) -> pa.Array:
    indices = pa.array(np.zeros(length, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([value], pa.string())).dictionary_decode()


def map_values(cells: pa.Array, pairs: dict[str, str]) -> pa.Array:
    """`cells` with each value found in `pairs` replaced (keys compared without case, width or spacing)."""
    if not pairs:
        return cells
    lookup = {normalise_token(source): target for source, target in pairs.items()}
    encoded = cells.dictionary_encode() if not isinstance(cells, pa.ChunkedArray) else cells.combine_chunks().dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    replaced = pa.array([lookup.get(normalise_token(v), v) if v is not None else None for v in distinct], pa.string())
    return replaced.take(encoded.indices)


class _Dates:
    """Each source column read as dates once (by the importer's date parser), with its bad cells."""

    def __init__(self, text: TextTable, limits: ImportLimits, date_order: str | None) -> None:
        self.text = text
        self.limits = limits
        self.order = _order(date_order)
        self.read: dict[int, tuple[np.ndarray, list]] = {}

    def __call__(self, position: int) -> np.ndarray:
        if position not in self.read:
            cells = self.text.table[f"c{position}"]
            result = parse_column(cells, Column(f"c{position}", "", "date"), self.limits, **self.order)
            self.read[position] = (np.asarray(result.values.to_numpy(zero_copy_only=False), dtype="datetime64[D]"),
                                   result.issues)
        return self.read[position][0]


def apply_mapping(
    file_name: str, headers: list[str], text: TextTable, mapping: FileMapping, *,
    as_of: dt.date | None, limits: ImportLimits, date_order: str | None = None, header_row: int = 1,
) -> Applied:
    """The contract-shaped text of one file (see the module docstring)."""
    kind = KINDS[mapping.kind]
    length = text.table.num_rows
    dates = _Dates(text, limits, date_order)
    arrays: list[pa.Array] = []
    columns: list[Column] = []
    shown: list[str] = []
    fed: list[tuple[str, str | None]] = []
    problems: list[Problem] = []
    issues: list[CellIssue] = []
    used: set[int] = set()
    reported: set[str] = set()  # columns whose missing source header is reported already
    date_sources: set[int] = set()  # read as dates for a derived field: their bad cells are reported here
    for name, rule in mapping.columns:
        column = kind.column(name)
        rule = _resolved(rule, column, headers)
        positions = [find_header(headers, h) for h in rule.headers]
        missing = [h for h, p in zip(rule.headers, positions, strict=True) if p is None]
        if missing:
            problems += [Problem(file_name, header_row, h, None, "mapping_header_missing", {"column_name": name, "header": h}) for h in missing]
            reported.add(name)
            continue
        used.update(p for p in positions if p is not None)
        if isinstance(rule, Source):
            (position,) = positions
            value_map = mapping.value_map(name)
            cells = map_values(text.table[f"c{position}"], value_map)
            if column.type == "month":  # the column's dates, read once for every rule that uses them
                days = _Dates(TextTable(pa.table({"c0": cells}), text.row_numbers), limits, date_order)(0) if value_map \
                    else dates(position)
                cells = _months_from_dates(cells, days)
            arrays.append(cells)
            shown.append(headers[position])
            fed.append((headers[position], name))
        elif isinstance(rule, Constant):
            arrays.append(_constant_array(rule.value, length))
            shown.append(name)
            fed.append((f"= {rule.value}", name))
        elif isinstance(rule, MonthsBetween):
            start, finish = (dates(p) for p in positions)
            date_sources.update(positions)
            durations = duration_months(start, finish)
            values = pa.array(durations.months, mask=~durations.known, type=pa.int64())
            arrays.append(pc.fill_null(pc.cast(values, pa.string()), ""))
            backwards = np.flatnonzero(durations.backwards)
            if len(backwards):
                finish_header = headers[positions[1]]
                params = {"start": headers[positions[0]], "finish": finish_header}
                issues.append((finish_header, backwards, "mapped_finish_before_start", WARNING, params,
                               text.table[f"c{positions[1]}"]))
            shown.append(name)
            fed.append((f"{headers[positions[0]]} → {headers[positions[1]]}", name))
        else:  # FromDates
            by_name = dict(zip(rule.headers, positions, strict=True))
            none = np.full(length, np.datetime64("NaT"), dtype="datetime64[D]")
            start = dates(by_name[rule.start]) if rule.start is not None else none
            finish = dates(by_name[rule.finish]) if rule.finish is not None else none
            date_sources.update(p for p in positions if p is not None)
            arrays.append(pa.array(status_from_dates(start, finish, as_of or dt.date.today()), pa.string()))
            shown.append(name)
            fed.append((" / ".join(headers[p] for p in positions if p is not None), name))
        columns.append(column)
    for position in sorted(date_sources):
        for code, bad, severity, params in dates.read[position][1]:
            issues.append((headers[position], bad, code, severity, params, text.table[f"c{position}"]))
    mapped = {c.name for c in columns}
    for column in kind.required:
        if column.name not in mapped and column.name not in reported:
            problems.append(Problem(file_name, header_row, None, None, "missing_column", {"column_name": column.name, "alias": column.zh}))
    fed += [(h, None) for i, h in enumerate(headers) if i not in used and h.strip()]
    table = pa.table({f"c{i}": a for i, a in enumerate(arrays)}) if arrays else pa.table({})
    match = HeaderMatch(kind, shown, list(columns), [])
    return Applied(match, TextTable(table, text.row_numbers, []), tuple(fed), problems, issues)


def _resolved(rule: Rule, column: Column, headers: list[str]) -> Rule:
    """A plain text that is no header of the file but is a value of an enum column is a constant
    (`status = "proposed"`, or `status = proposed` as the issue writes it)."""
    if isinstance(rule, Source) and column.type == "enum" and find_header(headers, rule.header) is None:
        canonical = enum_lookup(column.name).get(normalise_token(rule.header))
        if canonical is not None:
            return Constant(canonical)
    return rule


def _order(date_order: str | None) -> dict[str, str]:
    """The day-first / month-first choice for the date parser, when one was made."""
    return {"date_order": date_order} if date_order else {}


def _months_from_dates(cells: pa.Array, days: np.ndarray) -> pa.Array:
    """Cells that are full dates or timestamps (`days`, NaT where not) become their month (`YYYY-MM`);
    the rest stay as written for the month parser (which reads `2026-03` and reports what it cannot).
    Each distinct month is written once."""
    known = ~np.isnat(days)
    if not known.any():
        return cells
    months = pa.array(days.astype("datetime64[M]").astype("datetime64[D]"), pa.date32()).dictionary_encode()
    texts = pa.array([f"{d.year:04d}-{d.month:02d}" if d is not None else None for d in months.dictionary.to_pylist()],
                     pa.string())
    return pc.if_else(pa.array(known), texts.take(months.indices), cells)

