"""What the Data page's mapping step shows: a file's headers and values, and its first rows as a
mapping would import them. Reads only the start of the file (`HEAD_BYTES`), so the step stays quick
on a large upload; the full file is read by the check and the import as usual.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.compute as pc

from store.import_checks import ROW, Collector
from store.import_limits import ImportLimits
from store.import_read import RawFile, is_workbook, iter_sources
from store.importer import MAX_ROWS_PER_PROBLEM, ReadChoices, _read_guarded
from store.mapping import FileMapping, Mapping
from store.mapping_apply import find_header

HEAD_BYTES = 2 << 20  # the start of the file the step looks at
MAX_DISTINCT = 50  # distinct values offered for a value map


def head_bytes(data: bytes, limit: int = HEAD_BYTES) -> bytes:
    """The first `limit` bytes of a file, cut after its last complete line."""
    if len(data) <= limit:
        return data
    head = data[:limit]
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[: cut + 1] if cut > 0 else head


def read_head(data: bytes, name: str = "upload.csv") -> tuple[list[str], dict[str, list[str]]] | None:
    """(headers, header -> its cells) of the start of a file (its first sheet, for a workbook), as the
    import reads it; None when it cannot be read."""
    raw = RawFile(name, data if is_workbook(name) else head_bytes(data))
    source = next(iter_sources([raw]), None)
    if source is None or not source.readable:
        return None
    headers = source.headers
    text = source.read_rows([None] * len(headers), MAX_ROWS_PER_PROBLEM)
    cells = {h: text.table[f"c{i}"] for i, h in enumerate(headers) if text.table.num_columns > i}
    return headers, cells


def distinct_values(data: bytes, header: str, limit: int = MAX_DISTINCT) -> list[str]:
    """The distinct non-empty values of column `header` (as written, most frequent first), at most `limit`."""
    read = read_head(data)
    if read is None:
        return []
    headers, cells = read
    position = find_header(headers, header)
    if position is None:
        return []
    column = pc.utf8_trim_whitespace(cells[headers[position]])
    counts = pc.value_counts(column).to_pylist()
    ordered = sorted(((c["counts"], c["values"]) for c in counts if c["values"]), key=lambda p: (-p[0], p[1]))
    return [value for _, value in ordered[:limit]]


def preview(name: str, data: bytes, file: FileMapping, *, as_of: dt.date | None, rows: int = 10) -> pd.DataFrame:
    """The first `rows` rows of the file as the mapping imports them (contract columns, typed; a cell
    that would be refused is empty here and named in the check's report)."""
    small = data if is_workbook(name) else head_bytes(data, 256 << 10)
    choices = ReadChoices(mapping=Mapping((file.with_match("*"),)), as_of=as_of)
    results = _read_guarded(RawFile(name, small), Collector(MAX_ROWS_PER_PROBLEM), ImportLimits.from_env(), choices)
    parsed = results[0][1] if results else None
    if parsed is None:
        return pd.DataFrame()
    table = parsed.table.slice(0, rows)
    frame = table.drop_columns([ROW]).to_pandas()
    frame.index = table[ROW].to_pylist()
    return frame
