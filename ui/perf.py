"""What keeps pages fast at thousands of projects and with several people online.

- `shared_loader`: a loader's result (a view of a snapshot) kept once in memory and handed to every
  session as the same object: `st.cache_data` unpickled a fresh copy on every rerun of every session
  (0.3-0.4 s per rerun for a 10,000-project view). Callers only read what it returns.
- `shared_by_view`: a figure or table built once per loaded view and language, shared by every session
  (Streamlit's resource cache: the same Plotly object, never pickled again; bounded by
  FIGURE_CACHE). The view names itself by its `key` attribute (the loader's cache key: database,
  snapshot id, parameters), so two snapshots or two parameter sets never share a figure.
- `scatter_trace`: `go.Scattergl` (WebGL: one canvas) above WEBGL_ABOVE points, `go.Scatter` (SVG:
  one element per point) below, where SVG draws crisper and prints in exports.
- `search_select`: a search box with the matches in a select, instead of one select of thousands;
  `search_multiselect` the same for choosing several (the optimiser's force-in / force-out lists).
- `paged`: the rows of one page of a long table, with the page chooser; the browser gets only those.
- `tabs` / `is_open`: tabs whose hidden panels are not computed (nor sent, nor drawn) when a page's
  portfolio is large: choosing a tab reruns the page with that tab open. Small portfolios keep
  Streamlit's plain tabs (every panel sent at once, switching without a rerun).

Measured by bench/scale.py and bench/team.py (docs/performance.md).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.session import lang, t

WEBGL_ABOVE = 1000        # points in one chart; above this a scatter is drawn with WebGL
SEARCH_LIMIT = 50         # matches shown by a search box's select
PAGE_ROWS = 100           # rows of a long table sent to the browser at once
LAZY_TABS_ABOVE = 500     # projects; above this only the open tab of a page is computed and sent
# One cache for every shared result: an entry per function x view x language (a 2,500-project
# quadrant figure is about 1 MB); the hour's ttl and the bound keep a long-running server's memory flat.
FIGURE_CACHE = {"ttl": 3600, "max_entries": 128, "show_spinner": False}

F = TypeVar("F", bound=Callable[..., Any])


def view_key(view: object) -> tuple:
    """The cache key a loaded view carries (its loader's arguments)."""
    key = getattr(view, "key", None)
    if not key:
        raise TypeError(f"{type(view).__name__} has no cache key")
    return tuple(key)


def shared_by_view(build: F) -> F:
    """`build(view, *args)` once per (view.key, args, language), shared by all sessions.

    Extra arguments must be hashable. The returned figure is shared: callers draw it and never
    change it (st.plotly_chart copies it before sending).
    """

    name = f"{build.__module__}.{build.__qualname__}#{id(build)}"  # two lambdas share a qualname

    @functools.wraps(build)
    def wrapper(view: object, *args: Any) -> Any:
        return _shared(name, view_key(view), args, lang(), build, view)

    return wrapper  # type: ignore[return-value]


_LOADERS: list[Any] = []


def shared_loader(*, ttl: int = 3600, max_entries: int = 32) -> Callable[[F], F]:
    """`st.cache_resource` for a loader keyed on its arguments (database, snapshot id, parameters):
    computed once, the same object returned to every session without a copy. Cleared with the
    figures by `clear_shared`. The result is read-only by contract: never change it in place."""

    def decorate(load: F) -> F:
        cached = st.cache_resource(ttl=ttl, max_entries=max_entries, show_spinner=False)(load)
        _LOADERS.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def clear_shared() -> None:
    """Forget every shared result (after a write that renames or removes snapshots)."""
    _shared.clear()
    for loader in _LOADERS:
        loader.clear()


@st.cache_resource(**FIGURE_CACHE)
def _shared(name: str, key: tuple, args: tuple, language: str, _build: Callable, _view: object) -> Any:
    # Streamlit names a cache by the decorated function's code: every wrapper above shares this
    # one, so the built function's name is part of the key.
    return _build(_view, *args)


def scatter_trace(points: int, **trace: Any) -> go.Scatter | go.Scattergl:
    """A scatter trace of `points` points: WebGL above WEBGL_ABOVE, SVG below."""
    return go.Scattergl(**trace) if points > WEBGL_ABOVE else go.Scatter(**trace)


def matches(options: Mapping[Any, str], query: str, limit: int = SEARCH_LIMIT) -> list:
    """Keys of `options` whose label contains every word of `query` (case-insensitive), in the
    options' order, at most `limit`; all (up to `limit`) for an empty query."""
    words = query.casefold().split()
    found = []
    for key, label in options.items():
        text = label.casefold()
        if all(word in text for word in words):
            found.append(key)
            if len(found) >= limit:
                break
    return found


def search_select(label: str, options: Mapping[Any, str], *, key: str, limit: int = SEARCH_LIMIT) -> Any | None:
    """A search box and a select of its matches (the first `limit`); the chosen key, or None."""
    query = st.text_input(t("perf.search.label"), key=f"{key}.query",
                          placeholder=t("perf.search.placeholder"))
    found = matches(options, query, limit)
    if not found:
        st.info(t("perf.search.none", query=query))
        return None
    total = len(options)
    if len(found) < total:
        st.caption(t("perf.search.shown", shown=len(found), total=total))
    return st.selectbox(label, found, format_func=options.get, key=key)


def search_multiselect(label: str, options: Mapping[Any, str], *, key: str, default: Sequence[Any] = (),
                       limit: int = SEARCH_LIMIT, placeholder: str | None = None,
                       container: Any = None) -> list:
    """A search box and a multiselect of its matches (the first `limit`) plus what is chosen already.

    For choosing a few of thousands: the browser gets at most `limit` + chosen options instead of all.
    The chosen keys stay in the list whatever is typed next (the multiselect is keyed, so it keeps its
    value while its options change). `default`: the first value (keys not in `options` are dropped).
    """
    where = container if container is not None else st
    if key not in st.session_state:
        st.session_state[key] = [k for k in default if k in options]
    chosen = [k for k in st.session_state[key] if k in options]
    if chosen != st.session_state[key]:   # a project gone from the options (another snapshot)
        st.session_state[key] = chosen
    query = where.text_input(t("perf.search.label"), key=f"{key}.query", placeholder=t("perf.search.placeholder"),
                             help=label)
    found = matches(options, query, limit)
    shown = list(dict.fromkeys([*chosen, *found]))
    if not found:
        where.caption(t("perf.search.none", query=query))
    elif len(found) < len(options) and len(found) >= limit:
        where.caption(t("perf.search.shown", shown=len(found), total=len(options)))
    return where.multiselect(label, shown, format_func=options.get, key=key, placeholder=placeholder)


def _page(total: int, *, key: str, rows: int, text: str) -> slice:
    """The rows of the page chosen (a page number input, and a caption `text` with first, last and total)."""
    pages = math.ceil(total / rows)
    left, right = st.columns([1, 3])
    page = int(left.number_input(t("perf.page.label"), min_value=1, max_value=pages, value=1, step=1, key=key))
    first = (page - 1) * rows
    last = min(first + rows, total)
    right.caption(t(text, first=first + 1, last=last, total=total))
    return slice(first, last)


def paged(frame: pd.DataFrame, *, key: str, rows: int = PAGE_ROWS) -> pd.DataFrame:
    """The rows of the page chosen below a long table (all rows when they fit on one page)."""
    if len(frame) <= rows:
        return frame
    return frame.iloc[_page(len(frame), key=key, rows=rows, text="perf.page.rows")]


def paged_items(items: list, *, key: str, rows: int, text: str) -> list:
    """The items of the page chosen below a long list of sections (all when they fit on one page).

    `text` names the caption's message, with first, last and total (e.g. "Groups 1–10 of 83").
    """
    if len(items) <= rows:
        return items
    return items[_page(len(items), key=key, rows=rows, text=text)]


def tabs(labels: list[str], *, key: str, lazy: bool) -> list:
    """`st.tabs(labels)`; with `lazy`, the tabs remember the open one (by `key`) and a switch reruns
    the page, so a panel's content can be left out while it is hidden (`is_open`)."""
    if not lazy:
        return list(st.tabs(labels))
    if st.session_state.get(key) not in labels:  # a label of the other language, or never chosen
        st.session_state.pop(key, None)
    return list(st.tabs(labels, key=key, on_change="rerun"))


def is_open(tab: Any) -> bool:
    """Whether a tab's content is to be computed: always for plain tabs, the open one for lazy tabs."""
    return getattr(tab, "open", None) is not False
