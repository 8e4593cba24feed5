"""Every problem of an import, counted exactly, with only the first ones kept in memory.

An import can have millions of bad rows. `Collector` (store.import_checks) keeps the first
`limit` problems of each group (severity x file x column x problem code) as `Problem` objects for
the page and the command line, counts every occurrence in `ProblemGroup.total`, and writes the
rest to a `ProblemSpill`: an Arrow IPC stream in a temporary file holding, per row, the template it
belongs to (file, column, code, parameters), its row number, the cell value as shown and the
parameters that differ row by row. `full_problems` reads the kept problems and the spill back as
one list (the "download the full list" CSV of the Data page, `cli.py import --problems FILE.csv`).

Spill files live in one folder under the system temporary folder; files older than
SPILL_MAX_AGE_HOURS are removed when a new one is started (a report may be shown and downloaded
for a while after its check, in another process than the one that made it).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from store.import_types import ERROR, Problem

SPILL_DIR = Path(tempfile.gettempdir()) / "lodestar_problems"
SPILL_MAX_AGE_HOURS = 24
_SCHEMA = pa.schema([("template", pa.int32()), ("row", pa.int64()), ("value", pa.string()), ("extra", pa.string())])
# Parameters that differ from row to row within one group: the "… and N more" line shows "…" for them.
VARYING_PARAMS = ("first_row", "found", "project", "total", "budget", "duration", "last", "value", "start", "planned")

GroupKey = tuple[str, str | None, str | None, str]  # severity, file, column, code


@dataclass(frozen=True)
class ProblemGroup:
    """One problem of one column of one file, and how often it occurred (`shown` of them are listed)."""

    severity: str
    file: str | None
    column: str | None
    code: str
    total: int
    shown: int
    params: dict[str, Any] = field(default_factory=dict)  # of the first occurrence, for the group's text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def key(self) -> GroupKey:
        return (self.severity, self.file, self.column, self.code)


@dataclass(frozen=True)
class SpillFile:
    """Where the problems beyond the first ones of each group were written (picklable, for the page's worker)."""

    path: str
    templates: tuple[Problem, ...]  # row-less problems: file, column, code, params, severity


class ProblemSpill:
    """Writes problems beyond the shown ones to a temporary Arrow file, a batch per call."""

    def __init__(self) -> None:
        self._templates: dict[tuple, int] = {}
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None
        self._sink = None
        self.path: str | None = None

    def template(self, problem: Problem) -> int:
        key = (problem.severity, problem.file, problem.column, problem.code, json.dumps(problem.params, sort_keys=True, default=str))
        if key not in self._templates:
            self._templates[key] = len(self._templates)
        return self._templates[key]

    def write(self, template: Problem, rows: np.ndarray, values: list[str | None] | pa.Array,
              extras: list[dict[str, Any]] | None = None) -> None:
        """One batch of rows of one template; `extras` are per-row parameters added to the template's."""
        if not len(rows):
            return
        if self._writer is None:
            self._open()
        ids = pa.array(np.full(len(rows), self.template(template), dtype=np.int32))
        extra = pa.array([None if not e else json.dumps(e, default=str) for e in extras] if extras else [None] * len(rows),
                         pa.string())
        batch = pa.record_batch([ids, pa.array(np.asarray(rows, dtype=np.int64)), values.cast(pa.string()) if isinstance(values, pa.Array) else pa.array(values, pa.string()), extra],
                                schema=_SCHEMA)
        self._writer.write_batch(batch)

    def _open(self) -> None:
        SPILL_DIR.mkdir(parents=True, exist_ok=True)
        _remove_old(SPILL_DIR)
        handle, path = tempfile.mkstemp(prefix="problems_", suffix=".arrows", dir=SPILL_DIR)
        self._sink = os.fdopen(handle, "wb")
        self._writer = pa.ipc.new_stream(self._sink, _SCHEMA)
        self.path = path

    def close(self) -> SpillFile | None:
        if self._writer is None:
            return None
        self._writer.close()
        self._sink.close()
        templates = [None] * len(self._templates)
        for (severity, file, column, code, params), index in self._templates.items():
            templates[index] = Problem(file, None, column, None, code, json.loads(params), severity)
        self._writer = None
        return SpillFile(str(self.path), tuple(templates))


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - SPILL_MAX_AGE_HOURS * 3600
    for old in folder.glob("problems_*.arrows"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:  # removed by another process meanwhile
            pass


def spilled(spill: SpillFile | None) -> Iterator[Problem]:
    """The problems written to a spill file, in the order they were found (nothing when it is gone)."""
    if spill is None or not Path(spill.path).is_file():
        return
    with pa.ipc.open_stream(spill.path) as reader:
        for batch in reader:
            for template, row, value, extra in zip(*(batch.column(i).to_pylist() for i in range(4)), strict=True):
                base = spill.templates[template]
                params = {**base.params, **json.loads(extra)} if extra else base.params
                yield Problem(base.file, row, base.column, value, base.code, params, base.severity)


def full_problems(problems: tuple[Problem, ...], spill: SpillFile | None) -> Iterator[Problem]:
    """Every problem: the listed ones (without the "… and N more" lines), then the ones written to the
    spill, in the order they were found (read a batch at a time: memory stays bounded)."""
    yield from (p for p in problems if p.code != "more_rows")
    yield from spilled(spill)


def unlink(spill: SpillFile | None) -> None:
    """Remove a spill file no longer needed (the command line, once the report is printed)."""
    if spill is not None:
        Path(spill.path).unlink(missing_ok=True)
