"""The import pipeline: CSV files (one by one, several, a folder or a .zip) -> one validated snapshot.

    report = import_paths(con, ["march/"], label="2026-03")       # CLI, sample loader, tests
    report = import_files(con, [(name, data), ...], label=...)     # the Data page (uploaded bytes)
    report = check_files([(name, data), ...])                      # the preview: read and validate only

Every file is decoded, split, matched to a kind by its headers and parsed cell by cell
(`import_read`, `import_values`); then rows and files are checked against each other
(`import_checks`). Every problem is collected before anything is decided: an import with any error
writes nothing; warnings do not block. Writing is `store.snapshots.create_snapshot` (all or nothing
even after a crash: docs/recovery.md). Identical files imported before are reported as a duplicate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from i18n import has_key, translate
from store import mapping_profiles, snapshots
from store.contract import KIND_ORDER, KINDS
from store.errors import DuplicateSnapshot, StoreError
from store.gate import latest_approvals as gate_approvals
from store.import_checks import (
    ROW,
    CellText,
    Collector,
    ParsedFile,
    check_gate_approvals,
    latest_date,
    run_checks,
)
from store.import_limits import ImportLimits
from store.import_partial import PartialPlan, plan_partial
from store.import_problems import ProblemGroup, ProblemSpill, SpillFile, full_problems
from store.import_read import (
    MAX_COLUMNS,
    RawFile,
    Source,
    choose_kind,
    gather_paths,
    gather_uploads,
    is_workbook,
    iter_sources,
    match_headers,
)
from store.import_types import ERROR, WARNING, FileInfo, Problem
from store.import_units import header_units
from store.import_values import parse_column
from store.mapping import FileMapping, Mapping
from store.mapping_apply import apply_mapping
from store.mapping_suggest import unrecognised_problem
from store.users import Actor, require

LOG = logging.getLogger(__name__)
# Rows listed per file, column and problem; beyond this the rest are counted in one "more" line
# (and written to a spill file: store.import_problems).
MAX_ROWS_PER_PROBLEM = 100
UNCAPPED = 2**62  # the reader hands every row problem to the collector, which caps and counts them
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class ReadChoices:
    """What the person importing chose about reading cells (the Data page's selects, the CLI's options)."""

    # "dmy" or "mdy": how 01/03/2026 is read. None: such dates are refused with a problem asking to choose.
    date_order: str | None = None
    # The snapshot's currency unit; a unit written in a money column's header is compared with it.
    currency_unit: str = "万元"
    # How files not in the contract's shape become contract files (docs/mapping.md), and the as-of date
    # its status-from-dates fields compare with (None: today).
    mapping: Mapping | None = None
    as_of: dt.date | None = None


class ImportRefused(StoreError):
    """A bundle (the sample) could not be imported; `report` holds every problem."""

    key = "data.refused"

    def __init__(self, message: str, report: ImportReport, **params: object) -> None:
        super().__init__(message, **params)
        self.report = report


@dataclass(frozen=True)
class ImportReport:
    """What an import (or a check) found and did.

    `problems` are sorted errors first, then by file, row and column. `snapshot_id` is the new
    snapshot, None when nothing was written; `duplicate_of` names the snapshot that already holds
    exactly these files.
    """

    files: tuple[FileInfo, ...]
    problems: tuple[Problem, ...]
    snapshot_id: int | None = None
    duplicate_of: int | None = None
    label: str = ""
    as_of: dt.date | None = None  # given, or suggested by the files
    currency_unit: str = "万元"
    lang: str = "en"
    rows: dict[str, int] = field(default_factory=dict)  # kind -> rows read
    mapped: dict[str, str] = field(default_factory=dict)  # file -> the profile that shaped it ('' for a given mapping)
    groups: tuple[ProblemGroup, ...] = ()  # every problem group with its exact total
    spill: SpillFile | None = None  # the problems beyond the listed ones (store.import_problems)
    refused_rows: dict[str, int] = field(default_factory=dict)  # file -> rows with at least one error
    partial: PartialPlan | None = None  # what a partial import keeps and leaves out (when there are errors)

    @property
    def error_total(self) -> int:
        """Every error, each row's counted (not only the listed ones)."""
        return self._total(ERROR)

    @property
    def warning_total(self) -> int:
        return self._total(WARNING)

    @property
    def rows_refused(self) -> int:
        """Rows with at least one error, over every file."""
        return sum(self.refused_rows.values())

    def _total(self, severity: str) -> int:
        if self.groups:
            return sum(g.total for g in self.groups if g.severity == severity)
        listed = [p for p in self.problems if p.severity == severity]  # a report made without a collector
        return sum(int(p.params.get("count", 0)) if p.code == "more_rows" else 1 for p in listed)

    def all_problems(self, severity: str | None = None) -> Iterable[Problem]:
        """Every problem, the listed ones and those beyond them (read back from the spill file)."""
        return (p for p in full_problems(self.problems, self.spill) if severity is None or p.severity == severity)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)

    @property
    def ok(self) -> bool:
        """True when the files can be (or were) imported: no errors and not a duplicate."""
        return not self.errors and self.duplicate_of is None

    def texts(self, lang: str | None = None) -> list[str]:
        """Every problem as one line of text in `lang` (default: the report's language)."""
        return [problem_line(p, lang or self.lang) for p in self.problems]


