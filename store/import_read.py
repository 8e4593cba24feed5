"""Reading import files: gathering them (files, folders, zips, workbooks), decoding, splitting and header matching.

The stages, each reporting `Problem`s rather than stopping:
  gather   paths or uploaded (name, bytes) -> `RawFile`s; zips are opened, folders listed, every
           byte counted against `ImportLimits` while it is read (zip members streamed in chunks)
  decode   UTF-8, UTF-8 with BOM, UTF-16 with BOM, else GB18030 (a superset of GBK); the result is UTF-8
  sniff    the separator (`,` `;` or tab) that splits a row of the file's start into the most known columns
  header   the header row: the first of the first HEADER_SCAN_ROWS records (ending at CR, LF or CRLF)
           that matches a kind, so title and blank rows above it are skipped (`find_header_row`)
  sources  a CSV file, or each sheet of a workbook (`store.workbook`), as a `Source`: name, header row,
           headers and `read_rows`; `iter_sources` is the seam where a column mapping can take over
  headers  the kind whose columns the headers match best; each header mapped to a canonical column,
           unknown headers reported with the closest known column (difflib)
  table    every cell as text, with each row's record number as a spreadsheet shows it (header = 1).
           In a comma-separated file an unquoted `1,200` splits one cell in two; such a row is put
           back together when exactly one reading fits the columns, and refused otherwise.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import lzma
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from store.contract import (
    HEADER_INDEX,
    KINDS,
    Column,
    Kind,
    header_candidates,
    kind_from_file_name,
    normalise_header,
)
from store.import_limits import MB, ImportLimits
from store.import_types import WARNING, Problem

SEPARATORS: tuple[str, ...] = (",", ";", "\t")
MAX_COLUMNS = 200  # the widest kind has 16 columns; a header row of more cells is refused unread
MAX_HEADER_CHARS = 200  # a longer header cell is never a known column, and is not looked up
MAX_GLUED_GROUPS = 6  # `1,234,567,890,123,456`: a glued number has at most this many 3-digit groups
DECODE_CHUNK = 1 << 22  # bytes decoded at a time when checking or converting a file's encoding
SPOOL_BYTES = 16 << 20  # a zip member expands in memory up to this size, then into a temporary file
CHUNK_BYTES = 1 << 20  # a zip member is expanded this many bytes at a time, each counted against the limits
# What the zip reader raises on a damaged archive (fuzzing found each of these): all mean "cannot be opened".
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, RuntimeError,
    NotImplementedError, IndexError, KeyError, ValueError, OverflowError, struct.error,
)
_NUMERIC_TYPES = {"int", "number", "score"}
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")
HEADER_SCAN_ROWS = 20  # the header row is looked for among this many first records (title rows above it)


@dataclass(frozen=True)
class RawFile:
    """One file's name (as shown to the user) and bytes, before decoding.

    A CSV file on disk is held by its `path` and `size` instead of its bytes: `read()` reads it when it
    is parsed, so an import holds one file's bytes at a time, not every file's at once. Its SHA-256 is
    taken while gathering (`hash_file`), and reading stops at `size`, the bytes counted against the limits.
    """

    name: str
    data: bytes = b""
    path: Path | None = None
    size: int = 0

    def read(self) -> bytes:
        if self.path is None:
            return self.data
        with self.path.open("rb") as stream:
            return stream.read(self.size)

    @cached_property
    def sha256(self) -> str:
        if self.path is None:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256()
        with self.path.open("rb") as stream:
            if not self.size:
                stream.read(1)  # a file of no stated size (a /proc file) may still fail to read: find out now
            left = self.size
            while left > 0 and (chunk := stream.read(min(CHUNK_BYTES, left))):
                digest.update(chunk)
                left -= len(chunk)
        return digest.hexdigest()


@dataclass
class HeaderMatch:
    """How one file's header row maps onto a kind."""

    kind: Kind | None
    headers: list[str]
    mapping: list[Column | None]  # per header position
    problems: list[Problem] = field(default_factory=list)


@dataclass
class TextTable:
    """Every cell as text (columns c0..cN-1 in header order) and each row's record number."""

    table: pa.Table
    row_numbers: np.ndarray
    problems: list[Problem] = field(default_factory=list)


# --- gather --------------------------------------------------------------------------------------------


def _is_csv(name: str) -> bool:
    return name.lower().endswith((".csv", ".tsv", ".txt"))


def is_workbook(name: str) -> bool:
    """An Excel workbook we read (`.xlsx`, `.xlsm`): each sheet is one file of the import."""
    return name.lower().endswith(WORKBOOK_SUFFIXES)


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag; Python reads them as cp437.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def normalise_member_name(name: str) -> str:
    """The member's path with `/` separators: Windows tools write `march\\projects.csv`."""
    return name.replace("\\", "/")


