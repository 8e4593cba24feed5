"""Streamlit's file uploader in the reader's language.

Streamlit 1.67 draws the uploader's own texts ("Upload", "200MB per file • CSV, ...", and "Browse
files" / "Drag and drop file here" in other layouts) in English and offers no option to change them.
`translate_uploader(key_prefix, types)` adds one CSS rule, scoped to the uploaders whose widget key
starts with `key_prefix` (Streamlit gives each keyed element the class `st-key-<key>`), that hides
those built-in texts (font-size 0, so the layout and the click target stay) and draws ours in their
place with `::after`: the button says what it does and the instructions name the size limit and the
accepted types, both from the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui.session import t


def _css_string(text: str) -> str:
    """`text` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def uploader_css(key_prefix: str, button: str, instructions: str) -> str:
    scope = f'[class*="st-key-{key_prefix}"] [data-testid="stFileUploaderDropzone"]'
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
    instructions = t("uploader.instructions", limit=limit,
                     types=t("uploader.type_separator").join(x.upper() for x in types))
    st.html(uploader_css(key_prefix, t("uploader.button"), instructions))