# --- texts ---------------------------------------------------------------------------------------------


def _translated_params(params: dict, lang: str) -> dict:
    shown = dict(params)
    if shown.get("kind") in KINDS:
        shown["kind"] = translate(lang, f"data.kind.{shown['kind']}")
    if "percent" in shown:
        shown.pop("percent")
    return shown


def problem_text(problem: Problem, lang: str) -> str:
    """The problem's explanation (what was expected) in `lang`, from its catalogue key (`problem_key`)."""
    params = _translated_params(problem.params, lang)
    if problem.code == "more_rows":
        inner = Problem(problem.file, None, problem.column, None, str(params.get("inner", "")), params)
        params = {**params, "problem": problem_text(inner, lang)}
    return translate(lang, problem_key(problem.code, lang), **params)


def problem_key(code: str, lang: str) -> str:
    """The catalogue key of a problem code: the import limits', reading's, partial import's or mappings'
    own area first, else `data.problem.`."""
    for area in ("importlimits", "reading", "partial", "mapping"):
        key = f"{area}.problem.{code}"
        if has_key(lang, key):
            return key
    return f"data.problem.{code}"


def problem_line(problem: Problem, lang: str) -> str:
    """`file:row: column "value": text`, for the command line."""
    place = problem.file or ""
    if problem.row is not None:
        place += f":{problem.row}"
    where = f"{place}: " if place else ""
    column = f"{problem.column} " if problem.column else ""
    value = f"\"{problem.value}\" " if problem.value not in (None, "") else ""
    severity = translate(lang, f"data.severity.{problem.severity}")
    return f"{severity} {where}{column}{value}— {problem_text(problem, lang)}".replace("  ", " ")


# --- reading -------------------------------------------------------------------------------------------


def _sort_key(infos: list[FileInfo]):
    """Errors first; then file order, row, and the column's position in the file."""
    file_order = {info.name: i for i, info in enumerate(infos)}
    column_order = {(info.name, header): i for info in infos for i, (header, _) in enumerate(info.columns)}

    def key(p: Problem) -> tuple:
        # File-level problems before the rows; a "… and N more" line after the rows it continues.
        row = p.row if p.row is not None else (float("inf") if p.code == "more_rows" else 0)
        column = column_order.get((p.file, p.column), -1 if p.column is None else len(column_order))
        return (p.severity != ERROR, file_order.get(p.file, len(file_order)), row, column, p.code)

    return key


