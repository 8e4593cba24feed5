"""Checks across rows and files, after every cell has been parsed.

Errors: duplicate keys (a project id twice, capacity for the same role and month twice, ...),
references to a project or objective that is not in the import, a file whose references need a
file that is missing, unknown or self dependencies, dependency cycles, latest start before start,
a spend-profile month at or after the project's duration, an all-zero spend profile for a project
with a budget. Warnings (suspicious but usable): an open project with no demand rows or no scores,
an objective nobody scored, demand after a project's last month, demand for a role without capacity,
more milestones met than due, status reports dated after the snapshot's as-of date, partial weights,
a spend profile whose total differs from the budget by more than PROFILE_TOLERANCE (used as shares).

Rows whose key cells were already unreadable are left out here (their cell problem is reported), and
so is every check that needs a column a file lacks (the missing required column is reported already).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from store.contract import Kind
from store.import_problems import VARYING_PARAMS, GroupKey, ProblemGroup, ProblemSpill, SpillFile
from store.import_types import ERROR, WARNING, Problem

ROW = "__row"  # the record number column carried next to the typed columns
OPEN_STATUSES = ("proposed", "approved", "active", "on_hold")
# A spend profile whose total is within this share of the budget is taken as the budget typed as amounts.
PROFILE_TOLERANCE = 0.005
SHOWN_CHARS = 200  # characters of a cell value shown in a problem
# Problems of a header row (its row is the header's, which may be below title rows): about a whole file.
HEADER_CODES = frozenset({"too_many_columns", "unknown_kind", "unknown_kind_named", "duplicate_column", "missing_column"})
SPILL_CHUNK = 65_536  # problems beyond the listed ones are written this many at a time
TEXT_CHUNK = 1 << 20  # rows of typed values written back as text at a time (CellText)


def as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Typed values written back as text the way Arrow casts them (2026-03-01, 12, 0.5, green); "" for null."""
    values = _combine(values)
    text = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
    return pc.fill_null(text, "") if text.null_count else text  # no copy of a column without a null


@dataclass(frozen=True)
class CellText:
    """A column's cells as written, kept small: the typed values read back as text (`as_text`), except at
    `positions` (sorted), whose own text is kept in `texts`; with `positions` None every cell's text is.

    A clean column (every cell reads back the same: `P001`, `2026-03-01`, `0.5`) costs nothing beyond its
    typed values; only the cells written otherwise (`1,200`, `2026年3月1日`, ` P001`, a bad value) are held.
    """

    typed: pa.Array | pa.ChunkedArray
    positions: np.ndarray | None
    texts: pa.Array

    @classmethod
    def of(cls, cells: pa.Array | pa.ChunkedArray, typed: pa.Array | pa.ChunkedArray) -> CellText:
        cells = _combine(cells)
        same = np.zeros(len(cells), dtype=bool)
        try:
            for start in range(0, len(cells), TEXT_CHUNK):  # the typed values as text, a chunk at a time
                part = pc.equal(cells.slice(start, TEXT_CHUNK), as_text(typed.slice(start, TEXT_CHUNK)))
                same[start : start + TEXT_CHUNK] = np.asarray(pc.fill_null(part, False).to_numpy(zero_copy_only=False))
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # a type with no text cast (lists): keep every cell
            same[:] = False
        differ = np.flatnonzero(~same)
        if len(differ) * 2 > len(cells):
            return cls(typed, None, _smallest(cells))
        return cls(typed, differ, cells.take(pa.array(differ)))

    def take(self, indices: pa.Array) -> pa.Array:
        """The cells at `indices`, as text."""
        if self.positions is None:
            taken = self.texts.take(indices)
            return taken.dictionary_decode() if pa.types.is_dictionary(taken.type) else taken
        wanted = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        text = as_text(self.typed.take(indices))
        if not len(self.positions):
            return text
        where = np.minimum(np.searchsorted(self.positions, wanted), len(self.positions) - 1)
        own = self.positions[where] == wanted
        if not own.any():
            return text
        return pc.replace_with_mask(text, pa.array(own), self.texts.take(pa.array(where[own])))


def _smallest(cells: pa.Array) -> pa.Array:
    """The cells dictionary-encoded when few distinct values repeat (a column of status words), else as they are."""
    encoded = cells.dictionary_encode()
    return encoded if encoded.nbytes < cells.nbytes else cells