def is_unsafe_member(name: str) -> bool:
    """A member path that climbs out of the archive (`../`), starts at a root (`/x`, `C:`) or holds a NUL.

    Nothing is ever extracted to disk, but such a name only comes from a broken or hostile tool, so the
    archive is refused and the member named instead of quietly reading or skipping it.
    """
    return (
        name.startswith("/")
        or (len(name) > 1 and name[1] == ":" and name[0].isalpha())
        or ".." in name.split("/")
        or "\x00" in name
    )


class _Reader:
    """Gathers files under one `ImportLimits`: counts every byte as it is read (a CSV file whole, a zip
    member in chunks) and stops at the first limit, dropping what it had read (the import is refused)."""

    def __init__(self, limits: ImportLimits | None) -> None:
        self.limits = limits or ImportLimits.from_env()
        self.used = 0
        self.files: list[RawFile] = []
        self.problems: list[Problem] = []
        self.stopped = False

    def _too_large(self, name: str, member: str | None = None) -> None:
        self.problems.append(Problem(name, None, None, member, "too_large", {"limit_mb": self.limits.max_total_mb}))
        self._stop()

    def _stop(self) -> None:
        self.stopped = True
        self.files = []  # refused anyway: release the memory before the report is built

    def fits(self, size: int) -> bool:
        return self.used + size <= self.limits.max_total_bytes

    def add_csv(self, name: str, data: bytes) -> None:
        if not self.fits(len(data)):
            self._too_large(name)
            return
        self.used += len(data)
        self.files.append(RawFile(name, data))

    def add_csv_path(self, path: Path) -> None:
        """A CSV file on disk, counted by its size and hashed now; its bytes are read when it is parsed."""
        size = path.stat().st_size
        if not self.fits(size):
            self._too_large(path.name)
            return
        raw = RawFile(path.name, path=path, size=size)
        raw.sha256  # noqa: B018 - read now: an unreadable file is reported while gathering, as before
        self.used += size
        self.files.append(raw)

    def add_zip(self, name: str, source: bytes | Path) -> None:
        """The CSV members of a zip (folders, macOS metadata and hidden files skipped; others reported)."""
        size = len(source) if isinstance(source, bytes) else source.stat().st_size
        try:
            archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        except ZIP_ERRORS:
            self.problems.append(Problem(name, None, None, None, "bad_zip"))
            return
        with archive:
            try:
                members = sorted(
                    ((normalise_member_name(_zip_member_name(m)), m) for m in archive.infolist() if not m.is_dir()),
                    key=lambda pair: pair[0],
                )
            except ZIP_ERRORS:
                self.problems.append(Problem(name, None, None, None, "bad_zip"))
                return
            expanded = [0]  # bytes this archive expanded to so far (for the ratio)
            for member_name, member in members:
                if self.stopped:
                    return
                self._add_member(name, size, archive, member_name, member, expanded)

    def _add_member(self, name: str, size: int, archive: zipfile.ZipFile, member_name: str,
                    member: zipfile.ZipInfo, expanded: list[int]) -> None:
        base = member_name.rsplit("/", 1)[-1]
        if is_unsafe_member(member_name):
            self.problems.append(Problem(name, None, None, member_name, "unsafe_member"))
            return
        if member_name.startswith("__MACOSX/") or base.startswith(".") or not base:
            return
        if not _is_csv(base) and not is_workbook(base):
            self.problems.append(Problem(name, None, None, member_name, "skipped_member", severity=WARNING))
            return
        # Expanded into a file that stays in memory while small: a member refused half-way (too large,
        # too high a ratio) then never held more than SPOOL_BYTES of memory.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(CHUNK_BYTES):
                        expanded[0] += len(chunk)
                        if not self.fits(buffer.tell() + len(chunk)):
                            self._too_large(name, member_name)
                            return
                        if expanded[0] > max(self.limits.ratio_free_bytes, self.limits.max_ratio * size):
                            params = {"limit": self.limits.max_ratio, "size_mb": round(size / MB, 2)}
                            self.problems.append(Problem(name, None, None, member_name, "zip_ratio", params))
                            self._stop()
                            return
                        buffer.write(chunk)
            except ZIP_ERRORS:
                self.problems.append(Problem(name, None, None, member_name, "bad_zip_member"))
                return
            buffer.seek(0)
            data = buffer.read()
        if is_workbook(base):
            self.add_workbook(f"{name}/{member_name}", data)
            return
        self.used += len(data)
        self.files.append(RawFile(f"{name}/{member_name}", data))

    def add_workbook(self, name: str, data: bytes) -> None:
        """An .xlsx/.xlsm file, kept whole once its expansion was measured.

        A workbook is a zip: every part is expanded here in chunks and counted against the total and
        the ratio, as a zip's members are, before the workbook reader (which expands in memory) sees it.
        """
        expanded = 0
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.infolist():
                    with archive.open(member) as stream:
                        while chunk := stream.read(CHUNK_BYTES):
                            expanded += len(chunk)
                            if not self.fits(expanded):
                                self._too_large(name)
                                return
                            if expanded > max(self.limits.ratio_free_bytes, self.limits.max_ratio * len(data)):
                                params = {"limit": self.limits.max_ratio, "size_mb": round(len(data) / MB, 2)}
                                self.problems.append(Problem(name, None, None, None, "zip_ratio", params))
                                self._stop()
                                return
        except ZIP_ERRORS:
            self.problems.append(Problem(name, None, None, None, "bad_workbook"))
            return
        self.used += expanded
        self.files.append(RawFile(name, data))