def _read_source(source: Source, collector: Collector, limits: ImportLimits, options: ReadChoices,
                 used: dict[str, str] | None = None) -> tuple[FileInfo, ParsedFile | None, list[Problem]]:
    """Match one source's headers and parse every cell. The third item holds the problems of a
    workbook sheet that matched no kind: the caller decides whether they refuse the import or the sheet
    is only ignored (when other sheets of the workbook were recognised)."""
    separator = SEPARATOR_NAMES.get(source.separator or "")
    blank = FileInfo(source.name, None, source.encoding, separator, 0, (), source.raw.sha256,
                     source.header_row, source.line_endings)
    collector.problems.extend(source.notes)
    if not source.readable:
        return blank, None, []
    headers = source.headers
    chosen = None
    if options.mapping is not None:
        recognised = len(headers) <= MAX_COLUMNS and choose_kind(headers, source.hint_name) is not None
        chosen = options.mapping.for_file(source.name, headers, recognised)
    if chosen is not None:
        if used is not None:
            used[source.name] = chosen.profile
        return (*_read_mapped(source, blank, chosen, collector, limits, options), [])
    match = match_headers(source.name, headers, source.header_row, source.hint_name)
    match.problems = [unrecognised_problem(source.name, headers, p) for p in match.problems]
    mapping = tuple((h, c.name if c is not None else None) for h, c in zip(headers, match.mapping, strict=True))
    info = dataclasses.replace(blank, columns=mapping)
    if match.kind is None:
        unmatched = list(match.problems)
        if source.header_reason:
            unmatched.append(Problem(source.name, source.header_row, None, None, source.header_reason, severity=WARNING))
        if source.sheet is not None:
            return info, None, unmatched
        collector.problems.extend(unmatched)
        return info, None, []
    collector.problems.extend(match.problems)
    units = header_units(source.name, source.header_row, match, options.currency_unit)
    collector.problems.extend(units.problems)
    text = source.read_rows(match.mapping, UNCAPPED)
    source.release()  # a sheet's cells or a file's bytes, held by the reader, are not needed once read as text
    release_memory()
    collector.problems.extend(text.problems)
    parsed = _parse_cells(source.name, match, text, collector, limits, options.date_order)
    info = dataclasses.replace(info, kind=match.kind.name, rows=parsed.table.num_rows, units=units.units)
    if parsed.table.num_rows == 0 and not text.problems:
        collector.file(parsed, "no_rows", WARNING)
    return info, parsed, []


def raw_headers(raw: RawFile) -> list[str] | None:
    """The header row of one file (its first sheet, for a workbook) as the import reads it (None when it
    cannot be read), for matching saved mapping profiles and saving new ones."""
    source = next(iter_sources([raw]), None)
    return source.headers if source is not None and source.readable else None


def _read_mapped(source: Source, blank: FileInfo, chosen: FileMapping, collector: Collector, limits: ImportLimits,
                 options: ReadChoices) -> tuple[FileInfo, ParsedFile]:
    """One source through its mapping (store.mapping_apply), then the same cell parsing as any file."""
    headers = source.headers
    text = source.read_rows([None] * len(headers), MAX_ROWS_PER_PROBLEM)
    collector.problems.extend(text.problems)
    applied = apply_mapping(source.name, headers, text, chosen, as_of=options.as_of, limits=limits,
                            date_order=options.date_order, header_row=source.header_row)
    collector.problems.extend(applied.problems)
    parsed = _parse_cells(source.name, applied.match, applied.text, collector, limits, options.date_order)
    for header, positions, code, severity, params, cells in applied.cell_issues:
        collector.rows(parsed, positions, header, code, severity, source=cells, **params)
    info = dataclasses.replace(blank, kind=chosen.kind, rows=parsed.table.num_rows, columns=applied.columns)
    if parsed.table.num_rows == 0 and not text.problems:
        collector.file(parsed, "no_rows", WARNING)
    return info, parsed


