"""The full lists of an import as CSV: every problem, and the rows a partial import left out.

    write_problems(report, "en", path)         # cli.py import --problems FILE.csv
    write_rejects(report, "en", path)          # cli.py import --partial --rejects FILE.csv
    problems_csv(report, "zh")                 # the Data page's download (bytes)

One row per problem (file, row, column, value, problem in the reader's language, severity), read a
batch at a time from the report's spill file (store.import_problems), so a million bad rows are
written without being held in memory. UTF-8 with a byte-order mark and `\\r\\n` like every export,
and every text cell made formula-safe (`reports.safety.neutralise`): file names and values are what
the uploader typed. The rejects list holds every error of a row left out and, for the rows that
went with a refused row, the reason ("its project P-17 was refused").
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from i18n import translate
from reports.safety import neutralise
from store.import_problems import full_problems
from store.import_types import ERROR, Problem
from store.importer import ImportReport, problem_text

BOM = "\ufeff"
COLUMNS = ("severity", "file", "row", "column", "value", "problem")


def _header(lang: str) -> list[str]:
    return [neutralise(translate(lang, f"data.report.{c}")) for c in COLUMNS]


class _Texts:
    """Problem texts by code and parameters: a million rows of one problem share one text."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._known: dict[tuple, str] = {}

    def __call__(self, problem: Problem) -> str:
        key = (problem.severity, problem.code, tuple((k, str(v)) for k, v in problem.params.items()))
        text = self._known.get(key)
        if text is None:
            text = self._known[key] = neutralise(problem_text(problem, self.lang))
        return text


def _line(problem: Problem, severity: dict[str, str], text: _Texts) -> list[object]:
    return [
        severity[problem.severity],
        neutralise(problem.file or ""),
        "" if problem.row is None else int(problem.row),
        neutralise(problem.column or ""),
        neutralise(problem.value or ""),
        text(problem),
    ]


def problem_lines(report: ImportReport) -> Iterable[Problem]:
    """Every problem of the report (errors, then warnings, as listed; then those beyond the listed ones)."""
    return report.all_problems()


def reject_lines(report: ImportReport) -> Iterable[Problem]:
    """Every error (each names a row left out) and every row left out because of a refused row."""
    plan = report.partial
    follow = full_problems(plan.reasons, plan.spill) if plan is not None else ()
    return itertools.chain(report.all_problems(ERROR), follow)


def _write(lines: Iterable[Problem], lang: str, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_header(lang))
    severity = {level: translate(lang, f"data.severity.{level}") for level in ("error", "warning")}
    text = _Texts(lang)
    count = 0
    for problem in lines:
        writer.writerow(_line(problem, severity, text))
        count += 1
    return count


def write_problems(report: ImportReport, lang: str, path: str | Path) -> int:
    """Write every problem to `path`; returns how many rows were written."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(BOM)
        return _write(problem_lines(report), lang, out)


def write_rejects(report: ImportReport, lang: str, path: str | Path) -> int:
    """Write the rows left out (with why) to `path`; returns how many lines were written."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(BOM)
        return _write(reject_lines(report), lang, out)


def problems_csv(report: ImportReport, lang: str) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    _write(problem_lines(report), lang, buffer)
    return buffer.getvalue().encode("utf-8")


def rejects_csv(report: ImportReport, lang: str) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    _write(reject_lines(report), lang, buffer)
    return buffer.getvalue().encode("utf-8")