@dataclass
class ParsedFile:
    """One file after cell parsing: typed canonical columns plus ROW, and the headers as written."""

    name: str
    kind: Kind
    table: pa.Table
    headers: dict[str, str]  # canonical column -> header as written in the file
    raw: dict[str, CellText | pa.Array] = field(default_factory=dict)  # canonical column -> cells as written

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def has(self, column: str) -> bool:
        return column in self.table.column_names

    def numpy(self, column: str) -> np.ndarray:
        return np.asarray(self.table[column].to_numpy(zero_copy_only=False))


class Collector:
    """Collects the problems of one import: every occurrence counted, the first `limit` of each group
    (severity x file x column x code) listed, the rest written to `spill` (store.import_problems).

    Problems may also be appended to `problems` directly; `finish` counts, lists and spills them the
    same way. `error_rows` holds, per file, the row numbers of every row-level error (all of them,
    not only the listed ones): what a partial import leaves out.
    """

    def __init__(self, limit: int, spill: ProblemSpill | None = None, errors_only: bool = False) -> None:
        self.limit = limit
        self.spill = spill
        self.errors_only = errors_only  # warnings are neither counted nor listed (a partial import's re-check)
        self.problems: list[Problem] = []
        self.error_rows: dict[str, list[np.ndarray]] = {}
        self._listed: list[Problem] = []
        self._shown: dict[GroupKey, int] = {}
        self._total: dict[GroupKey, int] = {}
        self._first: dict[GroupKey, dict[str, Any]] = {}
        self._more: dict[GroupKey, dict[str, Any]] = {}

    def emit(
        self,
        file: str | None,
        rows: np.ndarray,
        column: str | None,
        code: str,
        severity: str,
        params: dict[str, Any],
        values: Callable[[slice], list[str | None]] | None = None,
        row_params: Callable[[slice], list[dict[str, Any]]] | None = None,
    ) -> None:
        """Problems for `rows` (row numbers) of one group; `values(part)` / `row_params(part)` give the
        shown value and the per-row parameters of a slice of them, asked for only where needed."""
        count = len(rows)
        if not count or (self.errors_only and severity != ERROR):
            return
        key = (severity, file, column, code)
        self._total[key] = self._total.get(key, 0) + count
        if key not in self._first:  # the group's text: row-by-row parameters of its first row
            self._first[key] = {**params, **(row_params(slice(0, 1))[0] if row_params else {})}
        if severity == ERROR and file is not None:
            self.error_rows.setdefault(file, []).append(np.asarray(rows, dtype=np.int64))
        room = max(self.limit - self._shown.get(key, 0), 0)
        listed = slice(0, min(room, count))
        if listed.stop:
            self._shown[key] = self._shown.get(key, 0) + listed.stop
            shown_values = values(listed) if values else [None] * listed.stop
            if isinstance(shown_values, pa.Array):
                shown_values = shown_values.to_pylist()
            extras = row_params(listed) if row_params else [{}] * listed.stop
            for row, value, extra in zip(np.asarray(rows[listed]).tolist(), shown_values, extras, strict=True):
                self._listed.append(Problem(file, int(row), column, value, code, {**params, **extra}, severity))
        if listed.stop == count:
            return
        rest = slice(listed.stop, count)
        first_extra = row_params(slice(rest.start, rest.start + 1))[0] if row_params else {}
        self._more.setdefault(key, {**params, **first_extra})
        if self.spill is None:
            return
        template = Problem(file, None, column, None, code, dict(params), severity)
        for start in range(rest.start, count, SPILL_CHUNK):  # a chunk of values in memory at a time
            part = slice(start, min(start + SPILL_CHUNK, count))
            self.spill.write(template, np.asarray(rows[part]), values(part) if values else [None] * (part.stop - start),
                             row_params(part) if row_params else None)

    def rows(
        self,
        parsed: ParsedFile,
        mask: np.ndarray,
        column: str | None,
        code: str,
        severity: str = ERROR,
        source: pa.Array | pa.ChunkedArray | None = None,
        **params: Any,
    ) -> None:
        """One problem per selected row (`mask` is a boolean mask or an array of positions).

        The value shown is the cell of `source` (the raw text, for cell problems) or else of the
        typed column.
        """
        positions = np.flatnonzero(mask) if mask.dtype == bool else np.asarray(mask)
        if not len(positions):
            return
        if source is None and column is not None:
            source = parsed.raw.get(column, parsed.table[column] if parsed.has(column) else None)
        cells = source

        def values(part: slice) -> list[str | None] | pa.Array:
            if cells is None:
                return [None] * len(positions[part])
            taken = cells.take(pa.array(positions[part]))
            if pa.types.is_string(taken.type) or pa.types.is_large_string(taken.type):
                return _short_texts(_combine(taken))  # the raw cells: cut in Arrow, not one by one
            return [_text(v) for v in taken.to_pylist()]

        header = parsed.header(column) if column else None
        self.emit(parsed.name, parsed.numpy(ROW)[positions], header, code, severity, dict(params), values)

    def file(self, parsed: ParsedFile, code: str, severity: str = ERROR, **params: Any) -> None:
        self.problems.append(Problem(parsed.name, None, None, None, code, params, severity))

    def finish(self) -> tuple[list[Problem], tuple[ProblemGroup, ...], SpillFile | None]:
        """The listed problems (with one "… and N more rows" line per group that has more), every
        group with its exact total, and the spill file of the rest."""
        appended, self.problems = self.problems, []
        for problem in appended:
            if problem.code == "more_rows":  # counted by a reader that kept only the first ones
                inner = str(problem.params.get("inner", ""))
                key = (problem.severity, problem.file, problem.column, inner)
                self._total[key] = self._total.get(key, 0) + int(problem.params.get("count", 0))
                self._more.setdefault(key, {k: v for k, v in problem.params.items() if k not in ("count", "inner")})
                continue
            rows = np.array([problem.row if problem.row is not None else -1], dtype=np.int64)
            if problem.row is None or problem.row <= 1 or problem.file is None or problem.code in HEADER_CODES:
                key = (problem.severity, problem.file, problem.column, problem.code)
                self._total[key] = self._total.get(key, 0) + 1
                self._shown[key] = self._shown.get(key, 0) + 1
                self._first.setdefault(key, dict(problem.params))
                self._listed.append(problem)
                continue
            value = problem.value
            self.emit(problem.file, rows, problem.column, problem.code, problem.severity, {},
                      lambda part, v=value: [v][part], lambda part, p=problem.params: [dict(p)][part])
        listed = list(self._listed)
        for key, total in self._total.items():
            shown = self._shown.get(key, 0)
            if total > shown:
                severity, file, column, code = key
                params = {k: ("…" if k in VARYING_PARAMS else v) for k, v in self._more.get(key, {}).items()}
                listed.append(Problem(file, None, column, None, "more_rows",
                                      {**params, "count": total - shown, "inner": code}, severity))
        groups = tuple(ProblemGroup(key[0], key[1], key[2], key[3], total, self._shown.get(key, 0),
                                    _group_params(self._first.get(key, {}), total))
                       for key, total in self._total.items())
        spill = self.spill.close() if self.spill is not None else None
        return listed, groups, spill

    def refused_rows(self) -> dict[str, np.ndarray]:
        """Per file, the sorted row numbers of every row with at least one error."""
        return {name: _sorted_unique(np.concatenate(parts)) for name, parts in self.error_rows.items() if parts}