def _read_guarded(raw: RawFile, collector: Collector, limits: ImportLimits, options: ReadChoices,
                  used: dict[str, str] | None = None) -> list[tuple[FileInfo, ParsedFile | None]]:
    """Every source of one file (a CSV file, or each sheet of a workbook), with any failure the rules
    did not foresee reported as a problem of this file.

    Every known bad input has its own named problem; this is the last line so that a file nobody
    imagined still ends as a refused import, never a traceback. The fuzz tests assert it never fires.
    A workbook sheet that matches no kind is ignored with a warning when another sheet of the same
    workbook was recognised (a README or 说明 sheet), and refused like a CSV file otherwise.
    """
    results: list[tuple[FileInfo, ParsedFile | None]] = []
    unmatched: list[tuple[FileInfo, list[Problem]]] = []
    empty_sheets = 0
    try:
        for source in iter_sources([raw]):
            empty_sheets += [p.code for p in source.notes] == ["sheet_empty"]
            info, parsed, held = _read_source(source, collector, limits, options, used)
            results.append((info, parsed))
            if held:
                unmatched.append((info, held))
    except Exception as e:  # noqa: BLE001 - the guarantee is: every file ends as a report
        LOG.info("unforeseen failure reading %s", raw.name, exc_info=True)  # not shown to users by default
        collector.problems.append(Problem(raw.name, None, None, None, "read_failed", {"error": type(e).__name__}))
        return [(FileInfo(raw.name, None, None, None, 0, (), raw.sha256), None)]
    recognised = any(parsed is not None for _, parsed in results)
    for info, held in unmatched:
        if recognised:
            shown = ", ".join(h for h, _ in info.columns[:8] if h.strip())
            collector.problems.append(Problem(info.name, None, None, None, "sheet_ignored", {"headers": shown}, WARNING))
        else:
            collector.problems.extend(held)
    if is_workbook(raw.name) and empty_sheets == len(results):
        collector.problems.append(Problem(raw.name, None, None, None, "empty_file"))  # no sheet holds anything
    return results


def release_memory() -> None:
    """Give the memory Arrow freed back to the system. Its allocator keeps freed blocks for reuse: after a
    nine-million-row file's text was parsed and let go it still held 0.4 GB, which every later stage
    would have added to."""
    pa.default_memory_pool().release_unused()


def _parse_cells(name: str, match, text, collector: Collector, limits: ImportLimits,
                 date_order: str | None = None) -> ParsedFile:
    kind = match.kind
    headers = {c.name: h for h, c in zip(match.headers, match.mapping, strict=True) if c is not None}
    row_numbers = pa.array(text.row_numbers)  # int32 when they fit (import_read), zero-copy
    parsed = ParsedFile(name, kind, pa.table({ROW: row_numbers}), headers)
    # Each column's text is let go once parsed (only the cells the typed value does not read back as
    # are kept, for problem reports): the file's text and its typed table are never held whole together.
    cells = {position: text.table[f"c{position}"] for position, column in enumerate(match.mapping) if column is not None}
    text.table = text.table.select([])
    arrays: dict[str, pa.Array] = {}
    for position, column in enumerate(match.mapping):
        if column is None:
            continue
        raw = cells.pop(position)  # in blocks as read: one array now, the blocks let go (else each step copies)
        raw = raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw
        result = parse_column(raw, column, limits, date_order=date_order)
        release_memory()
        arrays[column.name] = result.values
        for code, positions, severity, params in result.issues:
            collector.rows(parsed, positions, column.name, code, severity, source=raw, **params)
        parsed.raw[column.name] = CellText.of(raw, result.values)
        del raw, result
        release_memory()
    ordered = [c.name for c in kind.columns if c.name in arrays]
    parsed.table = pa.table({**{c: arrays[c] for c in ordered}, ROW: row_numbers})
    return parsed


@dataclass
class _Checked:
    """What `_check` found: files, parsed tables, problems (listed, grouped, spilled), as-of, partial plan."""

    infos: list[FileInfo]
    parsed: dict[str, ParsedFile]
    problems: list[Problem]
    groups: tuple[ProblemGroup, ...]
    spill: SpillFile | None
    refused_rows: dict[str, int]
    as_of: dt.date | None
    partial: PartialPlan | None = None
    kept: dict[str, ParsedFile] = field(default_factory=dict)