def expand_zip(name: str, data: bytes, limits: ImportLimits | None = None) -> tuple[list[RawFile], list[Problem]]:
    """The CSV members of a zip, read under `limits` (default: from the environment)."""
    reader = _Reader(limits)
    reader.add_zip(name, data)
    return reader.files, reader.problems


def gather_uploads(
    uploads: Iterable[tuple[str, bytes]], limits: ImportLimits | None = None
) -> tuple[list[RawFile], list[Problem]]:
    """Uploaded (name, bytes): CSVs and workbooks kept, zips opened, anything else reported; all under `limits`."""
    reader = _Reader(limits)
    for name, data in uploads:
        if reader.stopped:
            break
        if name.lower().endswith(".zip"):
            reader.add_zip(name, data)
        elif is_workbook(name):
            reader.add_workbook(name, data)
        elif _is_csv(name):
            reader.add_csv(name, data)
        else:
            reader.problems.append(Problem(name, None, None, None, "unsupported_file"))
    return reader.files, reader.problems


def gather_paths(
    paths: Iterable[str | os.PathLike[str]], limits: ImportLimits | None = None
) -> tuple[list[RawFile], list[Problem]]:
    """Files, folders (their CSV, workbook and zip files, not recursive) and zips on disk, all under `limits`.

    A CSV file is sized and hashed here and read only when it is parsed; a zip is read member by member
    from the disk.
    """
    reader = _Reader(limits)
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                found += sorted(p for p in path.iterdir() if p.is_file() and (
                    _is_csv(p.name) or is_workbook(p.name) or p.suffix.lower() == ".zip"))
            elif path.is_file():
                found.append(path)
            else:
                reader.problems.append(Problem(str(path), None, None, None, "no_such_file"))
        except OSError as e:
            reader.problems.append(Problem(str(path), None, None, None, "cannot_open", {"message": e.strerror or ""}))
    for path in found:
        if reader.stopped:
            break
        try:
            if path.suffix.lower() == ".zip":
                reader.add_zip(path.name, path)
            elif is_workbook(path.name) and reader.fits(path.stat().st_size):
                reader.add_workbook(path.name, path.read_bytes())
            elif not _is_csv(path.name) and not is_workbook(path.name):
                reader.problems.append(Problem(path.name, None, None, None, "unsupported_file"))
            else:
                reader.add_csv_path(path)
        except OSError as e:  # unreadable (permissions), vanished, or not a regular file after all
            reader.problems.append(Problem(path.name, None, None, None, "cannot_open", {"message": e.strerror or ""}))
    return reader.files, reader.problems


# --- decode and sniff ----------------------------------------------------------------------------------


def _decoded_chunks(data: bytes, encoding: str) -> Iterator[str]:
    """`data` decoded piece by piece (DECODE_CHUNK bytes at a time), so a large file is never held as
    one Python string; raises UnicodeDecodeError as `bytes.decode` would."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    for start in range(0, len(data), DECODE_CHUNK):
        yield decoder.decode(view[start : start + DECODE_CHUNK])
    yield decoder.decode(b"", final=True)


def _is_utf8(data: bytes) -> bool:
    try:
        for _ in _decoded_chunks(data, "utf-8"):
            pass
    except UnicodeDecodeError:
        return False
    return True


class FileBody:
    """A UTF-8 file's text on disk (bytes `start` to `end` of `path`), used where a decoded file's bytes are:
    its length, small slices (the head for sniffing), and `stream(offset)` for the table reader, which
    reads it block by block. So a large CSV file is never held whole in memory."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self.path, self.start, self.end = path, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, part: slice) -> bytes:
        first, stop, _ = part.indices(len(self))
        with self.path.open("rb") as stream:
            stream.seek(self.start + first)
            return stream.read(max(stop - first, 0))

    def stream(self, offset: int = 0) -> io.RawIOBase:
        return _FileSlice(self.path, self.start + offset, self.end)