def _sorted_unique(rows: np.ndarray) -> np.ndarray:
    """np.unique by sorting (its hash path took seconds on a million rows)."""
    rows = np.sort(rows)
    return rows[np.r_[True, rows[1:] != rows[:-1]]] if len(rows) else rows


def _short_texts(cells: pa.Array) -> pa.Array:
    """`_text` of every cell of a text array at once: empty for a missing cell, cut to SHOWN_CHARS with "…"."""
    cells = pc.fill_null(cells, "")
    cut = pc.utf8_slice_codeunits(cells, 0, SHOWN_CHARS)
    long = pc.greater(pc.utf8_length(cells), SHOWN_CHARS)
    return pc.if_else(long, pc.binary_join_element_wise(cut, pa.scalar("…"), ""), cut)


def _group_params(params: dict[str, Any], total: int) -> dict[str, Any]:
    """Parameters for a group's one text: those that differ row by row shown as "…" when it has several rows."""
    return params if total == 1 else {k: ("…" if k in VARYING_PARAMS else v) for k, v in params.items()}


def _text(value: Any, column_type: str = "") -> str:
    """A value as the report shows it; long text cut to SHOWN_CHARS (a 1 MB cell is not copied into every report)."""
    text = _plain_text(value, column_type)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _plain_text(value: Any, column_type: str = "") -> str:
    if value is None:
        return ""
    if column_type == "month" and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _valid(parsed: ParsedFile, columns: tuple[str, ...]) -> np.ndarray:
    mask = np.ones(parsed.table.num_rows, dtype=bool)
    for column in columns:
        mask &= ~np.asarray(parsed.table[column].is_null().to_numpy(zero_copy_only=False), dtype=bool)
    return mask