def _check(
    raws: list[RawFile], problems: list[Problem], *, as_of: dt.date | None, limits: ImportLimits,
    options: ReadChoices | None = None,
    used: dict[str, str] | None = None,
    gate_approved: frozenset[str] = frozenset(),
) -> _Checked:
    collector = Collector(MAX_ROWS_PER_PROBLEM, ProblemSpill())
    collector.problems.extend(problems)
    if not raws and not any(p.is_error for p in problems):  # e.g. a zip holding only skipped members
        collector.problems.append(Problem(None, None, None, None, "no_files"))
    infos: list[FileInfo] = []
    parsed: dict[str, ParsedFile] = {}
    for raw in raws:
        for info, one in _read_guarded(raw, collector, limits, options or ReadChoices(), used):
            infos.append(info)
            if one is None:
                continue
            if one.kind.name in parsed:
                other = parsed[one.kind.name].name
                collector.problems.append(Problem(info.name, None, None, None, "duplicate_kind", {"kind": one.kind.name, "other": other}))
                continue
            parsed[one.kind.name] = one
    try:
        resolved = as_of or latest_date(parsed)
        run_checks(parsed, as_of, collector)
        check_gate_approvals(parsed.get("projects"), gate_approved, collector)
        release_memory()
    except Exception as e:  # noqa: BLE001 - as in _read_one_guarded: a report, never a traceback
        LOG.info("unforeseen failure in the cross-file checks", exc_info=True)
        resolved = as_of
        collector.problems.append(Problem(None, None, None, None, "read_failed", {"error": type(e).__name__}))
    listed, groups, spill = collector.finish()
    refused = collector.refused_rows()
    checked = _Checked(infos, parsed, sorted(listed, key=_sort_key(infos)), groups, spill,
                       {name: len(rows) for name, rows in refused.items()}, resolved)
    if any(g.is_error for g in groups):
        checked.partial, checked.kept = plan_partial(parsed, refused, listed, as_of=as_of, limit=MAX_ROWS_PER_PROBLEM)
    return checked


def _frames(parsed: dict[str, ParsedFile]) -> dict[str, pd.DataFrame]:
    """Typed frames for `create_snapshot` (Arrow-backed: dates, lists and nullable ints stay typed)."""
    frames = {}
    for kind in KIND_ORDER:
        if kind in parsed:
            table = parsed[kind].table.drop_columns([ROW])
            frames[kind] = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frames


def _frames_only(parsed: dict[str, ParsedFile]) -> dict[str, pd.DataFrame]:
    """`_frames`, letting go of what the write does not need (each file's row numbers and kept cell text)."""
    frames = _frames(parsed)
    for one in parsed.values():
        one.table, one.raw = one.table.select([]), {}
    release_memory()
    return frames


def _sources(infos: list[FileInfo]) -> list[snapshots.SourceFile]:
    return [snapshots.SourceFile(i.name, i.kind or "", i.sha256, i.rows, i.encoding) for i in infos]


def _source_hash_files(raws: list[RawFile]) -> list[snapshots.SourceFile]:
    return [snapshots.SourceFile(r.name, "", r.sha256, 0) for r in raws]


# --- public entry points -------------------------------------------------------------------------------


def check_files(
    files: Sequence[tuple[str, bytes]],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    as_of: dt.date | None = None,
    currency_unit: str = "万元",
    lang: str = "en",
    limits: ImportLimits | None = None,
    date_order: str | None = None,
    mapping: Mapping | None = None,
    profiles: bool = False,
) -> ImportReport:
    """Read and validate uploaded (name, bytes) files without writing anything.

    With `con`, also says whether exactly these files were imported before (`duplicate_of`).
    """
    limits = limits or ImportLimits.from_env()
    raws, problems = gather_uploads(files, limits)
    return _run(None if con is None else con, raws, problems, label="", as_of=as_of,
                currency_unit=currency_unit, actor=None, lang=lang, write=False, limits=limits,
                date_order=date_order, mapping=mapping, profiles=profiles)


def with_duplicate(con: duckdb.DuckDBPyConnection, report: ImportReport) -> ImportReport:
    """A report made without a connection (`check_files` in a worker process), with `duplicate_of` set
    when exactly its files were imported before."""
    if not report.files:
        return report
    existing = snapshots.find_by_content(con, [snapshots.SourceFile(f.name, "", f.sha256, 0) for f in report.files])
    return report if existing is None else dataclasses.replace(report, duplicate_of=existing)


