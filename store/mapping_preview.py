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
from store.import_read import RawFile, decode, head_text, read_text_table, sniff_separator
from store.import_read import _first_record as first_record
from store.importer import MAX_ROWS_PER_PROBLEM, _read_one_guarded
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


def read_head(data: bytes) -> tuple[list[str], dict[str, list[str]]] | None:
    """(headers, header -> its cells) of the start of a file; None when it cannot be decoded."""
    decoded = decode(head_bytes(data))
    if decoded is None or not decoded[0].strip():
        return None
    body = decoded[0]
    head = head_text(body)
    separator = sniff_separator(head)
    headers = first_record(head, separator)
    text = read_text_table("", body, separator, [None] * len(headers), MAX_ROWS_PER_PROBLEM)
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
    small = head_bytes(data, 256 << 10)
    _, parsed = _read_one_guarded(RawFile(name, small), Collector(MAX_ROWS_PER_PROBLEM), ImportLimits.from_env(),
                             Mapping((file.with_match("*"),)), as_of)
    if parsed is None:
        return pd.DataFrame()
    table = parsed.table.slice(0, rows)
    frame = table.drop_columns([ROW]).to_pandas()
    frame.index = table[ROW].to_pylist()
    return frame