class _FileSlice(io.RawIOBase):
    """Bytes `start` to `end` of a file as a stream (a file that grew since it was counted is read no further)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer, as io.RawIOBase defines it
        size = min(len(buffer), self._left)
        if size <= 0:
            return 0
        got = self._file.readinto(memoryview(buffer)[:size]) or 0
        self._left -= got
        return got

    def close(self) -> None:
        self._file.close()
        super().close()


def _is_utf8_file(path: Path, start: int, end: int) -> bool:
    """Whether bytes `start` to `end` of a file are UTF-8, read DECODE_CHUNK bytes at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with _FileSlice(path, start, end) as stream:
            while chunk := stream.read(DECODE_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_raw(raw: RawFile) -> tuple[bytes | FileBody, str] | None:
    """`decode` of a file's bytes; a UTF-8 file on disk (with or without a BOM) stays on disk as a `FileBody`."""
    if raw.path is None:
        return decode(raw.data)
    with raw.path.open("rb") as stream:
        start = stream.read(3)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: converted in memory, as `decode` does
        return decode(raw.read())
    offset = 3 if start == b"\xef\xbb\xbf" else 0
    end = raw.size
    if _is_utf8_file(raw.path, offset, end):
        return FileBody(raw.path, offset, end), "utf-8-sig" if offset else "utf-8"
    return None if offset else decode(raw.read())  # GB18030, converted in memory


def decode(data: bytes) -> tuple[bytes, str] | None:
    """(UTF-8 bytes without BOM, encoding name), or None when the bytes are neither UTF-8 nor GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        return (body, "utf-8-sig") if _is_utf8(body) else None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            text = b"".join(chunk.encode("utf-8") for chunk in _decoded_chunks(data, "utf-16"))
        except UnicodeDecodeError:
            return None
        # Text never holds NUL or the non-characters U+FFFE/U+FFFF: such "UTF-16" is really other bytes.
        return None if b"\x00" in text or b"\xef\xbf\xbe" in text or b"\xef\xbf\xbf" in text else (text, "utf-16")
    if data.isascii() or _is_utf8(data):
        return data, "utf-8"
    try:
        return b"".join(chunk.encode("utf-8") for chunk in _decoded_chunks(data, "gb18030")), "gb18030"
    except UnicodeDecodeError:
        return None


def _first_record(text: str, separator: str) -> list[str]:
    # newline="": records end at CR, LF or CRLF (old Mac files end lines with CR alone)
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
    except csv.Error:
        return []


def _candidates(header: str) -> list[str]:
    """The spellings to look up for a header; none for a header too long to be a column name (the
    bracket-splitting pattern behind `header_candidates` is slow on long text)."""
    return header_candidates(header) if len(header) <= MAX_HEADER_CHARS else []


def _known_header_count(cells: list[str]) -> int:
    # A row wider than any header may be is not looked up cell by cell (a hostile 30,000-cell row).
    return sum(1 for cell in cells[: MAX_COLUMNS + 1] if any(c in HEADER_INDEX for c in _candidates(cell)))


def head_records(head: str, separator: str, count: int = HEADER_SCAN_ROWS) -> list[tuple[list[str], int]]:
    """The first `count` records of `head`, each with the UTF-8 byte offset just after it.

    Records end at CR, LF or CRLF; a quoted cell may hold line breaks. The offsets let the table
    reader start right after a header row that is not the first record (title rows above it).
    """
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(head, newline=""):
            consumed += len(line.encode("utf-8", errors="surrogatepass"))
            yield line

    found: list[tuple[list[str], int]] = []
    try:
        for record in csv.reader(lines(), delimiter=separator):
            found.append((record, consumed))
            if len(found) >= count:
                break
    except csv.Error:
        pass
    return found


def sniff_separator(head: str) -> str:
    """The separator that splits a row of the file's start into the most known column names (ties:
    more cells in the first non-empty row, then the order of SEPARATORS)."""
    scored = []
    for order, separator in enumerate(SEPARATORS):
        records = [cells for cells, _ in head_records(head, separator)]
        known = max((_known_header_count(cells) for cells in records), default=0)
        first = next((cells for cells in records if _non_empty(cells)), [])
        scored.append((known, len(first), -order, separator))
    return max(scored)[3]


def _non_empty(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _looks_like_data(cells: list[str]) -> bool:
    """Most filled cells are numbers or dates: a data row, not a header."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    numeric = sum(1 for cell in filled if cell[:1].isdigit() or cell[:1] in "+-.")
    return bool(filled) and numeric * 2 > len(filled)


