"""Collect every string a reader sees on a page rendered by AppTest, and the English words among them.

Used by tests/test_zh_ui_words.py. "Visible" means: markdown, captions, headings, alerts, metric
labels, values and deltas, widget labels, placeholders, help texts and options (as formatted), tab and
expander labels, dataframe column headers (the column_config label when one is set, else the column
name, hidden columns left out) and their text cells (an empty cell shows the table's placeholder,
or "None" when it has none), and in Plotly figures the titles, axis titles,
tick labels, legend names, annotations, category labels, text labels and hover templates.

An English word is a run of ASCII letters; it is allowed when it is in `ALLOWED` (documented below),
when it belongs to the import files' vocabulary (`file_words`: headers like project_id, yes/no), when
it is part of a data string of the sample (`data_texts`: "智能对账 Automated Reconciliation"), or of
an id (PRJ-2024-001, P001) or a file name (projects.csv).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

import pandas as pd
from google.protobuf.json_format import MessageToDict

# The short list of Latin words a Chinese reader is expected to see. Keep it short; each has a reason.
ALLOWED: frozenset[str] = frozenset({
    # earned-value and portfolio abbreviations, used untranslated in Chinese PMO practice (PMBOK 中文版)
    "CPI", "SPI", "EVM", "PV", "EV", "AC", "BAC", "EAC", "ETC", "TCPI", "VAC", "CV", "SV",
    # decision methods and their statistics: AHP, consistency ratio/index, λmax shown as λ + "max"
    "AHP", "CR", "CI", "max", "LP", "MIP", "Dirichlet", "Saaty", "Harker",
    # units and file formats
    "FTE", "KPI", "CSV", "TSV", "TXT", "Excel", "PowerPoint", "ZIP", "zip", "csv", "xlsx", "XLSX", "xlsm", "XLSM", "pptx", "json", "MB", "UTF",
    "GB", "GBK", "BOM",
    # solver names (product names)
    "HiGHS", "highs", "CBC", "cbc",
    # well-known abbreviations and names a Chinese PMO reader uses as they are
    "PMO", "PDCA", "Mann", "Whitney",
    # single letters used as mathematical symbols (前 k 名, 1 至 L 级, S 曲线, Mann–Whitney U, p 值)
    "k", "L", "S", "U", "p",
    # date-format notation (YYYY-MM, YYYY/M)
    "YYYY", "MM", "M", "DD",
    # names: the product, and "English" in the language picker (a language is named in itself)
    "Lodestar", "English",
    # the set-up guide's file name, which local mode points to for turning on sign-in
    "README",
})

_ID = re.compile(
    r"\b[A-Za-z]+(?:[-_][A-Za-z0-9]+)*[-_]?\d[\w-]*\b|\b[\w.-]+\.(?:csv|xlsx|pptx|zip|json)\b"
    r"|\b[0-9a-f]{12,}\b"  # a hex fingerprint (params_hash)
    r"|\.?[\w.-]+/[\w.-]+\.toml\b|\[[a-z_.]+\]"  # a configuration file to edit and its [section]
)
_PLACEHOLDER = re.compile(r"%\{[^}]*\}|<[^>]+>|&[a-z]+;|\d{4}-\d{2}-\d{2}T[\d:.]+")
_WORD = re.compile(r"[A-Za-z]+")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def data_texts(con) -> tuple[str, ...]:
    """Every text cell of the imported sample that has Latin letters in it (names, departments,
    snapshot labels), longest first: data, not interface, removed whole from a string before its words
    are checked (so "and" inside a project name passes, while "and" in a UI sentence does not)."""
    from store.snapshots import DATA_TABLES
    from store.users import local_actor

    texts: set[str] = set()
    for table in (*DATA_TABLES, "snapshots", "snapshot_files"):
        frame = con.execute(f"SELECT * FROM {table}").df()
        for column in frame.columns:
            for value in frame[column].tolist():
                texts.update(t.strip() for t in _strings(list(value) if hasattr(value, "tolist") else value)
                             if _WORD.search(t))
    texts.add(local_actor().name)  # local mode names the person at the keyboard: data, not interface
    return tuple(sorted(texts, key=len, reverse=True))


def file_words() -> frozenset[str]:
    """The words of the import files' own vocabulary, which the Data page must show as written: English
    column headers (project_id), file kinds, and accepted values (yes/no, true/false, status codes)."""
    from store.contract import BOOL_VALUES, ENUM_VALUES, KINDS

    texts: list[str] = [*BOOL_VALUES]
    for kind in KINDS.values():
        texts.append(kind.name)
        for column in kind.columns:
            texts.extend([column.name, *column.allowed])
    for values in ENUM_VALUES.values():
        for canonical, aliases in values.items():
            texts.extend([canonical, *aliases])
    return frozenset(w for text in texts for w in _WORD.findall(text))


def english_words(text: str, allowed: frozenset[str], data: tuple[str, ...] = ()) -> list[str]:
    """The ASCII words of `text` outside the data strings that are neither allowed, ids nor file names."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)  # user text shown through ui.text.md() is backslash-escaped
    cleaned = _ID.sub(" ", _PLACEHOLDER.sub(" ", text))
    words = [w for w in _WORD.findall(cleaned) if w not in allowed]
    if not words or not data:
        return words
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return english_words(text, allowed)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


