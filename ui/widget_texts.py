"""Streamlit's built-in widget texts in the reader's language: the file uploader's, and the empty
date input's "yyyy-mm-dd" hint.

Streamlit 1.67 draws the uploader's own texts ("Upload", "200MB per file • CSV, ...", and "Browse
files" / "Drag and drop file here" in other layouts) in English and offers no option to change them.
`translate_uploader(key_prefix, types)` adds one CSS rule, scoped to the uploaders whose widget key
starts with `key_prefix` (Streamlit gives each keyed element the class `st-key-<key>`), that hides
those built-in texts (font-size 0, so the layout and the click target stay) and draws ours in their
place with `::after`: the button says what it does and the instructions name the size limit and the
accepted types, both from the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from ui.session import t


def _key_class(key_prefix: str) -> str:
    """The class Streamlit gives a keyed element: "st-key-" + the key with every character other than
    letters, digits, "_" and "-" replaced by "-" (log.since -> st-key-log-since)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key_prefix.strip())


def _css_string(text: str) -> str:
    """`text` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def uploader_css(key_prefix: str, button: str, instructions: str) -> str:
    scope = f'[class*="{_key_class(key_prefix)}"] [data-testid="stFileUploaderDropzone"]'
    button_text = f'{scope} button [data-testid="stMarkdownContainer"] p'
    hint = f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] span'
    return (
        "<style>"
        f"{button_text}, {hint} {{ font-size: 0 !important; }}"
        f"{button_text}::after {{ content: {_css_string(button)}; font-size: 0.875rem; }}"
        f"{hint}::after {{ content: {_css_string(instructions)}; font-size: 0.875rem; }}"
        "</style>"
    )


def translate_uploader(key_prefix: str, types: Sequence[str]) -> None:
    """Replace the built-in texts of the uploaders keyed `key_prefix...` with translated ones."""
    limit = int(st.get_option("server.maxUploadSize"))
    instructions = t("widgets.uploader_instructions", limit=limit,
                     types=t("widgets.type_separator").join(x.upper() for x in types))
    st.html(uploader_css(key_prefix, t("widgets.uploader_button"), instructions))


def date_hint_css(key_prefix: str, year: str, month: str, day: str) -> str:
    """A CSS rule for the date inputs keyed `key_prefix...`: while a part of the date is empty,
    Streamlit's "yyyy", "mm" and "dd" placeholders are hidden and ours drawn in their place."""
    scope = f'[class*="{_key_class(key_prefix)}"] [data-testid="stDateInputField"] span[data-placeholder="true"]'
    rules = [f"{scope} {{ font-size: 0 !important; }}"]
    for part, text in (("year", year), ("month", month), ("day", day)):
        rules.append(f'{scope}[data-type="{part}"]::after {{ content: {_css_string(text)}; font-size: 0.875rem; }}')
    return "<style>" + "".join(rules) + "</style>"


def translate_date_hint(key_prefix: str) -> None:
    """Show the empty date inputs keyed `key_prefix...` with placeholders in the reader's language."""
    st.html(date_hint_css(key_prefix, t("widgets.date_year"), t("widgets.date_month"), t("widgets.date_day")))
