"""Mutated contract files for fuzzing the import (shared by tests/test_import_fuzz.py and bench/import_fuzz.py).

`mutated_case(rng)` starts from the valid contract files (tests/resources/valid, or the zip bundle
tests/resources/valid_bundle.zip) and applies one to three mutations chosen by `rng`: byte flips,
truncation, inserted separators, quotes and newlines, long numbers, odd dates, renamed or dropped
headers, dropped columns, and corrupted or hand-built zips (lying sizes, backslash names, unknown
compression methods). Every choice comes from `rng`, so a seed gives the same case every time.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent / "resources"
VALID_FILES: tuple[tuple[str, bytes], ...] = tuple(
    (p.name, p.read_bytes()) for p in sorted((RESOURCES / "valid").glob("*.csv"))
)
VALID_BUNDLE: bytes = (RESOURCES / "valid_bundle.zip").read_bytes()

Files = list[tuple[str, bytes]]
ODD_CELLS = (
    b"", b" ", b"\"", b"\"\"", b",", b";", b"\t", b"\r\n", b"\n", b"\r", b"\x00", b"NaN", b"inf", b"-inf",
    b"1e999", b"-0", b"0x10", b"1,2,3", b"1,200.5%", b"45%", b"\xef\xbc\x91\xef\xbc\x92", b"2026-02-30",
    b"2026-13-01", b"0000-00-00", b"9999-12-31", b"2026\xe5\xb9\xb43\xe6\x9c\x88", b"202613", b"=1+1",
    b"\xff\xfe", b"\xe4\xb8", b"P001", b"O1", b"yes", b"TRUE", b"\xe6\x98\xaf", b"1" * 400 + b"x",
    b"9" * 330, b"1." + b"0" * 500 + b"e", b"+-1", b"..5", b"1e", b"e5", b"1 200", b"1\xe3\x80\x80200",
)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert_odd(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(ODD_CELLS) + data[at:]


def replace_cell(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    row = rng.randrange(len(lines))
    cells = lines[row].split(b",")
    cells[rng.randrange(len(cells))] = rng.choice(ODD_CELLS)
    lines[row] = b",".join(cells)
    return b"\n".join(lines)


def long_number(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    if len(lines) < 2:
        return data
    row = rng.randrange(1, len(lines))
    cells = lines[row].split(b",")
    digits = b"7" * rng.choice((50, 999, 1000, 1001, 2000))
    cells[rng.randrange(len(cells))] = digits + rng.choice((b"", b"x", b".5", b"e", b"%"))
    lines[row] = b",".join(cells)
    return b"\n".join(lines)


def change_header(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    headers = lines[0].split(b",")
    i = rng.randrange(len(headers))
    headers[i] = rng.choice((b"", b"project_id", b"objective_id", headers[i].upper(), headers[i] + b"x", b"\xe9\xa1\xb9\xe7\x9b\xae"))
    lines[0] = b",".join(headers)
    return b"\n".join(lines)


def drop_column(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    width = len(lines[0].split(b","))
    i = rng.randrange(width)
    kept = []
    for line in lines:
        cells = line.split(b",")
        kept.append(b",".join(c for j, c in enumerate(cells) if j != i))
    return b"\n".join(kept)


def duplicate_rows(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    if len(lines) < 2:
        return data
    row = rng.randrange(1, len(lines))
    return b"\n".join(lines + [lines[row]] * rng.randint(1, 3))


def swap_separator(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b",", rng.choice((b";", b"\t", b"|", b"\",\"")))


CSV_MUTATIONS: tuple[Callable[[bytes, random.Random], bytes], ...] = (
    flip_bytes, truncate, insert_odd, replace_cell, long_number, change_header, drop_column, duplicate_rows,
    swap_separator,
)


def corrupt_zip(data: bytes, rng: random.Random) -> bytes:
    """Flip, cut or overwrite bytes of a zip, often inside a header or the compressed data."""
    choice = rng.randrange(4)
    if choice == 0:
        return flip_bytes(data, rng)
    if choice == 1:
        return truncate(data, rng)
    out = bytearray(data)
    if choice == 2:  # break a field of a local or central header (sizes, method, name length, offsets)
        signature = rng.choice((b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"))
        starts = [i for i in range(len(out)) if out.startswith(signature, i)]
        if starts:
            at = rng.choice(starts) + rng.randrange(4, 46)
            width = rng.choice((1, 2, 4))
            out[at : at + width] = rng.randbytes(width)
        return bytes(out)
    at = rng.randrange(len(out))
    out[at : at + 16] = b"\x00" * 16
    return bytes(out)


def built_zip(rng: random.Random) -> bytes:
    """A zip made here: backslash or odd names, stored or deflated, sometimes a lying size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in rng.sample(VALID_FILES, rng.randint(1, len(VALID_FILES))):
            prefix = rng.choice(("", "march/", "..\\..\\", "march\\", "/abs/", "../", "C:\\x\\", ".hidden/"))
            method = rng.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))
            payload = data if rng.random() < 0.7 else rng.choice(CSV_MUTATIONS)(data, rng)
            archive.writestr(zipfile.ZipInfo(prefix + name), payload, compress_type=method)
    raw = bytearray(buffer.getvalue())
    if rng.random() < 0.3:  # declare a different uncompressed size in every central header
        at = 0
        while (at := raw.find(b"PK\x01\x02", at)) >= 0:
            raw[at + 24 : at + 28] = struct.pack("<I", rng.choice((1, 10, 1 << 20)))
            at += 4
    if rng.random() < 0.2:  # an unknown compression method
        at = raw.find(b"PK\x01\x02")
        raw[at + 10 : at + 12] = struct.pack("<H", rng.choice((1, 6, 12, 14, 99)))
    return bytes(raw)


def mutated_case(rng: random.Random) -> Files:
    """One fuzz case: a list of (name, bytes) uploads derived from the valid contract files."""
    shape = rng.random()
    if shape < 0.2:
        return [("bundle.zip", corrupt_zip(VALID_BUNDLE, rng))]
    if shape < 0.35:
        return [("built.zip", built_zip(rng))]
    files = [list(pair) for pair in VALID_FILES]
    for _ in range(rng.randint(1, 3)):
        target = rng.randrange(len(files))
        files[target][1] = rng.choice(CSV_MUTATIONS)(files[target][1], rng)
    if rng.random() < 0.2:
        del files[rng.randrange(len(files))]
    return [(name, data) for name, data in files]
