"""A partial import: the rows that pass, with every refused row listed and why (chosen on purpose).

    plan, kept = plan_partial(parsed, collector, listed, as_of=as_of, limit=100)

All or nothing stays the default; a partial import is asked for (`--partial`, the Data page's
checkbox). It is possible only when every error belongs to a data row: a file-level problem (a file
that cannot be read, a missing required column, an unrecognised file, a missing label) refuses the
import as before. The rows with an error are left out; then, to a fixed point, every row that
refers to a left-out row goes with it, each with its own reason:

- a reference declared in the contract (`store.contract.Reference`: demand, scores, status reports,
  spend profile -> their project; scores -> their objective): "its project P-17 was refused";
- a project's `depends_on`: "it depends on project P-17, which was refused";
- then the kept rows are checked again (every check of store.import_checks), and any new error (a
  spend profile that is all zero once a row is gone) leaves its rows out too, for a whole
  project's profile at once.
- a kept open project whose demand rows (or scores) were all left out is warned about in the list.

A value is gone only when no kept row holds it (a refused second P-17 leaves the first standing).
If no row would remain, the import is refused. The reasons are problems like any other (listed
first 100 per group, counted exactly, the rest spilled: store.import_problems).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from store.contract import KIND_ORDER
from store.import_checks import HEADER_CODES, OPEN_STATUSES, ROW, Collector, ParsedFile, run_checks
from store.import_problems import ProblemGroup, ProblemSpill, SpillFile
from store.import_types import WARNING, Problem

MAX_ROUNDS = 20  # checks of the kept rows; each round only removes rows, so a handful suffice
# Reason codes (texts `partial.problem.<code>`), by the kind the left-out row referred to.
REFERENCE_REASONS = {"projects": "refused_project", "objectives": "refused_objective"}
DEPENDENCY_REASON = "refused_dependency"
WHOLE_PROJECT_CODES = frozenset({"profile_all_zero"})  # an error of a project's whole spend profile


@dataclass(frozen=True)
class PartialPlan:
    """What a partial import keeps and leaves out, per kind; `possible` False says why not (`reason`)."""

    possible: bool
    reason: str | None = None  # "file_problem" | "nothing_left" | None
    kept: dict[str, int] = field(default_factory=dict)  # kind -> rows imported
    rejected: dict[str, int] = field(default_factory=dict)  # kind -> rows left out (with an error or following one)
    followed: dict[str, int] = field(default_factory=dict)  # kind -> of those, left out for a row they refer to
    reasons: tuple[Problem, ...] = ()  # why the following rows were left out (first ones of each group)
    reason_groups: tuple[ProblemGroup, ...] = ()
    spill: SpillFile | None = None
    applied: bool = False  # True once the kept rows were written

    @property
    def kept_total(self) -> int:
        return sum(self.kept.values())

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def file_level(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    """True when an error is not one of a data row (a whole file's, a header's, the import's)."""
    for problem in problems:
        if not problem.is_error:
            continue
        if problem.code == "more_rows":
            continue
        if problem.file is None or problem.row is None or problem.row <= 1 or problem.code in HEADER_CODES:
            return True
    return False


def plan_partial(
    parsed: dict[str, ParsedFile],
    refused_rows: dict[str, np.ndarray],
    listed: list[Problem],
    *,
    as_of: dt.date | None,
    limit: int,
) -> tuple[PartialPlan, dict[str, ParsedFile]]:
    """The plan and the kept rows of each file (`refused_rows`: file name -> rows with an error)."""
    if file_level(listed) or any(name not in {p.name for p in parsed.values()} for name in refused_rows):
        return PartialPlan(False, "file_problem"), {}
    out = Collector(limit, ProblemSpill())
    removed = {kind: _rows_of(p, refused_rows.get(p.name)) for kind, p in parsed.items()}
    direct = {kind: int(mask.sum()) for kind, mask in removed.items()}
    for _ in range(MAX_ROUNDS):
        _follow_references(parsed, removed, out)
        kept = {kind: _filtered(p, ~removed[kind]) for kind, p in parsed.items()}
        if not _recheck(kept, parsed, removed, as_of, out):
            break
    else:  # rows were left out in the last round allowed: keep what remains (each row left out is listed)
        kept = {kind: _filtered(p, ~removed[kind]) for kind, p in parsed.items()}
    _emptied(parsed, kept, out)
    listed_reasons, groups, spill = out.finish()
    order = {p.name: i for i, p in enumerate(parsed.values())}
    listed_reasons.sort(key=lambda p: (order.get(p.file, len(order)), p.row is None, p.row or 0))
    removed = {kind: removed[kind] for kind in KIND_ORDER if kind in removed}
    counts_kept = {kind: int((~mask).sum()) for kind, mask in removed.items()}
    # Rows that could not even be split into cells (`field_count`) are not in the tables: counted here.
    unsplit = {kind: len(refused_rows.get(p.name, ())) - direct[kind] for kind, p in parsed.items()}
    rejected = {kind: int(mask.sum()) + unsplit[kind] for kind, mask in removed.items() if mask.any() or unsplit[kind]}
    followed = {kind: n - direct.get(kind, 0) for kind, n in rejected.items() if n > direct.get(kind, 0)}
    plan = PartialPlan(sum(counts_kept.values()) > 0, None, counts_kept, rejected, followed,
                       tuple(listed_reasons), groups, spill)
    if not plan.possible:
        plan = PartialPlan(False, "nothing_left", counts_kept, rejected, followed, tuple(listed_reasons), groups, spill)
    return plan, kept


def _emptied(parsed: dict[str, ParsedFile], kept: dict[str, ParsedFile], out: Collector) -> None:
    """Warn about each kept open project whose demand rows (or scores) were all left out: it had
    some in the files and has none in what is imported."""
    projects = kept.get("projects")
    if projects is None or not (projects.has("project_id") and projects.has("status")):
        return
    is_open = _mask(pc.fill_null(pc.is_in(projects.table["status"], value_set=pa.array(OPEN_STATUSES)), False))
    for kind, code in (("demand", "demand_left_out"), ("project_scores", "scores_left_out")):
        before, after = parsed.get(kind), kept.get(kind)
        if before is None or not before.has("project_id"):
            continue
        had = _mask(pc.fill_null(pc.is_in(projects.table["project_id"], value_set=pc.drop_null(
            before.table["project_id"]).unique()), False))
        has = _mask(pc.fill_null(pc.is_in(projects.table["project_id"], value_set=pc.drop_null(
            after.table["project_id"]).unique()), False))
        out.rows(projects, is_open & had & ~has, "project_id", code, severity=WARNING)


def _rows_of(parsed: ParsedFile, rows: np.ndarray | None) -> np.ndarray:
    """A boolean mask over the file's rows: those whose record number is in `rows`."""
    if rows is None or not len(rows):
        return np.zeros(parsed.table.num_rows, dtype=bool)
    return np.isin(parsed.numpy(ROW), rows)


def _filtered(parsed: ParsedFile, keep: np.ndarray) -> ParsedFile:
    """The kept rows (typed columns only: the cells as written are not needed past the first check)."""
    if keep.all():
        return ParsedFile(parsed.name, parsed.kind, parsed.table, parsed.headers)
    return ParsedFile(parsed.name, parsed.kind, parsed.table.filter(pa.array(keep)), parsed.headers)


def _combine(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _gone(parsed: ParsedFile, removed: np.ndarray, column: str) -> pa.Array:
    """Values of `column` held by left-out rows and by no kept row."""
    values = parsed.table[column]
    out_values = pc.drop_null(pc.unique(_combine(values).filter(pa.array(removed))))
    if not len(out_values):
        return out_values
    still = pc.drop_null(pc.unique(_combine(values).filter(pa.array(~removed))))
    return out_values.filter(pc.invert(pc.is_in(out_values, value_set=still)))


def _follow_references(parsed: dict[str, ParsedFile], removed: dict[str, np.ndarray], out: Collector) -> None:
    """Leave out, to a fixed point, every kept row that refers to a value only left-out rows held."""
    changed = True
    while changed:
        changed = False
        for kind, one in parsed.items():
            for ref in one.kind.references:
                target = parsed.get(ref.target)
                if target is None or not one.has(ref.column) or not target.has(ref.target_column):
                    continue
                gone = _gone(target, removed[ref.target], ref.target_column)
                if not len(gone):
                    continue
                hit = pc.fill_null(pc.is_in(one.table[ref.column], value_set=gone), False)
                new = _mask(hit) & ~removed[kind]
                if new.any():
                    _reason(one, new, ref.column, REFERENCE_REASONS.get(ref.target, "refused_row"), ref.target, out)
                    removed[kind] |= new
                    changed = True
        projects = parsed.get("projects")
        if projects is not None and projects.has("depends_on") and projects.has("project_id"):
            gone = _gone(projects, removed["projects"], "project_id")
            if len(gone):
                new = _depends_on_any(projects, gone) & ~removed["projects"]
                if new.any():
                    _dependency_reason(projects, new, gone, out)
                    removed["projects"] |= new
                    changed = True


def _depends_on_any(projects: ParsedFile, gone: pa.Array) -> np.ndarray:
    lists = _combine(projects.table["depends_on"])
    flat = pc.list_flatten(lists)
    parents = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), dtype=np.int64)
    hit = _mask(pc.fill_null(pc.is_in(flat, value_set=gone), False))
    mask = np.zeros(projects.table.num_rows, dtype=bool)
    mask[parents[hit]] = True
    return mask


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _reason(one: ParsedFile, new: np.ndarray, column: str, code: str, target: str, out: Collector) -> None:
    positions = np.flatnonzero(new)
    cells = one.table[column]

    def values(part: slice) -> list[str | None]:
        return [None if v is None else str(v) for v in cells.take(pa.array(positions[part])).to_pylist()]

    def row_params(part: slice) -> list[dict]:
        return [{"value": v} for v in values(part)]

    out.emit(one.name, one.numpy(ROW)[positions], one.header(column), code, "error", {"kind": target}, values, row_params)