_PROTO_KEYS = ("body", "label", "options", "placeholder", "help", "delta", "caption", "formattedValue",
               "formattedOptions", "rawValues")


def _dataframe_strings(element) -> Iterator[str]:
    config = json.loads(MessageToDict(element.proto).get("columns") or "{}")
    order = list(MessageToDict(element.proto).get("columnOrder") or [])
    frame: pd.DataFrame = element.value
    names = [str(c) for c in frame.columns]
    shown = [c for c in (order or names) if not (config.get(c) or {}).get("hidden")]
    placeholder = element.proto.placeholder
    for name in shown:
        yield (config.get(name) or {}).get("label") or name
        if name in frame.columns:
            yield from (v for v in frame[name].tolist() if isinstance(v, str))
            if frame[name].isna().any():  # an empty cell reads "None" unless a placeholder is given
                yield placeholder or "None"
    if not (config.get("_index") or {}).get("hidden"):
        yield from (str(v) for v in frame.index if isinstance(v, str))


def _figure_strings(spec: dict) -> Iterator[str]:
    layout = spec.get("layout") or {}
    yield from _layout_texts(layout)
    for trace in spec.get("data") or []:
        if trace.get("showlegend", True) is not False and trace.get("name"):
            yield str(trace["name"])
        for key in ("x", "y", "theta", "labels", "text", "hovertemplate", "texttemplate", "header", "cells"):
            yield from _strings(trace.get(key))
        colorbar = (trace.get("marker") or {}).get("colorbar") or trace.get("colorbar") or {}
        title = colorbar.get("title")
        yield from _strings(title.get("text") if isinstance(title, dict) else title)


def _layout_texts(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "ticktext") or (key == "title" and isinstance(value, str)):
                yield from _strings(value)
            else:
                yield from _layout_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _layout_texts(item)


def visible_strings(at) -> Iterator[tuple[str, str]]:
    """(element type, text) for every visible string of the rendered page (main area and sidebar)."""
    def walk(node) -> Iterator[tuple[str, str]]:
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", "")
            proto = getattr(child, "proto", None)
            if kind == "dataframe":
                yield from ((kind, s) for s in _dataframe_strings(child))
            elif kind == "plotly_chart":
                yield from ((kind, s) for s in _figure_strings(json.loads(child.proto.spec)))
            elif kind == "html":  # our <style> rules: only the texts they draw (`content: "..."`) are seen
                body = child.proto.body
                drawn = re.findall(r'content:\s*"((?:[^"\\]|\\.)*)"', body)
                yield from ((kind, s) for s in [*drawn, re.sub(r"<style>.*?</style>", " ", body, flags=re.S)])
            elif proto is not None:
                data = MessageToDict(proto)
                for key in _PROTO_KEYS:
                    yield from ((kind, s) for s in _strings(data.get(key)))
                for nested in ("tab", "expandable"):
                    yield from ((kind, s) for s in _strings((data.get(nested) or {}).get("label")))
            yield from walk(child)

    yield from walk(at._tree)


def offenders(strings: Iterable[tuple[str, str]], allowed: frozenset[str],
              data: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(word, element type, the text it was found in), one per distinct (word, text)."""
    found: dict[tuple[str, str], tuple[str, str, str]] = {}
    for kind, text in strings:
        for word in english_words(text, allowed, data):
            found.setdefault((word, text), (word, kind, text[:160]))
    return sorted(found.values())
