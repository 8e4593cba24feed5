"""Long labels in narrow places: how wide a text is on screen, and a shortened form of it.

A label that does not fit is cut by the browser without a word; these helpers let a page shorten it
itself (ending in "…") and show the full text where the reader can get it (a caption, a hover text).
Widths are in display columns: a wide or full-width character (CJK) counts 2, any other 1, which is
close enough to proportional fonts to decide what fits.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"


def display_width(value: object) -> int:
    """Display columns `value` takes (CJK characters 2, others 1)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in str(value))


def shorten(value: object, width: int) -> str:
    """`value` cut to at most `width` display columns, ending in "…" when it was cut."""
    text = str(value)
    if display_width(text) <= width:
        return text
    kept, used = [], display_width(ELLIPSIS)
    for char in text:
        used += display_width(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS

# Streamlit's date inputs show "YYYY/MM/DD" by default; every date in the app and its exports is ISO.
DATE_INPUT_FORMAT = "YYYY-MM-DD"