def _key_codes(parsed: ParsedFile, key: tuple[str, ...], valid: np.ndarray) -> np.ndarray | None:
    """One integer per valid row that is equal exactly when the key values are (mixed-radix codes):
    int32 when every combination fits (half the memory of int64 on a ten-million-row file)."""
    everything = bool(valid.all())  # then no filtered copy of the key columns
    parts: list[tuple[np.ndarray, int]] = []
    radix_total = 1
    for column in key:
        values = _combine(parsed.table[column] if everything else parsed.table[column].filter(pa.array(valid)))
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            encoded = values.dictionary_encode()
            codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
            radix = len(encoded.dictionary)
        else:
            if pa.types.is_date32(values.type):
                values = values.cast(pa.int32())  # days since 1970
            numbers = np.asarray(pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False))
            low = int(numbers.min()) if len(numbers) else 0
            radix = int(numbers.max()) - low + 1 if len(numbers) else 1
            # Shifted to start at 0 straight into the smallest type (no int64 copy when int32 holds them).
            codes = np.subtract(numbers, low, dtype=np.int32 if radix < 2**31 else np.int64, casting="unsafe")
            del numbers
        del values
        radix_total *= max(radix, 1)
        if radix_total >= 2**62:
            return None
        parts.append((codes, max(radix, 1)))
    combined = np.zeros(int(valid.sum()), dtype=np.int32 if radix_total < 2**31 else np.int64)
    while parts:
        codes, radix = parts.pop(0)
        combined *= radix
        combined += codes.astype(combined.dtype, copy=False)
        del codes
    return combined


