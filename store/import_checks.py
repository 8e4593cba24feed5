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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from store.contract import Kind
from store.import_types import ERROR, WARNING, Problem

ROW = "__row"  # the record number column carried next to the typed columns
OPEN_STATUSES = ("proposed", "approved", "active", "on_hold")
# A spend profile whose total is within this share of the budget is taken as the budget typed as amounts.
PROFILE_TOLERANCE = 0.005
SHOWN_CHARS = 200  # characters of a cell value shown in a problem


@dataclass
class ParsedFile:
    """One file after cell parsing: typed canonical columns plus ROW, and the headers as written."""

    name: str
    kind: Kind
    table: pa.Table
    headers: dict[str, str]  # canonical column -> header as written in the file
    raw: dict[str, pa.Array] = field(default_factory=dict)  # canonical column -> cells as written

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def has(self, column: str) -> bool:
        return column in self.table.column_names

    def numpy(self, column: str) -> np.ndarray:
        return np.asarray(self.table[column].to_numpy(zero_copy_only=False))


class Collector:
    """Builds problems for the rows of one file at a time, keeping at most `limit` per (column, code)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.problems: list[Problem] = []

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
        positions = np.flatnonzero(mask) if mask.dtype == bool else mask
        if not len(positions):
            return
        shown = positions[: self.limit]
        rows = parsed.numpy(ROW)[shown]
        if source is None and column is not None:
            source = parsed.raw.get(column, parsed.table[column] if parsed.has(column) else None)
        cells = source
        values = [_text(v) for v in cells.take(pa.array(shown)).to_pylist()] if cells is not None else None
        header = parsed.header(column) if column else None
        for i, row in enumerate(rows.tolist()):
            value = values[i] if values is not None else None
            self.problems.append(Problem(parsed.name, int(row), header, value, code, dict(params), severity))
        if len(positions) > self.limit:
            more = {"count": len(positions) - self.limit, "inner": code, **params}
            self.problems.append(Problem(parsed.name, None, header, None, "more_rows", more, severity))

    def file(self, parsed: ParsedFile, code: str, severity: str = ERROR, **params: Any) -> None:
        self.problems.append(Problem(parsed.name, None, None, None, code, params, severity))


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
    """One int64 per valid row that is equal exactly when the key values are (mixed-radix codes)."""
    combined = np.zeros(int(valid.sum()), dtype=np.int64)
    radix_total = 1
    for column in key:
        values = _combine(parsed.table[column].filter(pa.array(valid)))
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            encoded = values.dictionary_encode()
            codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
            radix = len(encoded.dictionary)
        else:
            if pa.types.is_date32(values.type):
                values = values.cast(pa.int32())  # days since 1970
            codes = np.asarray(pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
            codes = codes - codes.min() if len(codes) else codes
            radix = int(codes.max()) + 1 if len(codes) else 1
        radix_total *= max(radix, 1)
        if radix_total >= 2**62:
            return None
        combined = combined * max(radix, 1) + codes
    return combined


def _combine(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


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
    series = pd.Series(codes)
    repeated = series.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    positions = np.flatnonzero(valid)
    rows = parsed.numpy(ROW)[positions]
    first_rows = pd.Series(rows).groupby(codes).transform("min").to_numpy()
    later = np.flatnonzero(repeated)
    later = later[np.argsort(rows[later], kind="stable")]
    code = "duplicate_id" if len(key) == 1 else "duplicate_key"
    key_headers = ", ".join(parsed.header(c) for c in key)
    shown = parsed.table.select(list(key)).take(pa.array(positions[later[: out.limit]])).to_pylist()
    for index, record in zip(later[: out.limit].tolist(), shown, strict=True):
        value = " · ".join(_text(record[c], parsed.kind.column(c).type) for c in key)
        params = {"first_row": int(first_rows[index]), "key": key_headers}
        out.problems.append(Problem(parsed.name, int(rows[index]), parsed.header(key[0]), value, code, params))
    if len(later) > out.limit:
        more = {"count": len(later) - out.limit, "inner": code, "first_row": "…", "key": key_headers}
        out.problems.append(Problem(parsed.name, None, parsed.header(key[0]), None, "more_rows", more))


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
            if other is not None and other.has("project_id"):
                present = pc.is_in(projects.table["project_id"], value_set=pc.drop_null(other.table["project_id"]).unique())
                missing = ~np.asarray(pc.fill_null(present, True).to_numpy(zero_copy_only=False), dtype=bool)
                out.rows(projects, open_mask & missing, "project_id", code, severity=WARNING)
    if projects is not None and demand is not None:
        _demand_after_end(projects, demand, out)
    _objectives_unscored(files, out)
    _roles_without_capacity(files, out)
    _status_warnings(files.get("status_reports"), as_of, out)
    _weights(files.get("objectives"), out)


def _demand_after_end(projects: ParsedFile, demand: ParsedFile, out: Collector) -> None:
    needed = projects.has("project_id") and projects.has("duration_months")
    if not (needed and demand.has("month_offset") and demand.has("project_id")):
        return
    duration = dict(zip(projects.table["project_id"].to_pylist(), projects.table["duration_months"].to_pylist(), strict=True))
    ids = demand.table["project_id"].to_pylist()
    offsets = demand.table["month_offset"].to_pylist()
    mask = np.array(
        [o is not None and duration.get(p) is not None and o >= duration[p] for p, o in zip(ids, offsets, strict=True)],
        dtype=bool,
    )
    out.rows(demand, mask, "month_offset", "demand_after_end", severity=WARNING)


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


def validate(files: dict[str, ParsedFile], as_of: dt.date | None, limit: int) -> list[Problem]:
    """Every cross-row and cross-file problem of one import."""
    out = Collector(limit)
    for parsed in files.values():
        check_duplicates(parsed, out)
    check_references(files, out)
    if "projects" in files:
        check_dependencies(files["projects"], out)
    if "projects" in files and "spend_profile" in files:
        check_spend_profile(files["projects"], files["spend_profile"], out)
    check_warnings(files, as_of, out)
    return out.problems


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
