"""A pairwise comparison matrix from CSV bytes: square, names in the first row and the first column.

    ,growth,efficiency,compliance
    growth,1,3,5
    efficiency,1/3,1,
    compliance,1/5,,1

Cells hold numbers or fractions (`1/3`); a blank cell is a missing judgement. UTF-8 (with or without
BOM) or GB18030. Read by `cli.py ahp` (one file per `--matrix`) and the Strategy page's group
judgements (one file per person).
"""

from __future__ import annotations

import csv
from fractions import Fraction

from analytics.ahp import AhpInputError


class MatrixFileError(AhpInputError):
    key = "strategy.error.matrix_file"


def _cell(text: str, name: str, row: int, column: int) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError) as e:
        raise MatrixFileError(f"{name} row {row} column {column}: {text!r}", file=name,
                              row=row, column=column, value=text) from e


def parse_matrix_csv(name: str, raw: bytes) -> tuple[list[str], list[list[float | None]]]:
    """(names, matrix with None for blank cells) of the CSV `raw` (called `name` in messages)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    if not rows:
        raise MatrixFileError(f"{name} is empty", key="strategy.error.matrix_empty", file=name)
    names = [c.strip() for c in rows[0][1:]]
    row_names = [r[0].strip() if r else "" for r in rows[1:]]
    if row_names != names:
        raise MatrixFileError(f"{name}: row names {row_names} differ from column names {names}",
                              key="strategy.error.matrix_names", file=name)
    matrix = [[_cell(c, name, i + 2, j + 2) for j, c in enumerate((r + [""] * len(names))[1:len(names) + 1])]
              for i, r in enumerate(rows[1:])]
    if any(len(r) - 1 > len(names) and any(c.strip() for c in r[len(names) + 1:]) for r in rows[1:]):
        raise MatrixFileError(f"{name} has cells beyond the last named column",
                              key="strategy.error.matrix_names", file=name)
    return names, matrix