def import_files(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[tuple[str, bytes]],
    *,
    label: str,
    as_of: dt.date | None = None,
    currency_unit: str = "万元",
    actor: Actor | str | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    limits: ImportLimits | None = None,
    date_order: str | None = None,
    mapping: Mapping | None = None,
    profiles: bool = False,
    partial: bool = False,
) -> ImportReport:
    """Import uploaded (name, bytes) files (CSV or zip) as one snapshot, or nothing if any error.

    With `partial`, the rows that pass are imported and the others left out (store.import_partial;
    `report.partial` says what, and is `applied` once written). `progress(stage)` is called with
    "check" before reading and validating and "write" before the transaction, for a progress display.
    """
    limits = limits or ImportLimits.from_env()
    raws, problems = gather_uploads(files, limits)
    return _run(con, raws, problems, label=label, as_of=as_of, currency_unit=currency_unit, actor=actor, lang=lang,
                progress=progress, limits=limits, date_order=date_order, partial=partial, mapping=mapping,
                profiles=profiles)


def import_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | os.PathLike[str]],
    *,
    label: str,
    as_of: dt.date | None = None,
    currency_unit: str = "万元",
    actor: Actor | str | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    limits: ImportLimits | None = None,
    date_order: str | None = None,
    mapping: Mapping | None = None,
    profiles: bool = False,
    partial: bool = False,
) -> ImportReport:
    """Import files, folders (their CSVs and zips) and zips on disk as one snapshot, or nothing
    (with `partial`: the rows that pass, as `import_files`)."""
    limits = limits or ImportLimits.from_env()
    raws, problems = gather_paths(paths, limits)
    return _run(con, raws, problems, label=label, as_of=as_of, currency_unit=currency_unit, actor=actor, lang=lang,
                progress=progress, limits=limits, date_order=date_order, partial=partial, mapping=mapping,
                profiles=profiles)


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    as_of: dt.date | None = None,
    currency_unit: str = "万元",
    lang: str = "en",
    limits: ImportLimits | None = None,
    date_order: str | None = None,
    mapping: Mapping | None = None,
    profiles: bool = False,
) -> ImportReport:
    """`import_paths` without writing: what would be imported, and every problem."""
    limits = limits or ImportLimits.from_env()
    raws, problems = gather_paths(paths, limits)
    return _run(con, raws, problems, label="", as_of=as_of, currency_unit=currency_unit, actor=None, lang=lang, write=False, limits=limits,
                date_order=date_order, mapping=mapping, profiles=profiles)


def _run(
    con: duckdb.DuckDBPyConnection | None,
    raws: list[RawFile],
    problems: list[Problem],
    *,
    label: str,
    as_of: dt.date | None,
    currency_unit: str,
    actor: Actor | str | None,
    lang: str,
    write: bool = True,
    progress: Callable[[str], None] | None = None,
    limits: ImportLimits | None = None,
    date_order: str | None = None,
    mapping: Mapping | None = None,
    profiles: bool = False,
    partial: bool = False,
) -> ImportReport:
    if write:
        actor = require(actor, "import")  # refused before any work, and again where the rows are written
    step = progress or (lambda stage: None)
    label = label.strip()
    common = {"label": label, "currency_unit": currency_unit, "lang": lang}
    if write and not label:
        problems = [*problems, Problem(None, None, None, None, "missing_label")]
    if not currency_unit.strip():
        problems = [*problems, Problem(None, None, None, None, "missing_currency_unit")]
    if con is not None and raws:
        existing = snapshots.find_by_content(con, _source_hash_files(raws))
        if existing is not None:
            return _already_imported(con, existing, raws, problems, as_of=as_of, common=common)
    step("check")
    if profiles and con is not None:  # saved profiles whose headers fit a file shape it (after `mapping`)
        mapping = mapping_profiles.with_saved(con, mapping)
    common["mapped"] = mapped = {}
    options = ReadChoices(date_order, currency_unit.strip(), mapping, as_of)
    # proposals approved at the latest snapshot's gate, to warn about those still "proposed" (store/gate.py)
    approved = gate_approvals(con) if con is not None else frozenset()
    checked = _check(raws, problems, as_of=as_of, limits=limits or ImportLimits.from_env(), options=options,
                     used=mapped, gate_approved=approved)
    infos, parsed, resolved = checked.infos, checked.parsed, checked.as_of
    rows = {kind: p.table.num_rows for kind, p in parsed.items()}
    report = ImportReport(tuple(infos), tuple(checked.problems), as_of=resolved, rows=rows, groups=checked.groups,
                          spill=checked.spill, refused_rows=checked.refused_rows, partial=checked.partial, **common)
    if not write or con is None:
        return report
    plan = checked.partial
    if report.errors:
        if not partial or plan is None or not plan.possible:
            return report
        parsed = checked.kept  # the rows that pass; the others are listed in the report
    as_of_date = resolved or dt.date.today()
    step("write")
    written = {kind: p.table.num_rows for kind, p in parsed.items()}
    log_details = {"rejected": dict(plan.rejected)} if report.errors and plan is not None else None
    # the profile that mapped each file ('' for a mapping given with the import), for the decision log
    mapped_by = {"mapping_profiles": dict(mapped)} if mapped else {}
    try:
        snapshot_id = snapshots.create_snapshot(
            con, label=label, as_of=as_of_date, frames=_frames_only(parsed), release=True, files=_sources(infos),
            currency_unit=currency_unit.strip(), actor=actor, log_details={**(log_details or {}), **mapped_by} or None,
        )
    except DuplicateSnapshot as e:  # imported by someone else between our check and our write
        return dataclasses.replace(report, duplicate_of=int(e.params["snapshot_id"]), as_of=as_of_date)
    if log_details is not None:
        report = dataclasses.replace(report, partial=dataclasses.replace(plan, applied=True), rows=written)
    return dataclasses.replace(report, snapshot_id=snapshot_id, as_of=as_of_date)


