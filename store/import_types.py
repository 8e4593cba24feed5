"""Value types shared by the import modules: a reported problem and a recognised file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error: blocks the import) or suspicious (warning) in the files.

    `row` is the record number as a spreadsheet shows it (the header is row 1); None for a problem
    with the whole file. `column` is the header as written in the file. The text is
    `data.problem.<code>` in the i18n catalogue, filled with `params` (see `importer.problem_text`).
    """

    file: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class FileInfo:
    """A CSV file or workbook sheet the importer read: its kind, how it was decoded and split, rows,
    header mapping."""

    name: str
    kind: str | None  # None when the headers matched no kind
    encoding: str | None
    separator: str | None
    rows: int
    columns: tuple[tuple[str, str | None], ...]  # (header as written, canonical column or None if ignored)
    sha256: str
    header_row: int = 1  # the header's record number (below title or blank rows when above 1)
    line_endings: str | None = None  # "crlf", "lf" or "cr" (old Mac) for a CSV file
    units: tuple[tuple[str, str], ...] = ()  # (canonical column, unit written in its header), e.g. ("budget", "万元")