def _dependency_reason(projects: ParsedFile, new: np.ndarray, gone: pa.Array, out: Collector) -> None:
    positions = np.flatnonzero(new)
    gone_set = set(gone.to_pylist())
    lists = projects.table["depends_on"]

    def values(part: slice) -> list[str | None]:
        found = lists.take(pa.array(positions[part])).to_pylist()
        return [next((d for d in deps or [] if d in gone_set), None) for deps in found]

    def row_params(part: slice) -> list[dict]:
        return [{"value": v} for v in values(part)]

    out.emit(projects.name, projects.numpy(ROW)[positions], projects.header("depends_on"), DEPENDENCY_REASON, "error",
             {}, values, row_params)


def _recheck(kept: dict[str, ParsedFile], parsed: dict[str, ParsedFile], removed: dict[str, np.ndarray],
             as_of: dt.date | None, out: Collector) -> bool:
    """Check the kept rows again; leave out the rows of any new error (True when some were)."""
    check = Collector(limit=2**62, errors_only=True)
    run_checks(kept, as_of, check, warnings=False)
    listed, _, _ = check.finish()
    new_errors = [p for p in listed if p.is_error and p.row is not None and p.code != "more_rows"]
    found = False
    by_name = {p.name: kind for kind, p in parsed.items()}
    for problem in new_errors:
        kind = by_name.get(problem.file or "")
        if kind is None:
            continue
        one = parsed[kind]
        rows = np.array([problem.row], dtype=np.int64)
        if problem.code in WHOLE_PROJECT_CODES and one.has("project_id"):
            same = _mask(pc.fill_null(pc.equal(one.table["project_id"], problem.params.get("project")), False))
            rows = one.numpy(ROW)[same & ~removed[kind]]
        mask = _rows_of(one, rows) & ~removed[kind]
        if not mask.any():
            continue
        positions = np.flatnonzero(mask)
        out.emit(one.name, one.numpy(ROW)[positions], problem.column, problem.code, "error", dict(problem.params),
                 lambda part, v=problem.value: [v] * len(range(*part.indices(2**62))))
        removed[kind] |= mask
        found = True
    return found