def _already_imported(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, raws: list[RawFile], problems: list[Problem], *,
    as_of: dt.date | None, common: dict,
) -> ImportReport:
    """The report of files imported before: each file as recorded then (kind, encoding, rows),
    matched by SHA-256, so the page and CLI can say which snapshot holds it instead of "not recognised"."""
    stored = {f.sha256: f for f in snapshots.snapshot_files(con, snapshot_id)}
    infos = []
    for raw in raws:
        known = stored.get(raw.sha256)
        if known is None:
            infos.append(FileInfo(raw.name, None, None, None, 0, (), raw.sha256))
        else:
            infos.append(FileInfo(raw.name, known.kind or None, known.encoding, None, known.row_count, (), raw.sha256))
    rows = {f.kind: f.row_count for f in stored.values() if f.kind}
    return ImportReport(tuple(infos), tuple(problems), duplicate_of=snapshot_id, as_of=as_of, rows=rows, **common)


# --- the bundled sample --------------------------------------------------------------------------------


def sample_folders(sample_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The bundle's snapshot folders (`NN_YYYY-MM/` holding CSVs and snapshot.json), in order."""
    root = Path(sample_dir) if sample_dir is not None else SAMPLE_DIR
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "snapshot.json").is_file())


def load_sample(
    con: duckdb.DuckDBPyConnection, sample_dir: str | os.PathLike[str] | None = None, if_empty: bool = False
) -> list[int]:
    """Import every sample snapshot folder in order and return the new snapshot ids.

    With `if_empty`, does nothing when the database already holds a snapshot. Every folder is
    checked before the first is written, so a broken bundle leaves the database as it was (raises
    ImportRefused with that folder's report). Folders imported before are skipped.
    """
    if if_empty and snapshots.snapshot_count(con) > 0:
        return []
    folders = sample_folders(sample_dir)
    plans = []
    for folder in folders:
        meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
        as_of = dt.date.fromisoformat(meta["as_of"])
        report = check_paths([folder], con=con, as_of=as_of, currency_unit=meta.get("currency_unit", "万元"))
        if report.duplicate_of is not None:
            continue
        if report.errors:
            raise ImportRefused(f"sample folder {folder.name} has errors", report, folder=folder.name)
        plans.append((folder, meta, as_of))
    created = []
    for folder, meta, as_of in plans:
        report = import_paths(
            con, [folder], label=meta["label"], as_of=as_of,
            currency_unit=meta.get("currency_unit", "万元"), actor="sample",
        )
        if report.snapshot_id is None:
            raise ImportRefused(f"sample folder {folder.name} was refused", report, folder=folder.name)
        created.append(report.snapshot_id)
    return created
