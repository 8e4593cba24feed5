"""Making exported files safe to open: spreadsheet formula injection and file names.

Formula injection (OWASP "CSV Injection"): a spreadsheet program runs a text cell that begins with
`=`, `+`, `-` or `@` (and, through some import paths, a tab or carriage return) as a formula, so a
project named `=HYPERLINK("http://x","y")` in an export could send data away the moment a committee
member opens the file. A CSV file has no cell types, so every *text* cell written to CSV goes through
`neutralise`, which prefixes such a value with a single quote, as OWASP advises. An .xlsx cell does
have a type: `reports.excel` writes text as string cells, which no spreadsheet program evaluates,
and marks the `is_dangerous` ones with Excel's quote-prefix style instead of adding a visible `'`
(so a "-" placeholder reads "-", not "'-"). Real numbers stay numbers: `-12.5` as a float is data,
not a formula, and must keep its number format. The full-width forms of the four characters are
treated the same way because Chinese input methods produce them and some spreadsheet programs
normalise them to their ASCII forms.

File names: `safe_filename` keeps Chinese and other letters but removes path separators, control
characters and the characters Windows forbids, avoids the reserved device names (CON, NUL, COM1 ...)
and caps the length, so a scenario named `../../etc/passwd` or `CON` still downloads as one harmless
file.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import pandas as pd

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_FILENAME_LENGTH = 120  # characters; Chinese counts once, well inside every file system's limit
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet program could take this text for a formula."""
    return bool(text) and text.startswith(FORMULA_TRIGGERS)


def neutralise(value: Any) -> Any:
    """The value to write into a CSV or Excel cell: dangerous text prefixed with `'`, the rest unchanged.

    Only `str` values are touched; numbers, dates, booleans and None pass through, so a spreadsheet
    still sums and formats them.
    """
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised (numeric columns untouched)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise).astype(object)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe


def safe_filename(name: str, *, default: str = "export") -> str:
    """A file name safe on Windows, macOS and Linux that keeps Chinese; its extension is preserved.

    >>> safe_filename("../方案 A: 2026/03?.xlsx")
    '方案 A_ 2026_03.xlsx'
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text)
    text = _FORBIDDEN.sub("_", text)
    text = " ".join(text.split())  # collapse runs of spaces left by removed characters
    stem, dot, extension = text.rpartition(".")
    if not dot or not extension or " " in extension or len(extension) > 8:
        stem, extension = text, ""
    stem = stem.strip(" ._")
    if not stem:
        stem = default
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    limit = MAX_FILENAME_LENGTH - (len(extension) + 1 if extension else 0)
    stem = stem[:limit].rstrip(" .")
    return f"{stem}.{extension}" if extension else stem


def is_real_number(value: Any) -> bool:
    """True for finite ints and floats (not bools): the cells that get a number format."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)