@dataclass(frozen=True)
class HeaderRow:
    """Where a file's header row is: its position among the first records and why it may be odd."""

    index: int  # 0-based record index (title and blank rows above it are skipped)
    cells: list[str]
    reason: str | None = None  # when no row matched a kind: what is odd about the chosen row


def find_header_row(records: list[list[str]], hint_name: str, line_endings: str | None = None) -> HeaderRow:
    """The first of `records` whose cells match a file kind; failing that, the first that looks like a
    header (at least two filled cells, at least half as many as the widest row, not mostly numbers).

    `reason` says, for a file no row of which matched, why its header is odd: every row empty, the
    header is one cell (a separator we do not read), it holds values rather than names, or the file
    has old Mac (CR-only) line endings.
    """
    for index, cells in enumerate(records):
        if _non_empty(cells) >= 2 and len(cells) <= MAX_COLUMNS and choose_kind(cells, hint_name) is not None:
            return HeaderRow(index, cells)
    filled = [i for i, cells in enumerate(records) if _non_empty(cells)]
    if not filled:
        return HeaderRow(0, records[0] if records else [], "header_empty")
    widest = max(_non_empty(records[i]) for i in filled)
    index = next(
        (i for i in filled if _non_empty(records[i]) >= max(2, (widest + 1) // 2) and not _looks_like_data(records[i])),
        filled[0],
    )
    cells = records[index]
    if _non_empty(cells) == 1 and widest == 1:
        reason = "header_one_cell"
    elif _looks_like_data(cells):
        reason = "header_is_data"
    elif line_endings == "cr":
        reason = "header_cr_only"
    elif any(("\n" in cell or "\r" in cell) for cell in cells):
        reason = "header_line_breaks"
    else:
        reason = None
    return HeaderRow(index, cells, reason)


def line_endings(head: bytes) -> str | None:
    """How the file ends its lines: "crlf", "lf", "cr" (old Mac), or None (a single line)."""
    if b"\r\n" in head:
        return "crlf"
    if b"\n" in head:
        return "lf"
    return "cr" if b"\r" in head else None


# --- headers -------------------------------------------------------------------------------------------


def _match_in_kind(header: str, kind: Kind) -> Column | None:
    for candidate in _candidates(header):
        name = HEADER_INDEX.get(candidate, {}).get(kind.name)
        if name is not None:
            return kind.column(name)
    return None


def choose_kind(headers: list[str], file_name: str) -> Kind | None:
    """The kind whose columns the headers match best; the file name breaks ties."""
    hinted = kind_from_file_name(file_name)
    scored = []
    for kind in KINDS.values():
        matched = {c.name for h in headers if (c := _match_in_kind(h, kind)) is not None}
        required = sum(1 for c in kind.required if c.name in matched)
        missing = len(kind.required) - required
        scored.append((len(matched), -missing, kind.name == hinted, kind.name))
    best = max(scored)
    matched_count, negative_missing, hinted_best, name = best
    # One or two stray known words (a "name" column) do not make a file: it needs a required column
    # and either most of its required columns or a file name that says what it is.
    enough = matched_count >= 2 and (-negative_missing <= len(KINDS[name].required) // 2 or hinted_best)
    if not enough:
        return None
    return KINDS[name]


def closest_column(header: str, kind: Kind) -> Column | None:
    """The known column of `kind` whose name or Chinese alias is spelt most like `header` (difflib)."""
    spellings = {normalise_header(s): col for col in kind.columns for s in (col.name, col.zh)}
    for candidate in _candidates(header):
        close = difflib.get_close_matches(candidate, list(spellings), n=1, cutoff=0.6)
        if close:
            return spellings[close[0]]
    return None


def match_headers(file_name: str, headers: list[str], header_row: int = 1, hint_name: str | None = None) -> HeaderMatch:
    """Map each header to a column of the recognised kind and report what does not fit.

    `header_row` is the header's record number (1 unless title rows sit above it); `hint_name` is the
    name that suggests a kind (the file name, or a workbook's sheet name), default `file_name`.
    """
    hint_name = hint_name or file_name
    if len(headers) > MAX_COLUMNS:  # every header would be looked up and spelt against every column
        params = {"count": len(headers), "limit": MAX_COLUMNS}
        return HeaderMatch(None, headers, [None] * len(headers), [Problem(file_name, header_row, None, None, "too_many_columns", params)])
    kind = choose_kind(headers, hint_name)
    if kind is None:
        shown = ", ".join(h for h in headers[:8] if h.strip())
        hinted = kind_from_file_name(hint_name)
        params = {"headers": shown, "kind": hinted or ""}
        return HeaderMatch(None, headers, [None] * len(headers), [
            Problem(file_name, header_row, None, None, "unknown_kind_named" if hinted else "unknown_kind", params)
        ])
    mapping: list[Column | None] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for header in headers:
        column = _match_in_kind(header, kind) if header.strip() else None
        if column is not None and column.name in seen:
            problems.append(Problem(file_name, header_row, header, header, "duplicate_column", {"other": seen[column.name]}))
            column = None
        elif column is not None:
            seen[column.name] = header
        elif header.strip():
            problems.append(_unknown_header(file_name, header, kind, seen, header_row))
        mapping.append(column)
    for column in kind.required:
        if column.name not in seen:
            problems.append(
                Problem(file_name, header_row, None, None, "missing_column", {"column_name": column.name, "alias": column.zh})
            )
    return HeaderMatch(kind, headers, mapping, problems)


def _unknown_header(file_name: str, header: str, kind: Kind, seen: dict[str, str], header_row: int = 1) -> Problem:
    closest = closest_column(header, kind)
    if closest is None or closest.name in seen:
        return Problem(file_name, header_row, header, header, "unknown_column_plain", severity=WARNING)
    params = {"column_name": closest.name, "alias": closest.zh}
    return Problem(file_name, header_row, header, header, "unknown_column", params, WARNING)


# --- table ---------------------------------------------------------------------------------------------


def _glued_value_fits(text: str, column: Column | None) -> bool:
    """Whether `1,200`-style text glued from split cells is a number this column accepts."""
    if column is None or column.type not in _NUMERIC_TYPES:
        return False
    try:
        number = float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    if column.type == "int" and not number.is_integer():
        return False
    too_low = column.minimum is not None and number < column.minimum
    too_high = column.maximum is not None and number > column.maximum
    return not (too_low or too_high)


def _thousands_readings(fields: list[str], columns: list[Column | None]) -> list[list[str]]:
    """Ways to glue split `1,200` cells back so that `fields` fill exactly one cell per column.

    Only numeric columns may take a glued value, and only one their range accepts; at most two
    readings are looked for (two means ambiguous). Each (field, column) position is solved once, so a
    long row of 3-digit fields costs fields x columns x MAX_GLUED_GROUPS steps, not an exponential walk.
    """
    if len(fields) > len(columns) * MAX_GLUED_GROUPS:
        return []
    solved: dict[tuple[int, int], list[list[str]]] = {}

    def from_here(i: int, j: int) -> list[list[str]]:
        """Up to two readings of fields[i:] into columns[j:]."""
        if j == len(columns):
            return [[]] if i == len(fields) else []
        if i >= len(fields) or len(fields) - i < len(columns) - j:
            return []
        if (i, j) in solved:
            return solved[(i, j)]
        found = [[fields[i], *rest] for rest in from_here(i + 1, j + 1)]
        head = fields[i].strip().lstrip("+-")
        k = i + 1
        while len(found) < 2 and head.isdigit() and len(head) <= 3 and k < len(fields) and k - i < MAX_GLUED_GROUPS:
            tail = fields[k].strip()
            if not (len(tail) >= 3 and tail[:3].isdigit() and (len(tail) == 3 or tail[3] in ".%")):
                break
            glued = ",".join(f.strip() for f in fields[i : k + 1])
            if _glued_value_fits(glued, columns[j]):
                found += [[glued, *rest] for rest in from_here(k + 1, j + 1)]
            if len(tail) != 3:
                break  # a decimal part or percent sign ends the number
            k += 1
        solved[(i, j)] = found[:2]
        return solved[(i, j)]

    return from_here(0, 0)


def _repair_row(text: str, separator: str, columns: list[Column | None]) -> tuple[list[str] | None, bool]:
    """(cells, was_glued) for a row with the wrong number of cells, or (None, False) if unreadable."""
    try:
        fields = next(csv.reader(io.StringIO(text), delimiter=separator), [])
    except csv.Error:
        return None, False
    width = len(columns)
    if len(fields) > width and not any(f.strip() for f in fields[width:]):
        return fields[:width], False  # trailing empty cells, as some spreadsheets write them
    if len(fields) > width and separator == ",":
        readings = _thousands_readings(fields, columns)
        if len(readings) == 1:
            return readings[0], True
    return None, False


def read_text_table(
    file_name: str, body: bytes | FileBody, separator: str, columns: list[Column | None], limit: int = 100,
    header_end: int | None = None, header_row: int = 1,
) -> TextTable:
    """All rows as text; `columns` (the column per header position, None if unmapped) guide repair.

    Without `header_end` the header is the first record; with it, reading starts at that byte offset
    (just after a header row that is record `header_row`, below title or blank rows), without a copy.
    Rows that cannot be split are reported, at most `limit` of them per problem (then a count).
    """
    width = len(columns)
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int | None, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    # A header and nothing (or only line ends) below it: Arrow would call the rest an empty file.
    if header_end is not None and len(body) - header_end < 65536 and not body[header_end:].strip():
        return TextTable(pa.table({n: pa.array([], pa.string()) for n in names}), np.array([], np.int32))
    if header_end is None:
        source, skip, shift = (body.stream() if isinstance(body, FileBody) else io.BytesIO(body)), 1, 0
    elif isinstance(body, FileBody):
        source, skip, shift = body.stream(header_end), 0, header_row
    else:
        source, skip, shift = pa.BufferReader(pa.py_buffer(body)[header_end:]), 0, header_row
    try:
        with source:
            table = pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(use_threads=False, column_names=names, skip_rows=skip, block_size=1 << 22),
                parse_options=pacsv.ParseOptions(
                    delimiter=separator, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        problem = Problem(file_name, None, None, None, "unreadable", {"message": str(e).splitlines()[0][:200]})
        return TextTable(pa.table({n: pa.array([], pa.string()) for n in names}), np.array([], np.int32), [problem])
    invalid = [(None if n is None else n + shift, text) for n, text in invalid]
    total = table.num_rows + len(invalid)
    # int32 row numbers (half of int64's 73 MB on a nine-million-row file) whenever they fit
    number_type = np.int32 if total + header_row < 2**31 else np.int64
    numbers = np.arange(header_row + 1, total + header_row + 1, dtype=number_type)
    problems: list[Problem] = []
    if invalid:
        bad_numbers = np.array([n for n, _ in invalid if n is not None], dtype=np.int64)
        numbers = numbers[~np.isin(numbers, bad_numbers)]
        repaired_rows, repaired_numbers = [], []
        for number, text in invalid:
            cells, glued = _repair_row(text, separator, columns)
            if cells is None:
                found = len(_first_record(text, separator))
                params = {"expected": width, "found": found}
                problems.append(Problem(file_name, number, None, text[:200], "field_count", params))
                continue
            if glued:
                problems.append(Problem(file_name, number, None, text[:200], "thousands_glued", severity=WARNING))
            repaired_rows.append(cells)
            repaired_numbers.append(number)
        problems = _capped(problems, limit)
        if repaired_rows:
            extra = pa.table({n: pa.array([r[i] for r in repaired_rows], pa.string()) for i, n in enumerate(names)})
            table = pa.concat_tables([table, extra])
            numbers = np.concatenate([numbers, np.array(repaired_numbers, dtype=number_type)])
    return _drop_blank_rows(TextTable(table, numbers, problems))


def _capped(problems: list[Problem], limit: int) -> list[Problem]:
    """At most `limit` problems per code, the rest counted in one "… and N more rows" problem."""
    kept: list[Problem] = []
    shown: dict[str, int] = {}
    extra: dict[str, list[Problem]] = {}
    for problem in problems:
        if shown.get(problem.code, 0) < limit:
            shown[problem.code] = shown.get(problem.code, 0) + 1
            kept.append(problem)
        else:
            extra.setdefault(problem.code, []).append(problem)
    for code, rest in extra.items():
        params = {"count": len(rest), "inner": code, **rest[0].params}
        if code == "field_count":
            params["found"] = "…"  # differs row by row
        kept.append(Problem(rest[0].file, None, None, None, "more_rows", params, rest[0].severity))
    return kept


def _drop_blank_rows(text_table: TextTable) -> TextTable:
    """Leave out rows whose cells are all empty (blank lines), keeping the others' record numbers."""
    table = text_table.table
    if table.num_rows == 0 or table.num_columns == 0:
        return text_table
    # A blank row has an empty first cell (or only spaces: not a trimmed copy of the column, which is
    # as large as the column): test the other cells only on those few candidates.
    first = table.column(0)
    candidates = np.flatnonzero(_to_bool(pc.equal(first, "")) | _to_bool(pc.utf8_is_space(first)))
    if not len(candidates):
        return text_table
    subset = table.take(pa.array(candidates))
    blank = np.ones(len(candidates), dtype=bool)
    for column in subset.columns[1:]:
        blank &= _to_bool(pc.equal(pc.utf8_trim_whitespace(column), ""))
    if not blank.any():
        return text_table
    keep = np.ones(table.num_rows, dtype=bool)
    keep[candidates[blank]] = False
    return TextTable(table.filter(pa.array(keep)), text_table.row_numbers[keep], text_table.problems)


def _to_bool(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def head_text(body: bytes, limit: int = 65536) -> str:
    """The start of the decoded file, cut at a line end (LF, or CR in an old Mac file), for sniffing
    and headers."""
    head = body[:limit]
    if len(body) > limit:
        end = max(head.rfind(b"\n"), head.rfind(b"\r"))
        if end > 0:
            head = head[: end + 1]
    return head.decode("utf-8", errors="replace")


# --- sources: what header matching (or a column mapping) works on --------------------------------------


@dataclass
class Source:
    """One table of an import, a CSV file or one sheet of a workbook: its header row and its rows.

    `headers` are the header row's cells as written; the header row is record `header_row` (1-based,
    as a spreadsheet shows it; rows above it were title or blank rows, see `notes`). `read_rows`
    gives every row below it as text, with record numbers, once the column per header position is
    known (from `match_headers`, or from a column mapping). A source that cannot be read at all
    (`readable` False) only carries `notes` saying why.
    """

    name: str  # as shown in problems: the file, `bundle.zip/member.csv` or `book.xlsx/sheet`
    raw: RawFile  # the file it came from (its SHA-256 identifies the import)
    headers: list[str]
    header_row: int = 1
    sheet: str | None = None  # the sheet's name, for a workbook
    encoding: str | None = None
    separator: str | None = None  # ",", ";" or "\t" for a CSV file
    line_endings: str | None = None  # "crlf", "lf", "cr" (old Mac) for a CSV file
    header_reason: str | None = None  # why the header row may be odd when it matched no kind
    notes: list[Problem] = field(default_factory=list)
    readable: bool = True
    reader: Callable[[list[Column | None], int], TextTable] | None = None

    @property
    def hint_name(self) -> str:
        """The name that may say which kind this is: the file name, or the sheet's name."""
        return f"{self.sheet}.xlsx" if self.sheet is not None else self.name

    def read_rows(self, columns: list[Column | None], limit: int = 100) -> TextTable:
        """Every row below the header as text (`columns` per header position guide repairs)."""
        if self.reader is None:
            raise ValueError(f"{self.name} has no rows to read")
        return self.reader(columns, limit)

    def release(self) -> None:
        """Drop what the reader holds (a workbook sheet's cells); `read_rows` cannot be called after."""
        self.reader = None


def skipped_rows_note(name: str, records: list[list[str]], header_index: int) -> list[Problem]:
    """A warning naming the title rows above the header that were skipped (blank rows need none)."""
    skipped = [" ".join(c.strip() for c in cells if c.strip()) for cells in records[:header_index]]
    shown = " | ".join(text for text in skipped if text)
    if not shown:
        return []
    params = {"rows": header_index, "header_row": header_index + 1}
    return [Problem(name, header_index + 1, None, shown[:200], "title_rows_skipped", params, WARNING)]


def csv_source(raw: RawFile) -> Source:
    """A CSV file as a source: decoded, its separator sniffed and its header row found."""
    decoded = decode_raw(raw)
    if decoded is None:
        return Source(raw.name, raw, [], readable=False, notes=[Problem(raw.name, None, None, None, "encoding")])
    body, encoding = decoded
    if not len(body) or (len(body) < 65536 and not body[:].strip()):
        return Source(raw.name, raw, [], encoding=encoding, readable=False,
                      notes=[Problem(raw.name, None, None, None, "empty_file")])
    head = head_text(body)
    endings = line_endings(body[:65536])
    separator = sniff_separator(head)
    records = head_records(head, separator)
    found = find_header_row([cells for cells, _ in records], raw.name, endings)
    header_end = records[found.index][1] if records else len(body)

    def reader(columns: list[Column | None], limit: int) -> TextTable:
        return read_text_table(raw.name, body, separator, columns, limit, header_end=header_end, header_row=found.index + 1)

    notes = skipped_rows_note(raw.name, [cells for cells, _ in records], found.index)
    return Source(raw.name, raw, found.cells, found.index + 1, None, encoding, separator, endings, found.reason, notes,
                  reader=reader)


def iter_sources(raws: Iterable[RawFile]) -> Iterator[Source]:
    """Each file's sources in order: a CSV file is one, a workbook one per sheet (`store.workbook`).

    This is the seam between reading and matching: header matching (`match_headers`) or a column
    mapping looks at `Source.headers`, then calls `Source.read_rows` with the column per position.
    """
    from store.workbook import workbook_sources  # the workbook reader imports this module

    for raw in raws:
        if is_workbook(raw.name):
            yield from workbook_sources(raw)
        else:
            yield csv_source(raw)