def _combine(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One array; a single chunk as it is (`combine_chunks` copies even one chunk)."""
    if not isinstance(array, pa.ChunkedArray):
        return array
    return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()


def _repeats(codes: np.ndarray) -> np.ndarray:
    """True where a code occurred at an earlier position (pandas' `duplicated(keep="first")`), by a stable
    sort rather than a hash table: a few arrays of the codes' size, on ten million rows too. Most files
    repeat no key: one sorted copy says so."""
    ordered = np.sort(codes)
    if not (ordered[1:] == ordered[:-1]).any():
        return np.zeros(len(codes), dtype=bool)
    del ordered
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    repeated = np.zeros(len(codes), dtype=bool)
    repeated[order[1:][ordered[1:] == ordered[:-1]]] = True
    return repeated


def check_duplicates(parsed: ParsedFile, out: Collector) -> None:
    """Every row that repeats the key of an earlier row, naming that earlier row."""
    key = parsed.kind.key
    if not all(parsed.has(c) for c in key) or parsed.table.num_rows == 0:
        return
    valid = _valid(parsed, key)
    codes = _key_codes(parsed, key, valid)
    if codes is None:  # too many distinct values to pack in one integer: hash the columns instead
        frame = parsed.table.filter(pa.array(valid)).select(list(key)).to_pandas()
        codes = pd.util.hash_pandas_object(frame, index=False).to_numpy().astype(np.int64)
    repeated = _repeats(codes)
    if not repeated.any():
        return
    positions = np.flatnonzero(valid)
    rows = parsed.numpy(ROW)[positions]
    first_rows = pd.Series(rows).groupby(codes).transform("min").to_numpy()
    later = np.flatnonzero(repeated)
    later = later[np.argsort(rows[later], kind="stable")]
    code = "duplicate_id" if len(key) == 1 else "duplicate_key"
    key_headers = ", ".join(parsed.header(c) for c in key)

    def values(part: slice) -> list[str | None]:
        shown = parsed.table.select(list(key)).take(pa.array(positions[later[part]])).to_pylist()
        return [" · ".join(_text(record[c], parsed.kind.column(c).type) for c in key) for record in shown]

    def row_params(part: slice) -> list[dict[str, Any]]:
        return [{"first_row": int(first)} for first in first_rows[later[part]].tolist()]

    out.emit(parsed.name, rows[later], parsed.header(key[0]), code, ERROR, {"key": key_headers}, values, row_params)


def check_references(files: dict[str, ParsedFile], out: Collector) -> None:
    for parsed in files.values():
        for ref in parsed.kind.references:
            if not parsed.has(ref.column):
                continue
            target = files.get(ref.target)
            if target is None:
                out.file(parsed, "needs_kind", kind=ref.target)
                continue
            if not target.has(ref.target_column):
                continue
            known = pc.drop_null(target.table[ref.target_column]).unique()
            values = parsed.table[ref.column]
            unknown = pc.and_(pc.invert(pc.is_in(values, value_set=known)), pc.is_valid(values))
            mask = np.asarray(unknown.to_numpy(zero_copy_only=False), dtype=bool)
            out.rows(parsed, mask, ref.column, ref.code)


def check_dependencies(projects: ParsedFile, out: Collector) -> None:
    """Unknown and self dependencies, latest start before start, and dependency cycles."""
    if projects.has("latest_start_month") and projects.has("start_month"):
        early = pc.less(projects.table["latest_start_month"], projects.table["start_month"])
        mask = np.asarray(pc.fill_null(early, False).to_numpy(zero_copy_only=False), dtype=bool)
        out.rows(projects, mask, "latest_start_month", "latest_before_start")
    if not projects.has("depends_on") or not projects.has("project_id"):
        return
    ids = projects.table["project_id"].to_pylist()
    rows = projects.numpy(ROW).tolist()
    known = {pid for pid in ids if pid is not None}
    graph: dict[str, list[str]] = {}
    header = projects.header("depends_on")
    for pid, row, deps in zip(ids, rows, projects.table["depends_on"].to_pylist(), strict=True):
        for dep in deps or []:
            if dep == pid:
                out.problems.append(Problem(projects.name, row, header, dep, "self_dependency"))
            elif dep not in known:
                out.problems.append(Problem(projects.name, row, header, dep, "unknown_dependency"))
            elif pid is not None:
                graph.setdefault(pid, []).append(dep)
    first_row = {pid: row for pid, row in zip(ids, rows, strict=True) if pid is not None}
    for cycle in find_cycles(graph):
        row = min(first_row[p] for p in cycle)
        path = " → ".join([*cycle, cycle[0]])
        out.problems.append(Problem(projects.name, row, header, path, "dependency_cycle", {"path": path}))


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle (as a node path) per strongly connected group of two or more nodes (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph.get(node, [])
            if child < len(successors):
                work.append((node, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return [_cycle_in(graph, set(group)) for group in groups]


def _cycle_in(graph: dict[str, list[str]], group: set[str]) -> list[str]:
    """A simple cycle through the smallest id of a strongly connected group (breadth-first search)."""
    start = min(group)
    parents: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in graph.get(node, []):
            if nxt not in group:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return list(reversed(path))
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return sorted(group)


def check_warnings(files: dict[str, ParsedFile], as_of: dt.date | None, out: Collector) -> None:
    projects = files.get("projects")
    demand = files.get("demand")
    scores = files.get("project_scores")
    if projects is not None and projects.has("status") and projects.has("project_id"):
        open_mask = np.asarray(
            pc.fill_null(pc.is_in(projects.table["status"], value_set=pa.array(OPEN_STATUSES)), False)
            .to_numpy(zero_copy_only=False),
            dtype=bool,
        )
        for other, code in ((demand, "no_demand"), (scores, "no_scores")):
            # Without the file, no open project has any row of it: each is named all the same.
            if other is None:
                out.rows(projects, open_mask, "project_id", code, severity=WARNING)
            elif other.has("project_id"):
                present = pc.is_in(projects.table["project_id"], value_set=pc.drop_null(other.table["project_id"]).unique())
                missing = ~np.asarray(pc.fill_null(present, True).to_numpy(zero_copy_only=False), dtype=bool)
                out.rows(projects, open_mask & missing, "project_id", code, severity=WARNING)
    if projects is not None and demand is not None:
        _demand_after_end(projects, demand, out)
    _objectives_unscored(files, out)
    _plausibility(files, out)
    _roles_without_capacity(files, out)
    _status_warnings(files.get("status_reports"), as_of, out)
    _weights(files.get("objectives"), out)


def _demand_after_end(projects: ParsedFile, demand: ParsedFile, out: Collector) -> None:
    needed = projects.has("project_id") and projects.has("duration_months")
    if not (needed and demand.has("month_offset") and demand.has("project_id")):
        return
    # In Arrow, a chunk of rows at a time: a Python object per cell of a nine-million-row demand file
    # took 0.75 GB, and even Arrow's whole-column index and durations 0.12 GB.
    late = np.zeros(demand.table.num_rows, dtype=bool)
    for start in range(0, demand.table.num_rows, TEXT_CHUNK):
        part = demand.table.slice(start, TEXT_CHUNK)
        duration = _by_project(projects, "duration_months", part["project_id"], last=True)
        late[start : start + part.num_rows] = _mask(pc.fill_null(pc.greater_equal(part["month_offset"], duration), False))
    out.rows(demand, late, "month_offset", "demand_after_end", severity=WARNING)


def _objectives_unscored(files: dict[str, ParsedFile], out: Collector) -> None:
    objectives, scores = files.get("objectives"), files.get("project_scores")
    if objectives is None or scores is None or not (scores.has("objective_id") and objectives.has("objective_id")):
        return
    present = pc.is_in(objectives.table["objective_id"], value_set=pc.drop_null(scores.table["objective_id"]).unique())
    mask = ~np.asarray(pc.fill_null(present, True).to_numpy(zero_copy_only=False), dtype=bool)
    out.rows(objectives, mask, "objective_id", "objective_unscored", severity=WARNING)


def _roles_without_capacity(files: dict[str, ParsedFile], out: Collector) -> None:
    capacity, demand = files.get("capacity"), files.get("demand")
    if capacity is None or demand is None or not (capacity.has("role") and demand.has("role")):
        return
    present = pc.is_in(demand.table["role"], value_set=pc.drop_null(capacity.table["role"]).unique())
    mask = ~np.asarray(pc.fill_null(present, True).to_numpy(zero_copy_only=False), dtype=bool)
    out.rows(demand, mask, "role", "role_without_capacity", severity=WARNING)


def _status_warnings(status: ParsedFile | None, as_of: dt.date | None, out: Collector) -> None:
    if status is None:
        return
    if status.has("milestones_met") and status.has("milestones_due"):
        more = pc.fill_null(pc.greater(status.table["milestones_met"], status.table["milestones_due"]), False)
        out.rows(status, np.asarray(more.to_numpy(zero_copy_only=False), dtype=bool), "milestones_met",
                 "milestones_met_exceed_due", severity=WARNING)
    if as_of is not None and status.has("report_date"):
        late = pc.fill_null(pc.greater(status.table["report_date"], pa.scalar(as_of, pa.date32())), False)
        out.rows(status, np.asarray(late.to_numpy(zero_copy_only=False), dtype=bool), "report_date",
                 "report_after_as_of", severity=WARNING, as_of=as_of.isoformat())


def _weights(objectives: ParsedFile | None, out: Collector) -> None:
    if objectives is None or not objectives.has("weight") or objectives.table.num_rows == 0:
        return
    missing = objectives.table["weight"].null_count
    if 0 < missing < objectives.table.num_rows:
        out.file(objectives, "weights_partial", WARNING, count=missing)
    elif missing == 0 and pc.sum(objectives.table["weight"]).as_py() == 0:
        out.file(objectives, "weights_zero", WARNING)


def check_spend_profile(projects: ParsedFile, profile: ParsedFile, out: Collector) -> None:
    """Months beyond the project's duration; per project, an all-zero profile (error when the budget is
    above 0) or a total that is not the budget (warning: the profile is then used as shares).

    Rows naming an unknown project, or whose cells were unreadable, are left out here (reported already).
    """
    needed = ("project_id", "month_offset", "planned_spend")
    if not all(profile.has(c) for c in needed) or not all(projects.has(c) for c in ("project_id", "duration_months", "budget")):
        return
    known = {pid: (duration, budget) for pid, duration, budget in zip(
        projects.table["project_id"].to_pylist(), projects.table["duration_months"].to_pylist(),
        projects.table["budget"].to_pylist(), strict=True) if pid is not None}
    ids = profile.table["project_id"].to_pylist()
    offsets = profile.table["month_offset"].to_pylist()
    duration = [known.get(pid, (None, None))[0] for pid in ids]
    late = np.array([o is not None and d is not None and o >= d for o, d in zip(offsets, duration, strict=True)], dtype=bool)
    if late.any():
        # The message names each row's own duration, so rows are reported one duration at a time.
        for months in sorted({d for d, bad in zip(duration, late, strict=True) if bad}):
            mask = late & np.array([d == months for d in duration], dtype=bool)
            out.rows(profile, mask, "month_offset", "profile_after_end", duration=months, last=months - 1)
    frame = pd.DataFrame({"project_id": ids, "spend": profile.table["planned_spend"].to_pylist(),
                          "position": np.arange(len(ids))})
    frame = frame[frame["project_id"].isin(list(known)) & frame["spend"].notna() & ~late]
    if frame.empty:
        return
    grouped = frame.groupby("project_id", sort=False).agg(total=("spend", "sum"), first=("position", "min"))
    for pid, total, first in zip(grouped.index, grouped["total"], grouped["first"], strict=True):
        budget = known[pid][1]
        if budget is None:
            continue
        at = np.array([int(first)])
        if total <= 0 and budget > 0:
            out.rows(profile, at, "planned_spend", "profile_all_zero", project=pid, budget=_amount(budget))
        elif total > 0 and abs(total - budget) > PROFILE_TOLERANCE * budget:
            out.rows(profile, at, "planned_spend", "profile_total_differs", severity=WARNING, project=pid,
                     total=_amount(total), budget=_amount(budget))


def _amount(value: float) -> str:
    """1200.0 -> '1,200'; 450.5 -> '450.5' (at most two decimals)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# Plausibility (warnings): an actual cost this many times its planned figure, or below its inverse.
COST_RATIO = 10.0
LONGEST_MONTHS = 240  # a duration over 20 years


def _plausibility(files: dict[str, ParsedFile], out: Collector) -> None:
    """Values that are allowed but rarely true: a project over 20 years, an actual cost 10 times its
    planned figure (or below a tenth of it), a forecast finish before the project's start."""
    projects, status = files.get("projects"), files.get("status_reports")
    if projects is not None and projects.has("duration_months"):
        long = pc.fill_null(pc.greater(projects.table["duration_months"], LONGEST_MONTHS), False)
        out.rows(projects, _mask(long), "duration_months", "duration_over_20_years", severity=WARNING,
                 months=LONGEST_MONTHS)
    if status is None or not status.has("project_id"):
        return
    ids = status.table["project_id"]
    if status.has("actual_cost"):
        _cost_ratio(status, _by_project(projects, "budget", ids), out)
    starts = _by_project(projects, "start_month", ids)
    if status.has("forecast_finish") and starts is not None:
        early = _mask(pc.fill_null(pc.less(status.table["forecast_finish"], starts), False))
        positions = np.flatnonzero(early)
        if not len(positions):
            return
        start_days = np.asarray(starts.take(pa.array(positions)).cast(pa.int32()).to_numpy(zero_copy_only=False))
        for day in np.unique(start_days):  # the message names each row's start month
            month = (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).strftime("%Y-%m")
            out.rows(status, positions[start_days == day], "forecast_finish", "finish_before_start", severity=WARNING,
                     start=month)


def _by_project(projects: ParsedFile | None, column: str, ids: pa.ChunkedArray | pa.Array,
                last: bool = False) -> pa.Array | None:
    """For each id, `column` of the first (with `last`: the last) project row with that id (null when
    there is none)."""
    if projects is None or not (projects.has("project_id") and projects.has(column)):
        return None
    keys, values = _combine(projects.table["project_id"]), _combine(projects.table[column])
    if last:
        backwards = pa.array(np.arange(len(keys) - 1, -1, -1, dtype=np.int64))
        keys, values = keys.take(backwards), values.take(backwards)
    index = pc.index_in(ids, value_set=keys)  # the first match
    return values.take(_combine(index))


def _cost_ratio(status: ParsedFile, budgets: pa.Array | None, out: Collector) -> None:
    """Actual cost against the planned figure: the report's planned value when above 0 (planned spend
    to date: more than 10 times or below a tenth is implausible), else the project's budget (only
    more than 10 times: an early report's cost is rightly a small part of the budget)."""
    cost = _floats(status.table["actual_cost"])
    planned = _floats(status.table["planned_value"]) if status.has("planned_value") else np.full(len(cost), np.nan)
    budget = np.full(len(cost), np.nan) if budgets is None else _floats(budgets)
    with np.errstate(invalid="ignore"):
        by_plan = planned > 0
        by_budget = ~by_plan & (budget > 0)
        found = {
            "cost_over_10x": (by_plan & (cost > COST_RATIO * planned), planned),
            "cost_under_tenth": (by_plan & (cost < planned / COST_RATIO), planned),
            "cost_over_10x_budget": (by_budget & (cost > COST_RATIO * budget), budget),
        }
    for code, (mask, basis) in found.items():
        positions = np.flatnonzero(mask)
        if len(positions):
            _emit_cost(status, code, positions, basis[positions], out)


def _floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _emit_cost(status: ParsedFile, code: str, positions: np.ndarray, planned: np.ndarray, out: Collector) -> None:
    def values(part: slice) -> list[str | None]:
        return [_text(v) for v in status.table["actual_cost"].take(pa.array(positions[part])).to_pylist()]

    def row_params(part: slice) -> list[dict[str, Any]]:
        return [{"planned": _amount(float(x))} for x in planned[part]]

    out.emit(status.name, status.numpy(ROW)[positions], status.header("actual_cost"), code, WARNING,
             {"ratio": int(COST_RATIO)}, values, row_params)


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def run_checks(files: dict[str, ParsedFile], as_of: dt.date | None, out: Collector, warnings: bool = True) -> None:
    """Every cross-row and cross-file problem of one import, into `out` (errors only without `warnings`)."""
    for parsed in files.values():
        check_duplicates(parsed, out)
    check_references(files, out)
    if "projects" in files:
        check_dependencies(files["projects"], out)
    if "projects" in files and "spend_profile" in files:
        check_spend_profile(files["projects"], files["spend_profile"], out)
    if warnings:
        check_warnings(files, as_of, out)


def validate(files: dict[str, ParsedFile], as_of: dt.date | None, limit: int) -> list[Problem]:
    """Every cross-row and cross-file problem of one import (the first `limit` of each, then a count)."""
    out = Collector(limit)
    run_checks(files, as_of, out)
    return out.finish()[0]


def latest_date(files: dict[str, ParsedFile]) -> dt.date | None:
    """The as-of date the files suggest: the latest status report date, else the last day of the
    latest process-KPI month; None when neither is present."""
    status = files.get("status_reports")
    if status is not None and status.has("report_date") and status.table["report_date"].null_count < status.table.num_rows:
        return pc.max(status.table["report_date"]).as_py()
    kpis = files.get("process_kpis")
    if kpis is not None and kpis.has("month") and kpis.table["month"].null_count < kpis.table.num_rows:
        month = pc.max(kpis.table["month"]).as_py()
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return None



def check_gate_approvals(projects: ParsedFile | None, approved_at_gate: frozenset[str], out: Collector) -> None:
    """Warn for each project the gate approved (`store.gate.approved_at_gate`) that the file still lists as
    proposed: the decision has not reached the source system yet (issue 20; called by `store.gate`)."""
    if projects is None or not approved_at_gate or not (projects.has("project_id") and projects.has("status")):
        return
    approved = pc.fill_null(pc.is_in(projects.table["project_id"], value_set=pa.array(sorted(approved_at_gate))), False)
    proposed = pc.fill_null(pc.equal(projects.table["status"], "proposed"), False)
    mask = np.asarray(pc.and_(approved, proposed).to_numpy(zero_copy_only=False), dtype=bool)
    out.rows(projects, mask, "status", "gate_still_proposed", severity=WARNING)
