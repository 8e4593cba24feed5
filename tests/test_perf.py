"""What keeps pages fast at scale (ui/perf.py): shared results keyed on the view, WebGL scatters
above WEBGL_ABOVE points, the search box instead of a select of thousands, paged tables, and the
sidebar's snapshot query without row counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from store import snapshots
from ui import delivery as dv
from ui import perf


@dataclass(frozen=True)
class _View:
    value: int
    key: tuple = ()


def _projects(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "project_id": [f"P{i:05d}" for i in range(n)], "name": [f"Project {i}" for i in range(n)],
        "cpi": rng.uniform(0.8, 1.2, n), "spi": rng.uniform(0.8, 1.2, n), "budget": 100.0,
        "health": np.where(np.arange(n) % 3 == 0, "critical", "healthy"),
    })


# ----- search box --------------------------------------------------------------------------------

OPTIONS = {"P1": "P1 · 智能客服平台 Smart Service Desk", "P2": "P2 · 经营分析 Cockpit",
           "P10": "P10 · Service Hub", "P11": "P11 · 数据安全 Data Security"}


def test_matches_every_word_case_insensitive_in_order():
    assert perf.matches(OPTIONS, "service") == ["P1", "P10"]
    assert perf.matches(OPTIONS, "SERVICE desk") == ["P1"]
    assert perf.matches(OPTIONS, "数据") == ["P11"]
    assert perf.matches(OPTIONS, "P1") == ["P1", "P10", "P11"]
    assert perf.matches(OPTIONS, "nothing") == []


def test_an_empty_query_gives_the_first_matches_up_to_the_limit():
    assert perf.matches(OPTIONS, "") == ["P1", "P2", "P10", "P11"]
    assert perf.matches(OPTIONS, "  ", limit=2) == ["P1", "P2"]
    many = {f"P{i}": f"P{i} · x" for i in range(2451)}
    assert len(perf.matches(many, "")) == perf.SEARCH_LIMIT


def _search_app() -> None:
    import streamlit as st

    from ui.perf import search_select

    options = {f"P{i:04d}": f"P{i:04d} · Project {i}" for i in range(2451)}
    chosen = search_select("Project", options, key="pick")
    st.write(f"chosen: {chosen}")


def test_search_box_narrows_the_select_instead_of_listing_thousands():
    at = AppTest.from_function(_search_app)
    at.session_state["lang"] = "en"
    at.run()
    assert len(at.selectbox(key="pick").options) == perf.SEARCH_LIMIT       # not 2,451
    assert "Showing the first 50 of 2451" in at.caption[0].value
    at.text_input(key="pick.query").input("Project 245").run()
    # every label with "project 245" in it, in the options' order (P2451 does not exist)
    assert at.selectbox(key="pick").options == ["P0245 · Project 245", "P1245 · Project 1245",
                                                "P2245 · Project 2245", "P2450 · Project 2450"]
    at.selectbox(key="pick").set_value("P2450").run()
    assert at.markdown[-1].value == "chosen: P2450"
    at.text_input(key="pick.query").input("zzz").run()
    assert not at.selectbox and at.info[0].value == "Nothing matches “zzz”."


# ----- shared results ----------------------------------------------------------------------------


def test_shared_results_are_keyed_on_the_view_key_and_the_language(monkeypatch):
    calls = []

    @perf.shared_by_view
    def build(view: _View) -> list:
        calls.append(view.value)
        return [view.value]

    language = {"now": "en"}
    monkeypatch.setattr(perf, "lang", lambda: language["now"])
    snapshot_1 = _View(1, ("db", 1, "cpi"))
    snapshot_2 = _View(2, ("db", 2, "cpi"))
    first = build(snapshot_1)
    assert build(_View(1, ("db", 1, "cpi"))) is first        # another session's copy of the same view
    assert build(snapshot_2) == [2]                           # another snapshot never gets snapshot 1's
    language["now"] = "zh"
    assert build(snapshot_1) is not first                     # nor another language
    assert calls == [1, 2, 1]
    perf.clear_shared()
    build(snapshot_1)
    assert calls == [1, 2, 1, 1]


def test_two_functions_on_the_same_view_do_not_share_a_result(monkeypatch):
    monkeypatch.setattr(perf, "lang", lambda: "en")
    view = _View(5, ("db", 9))
    first = perf.shared_by_view(lambda v: "first")
    second = perf.shared_by_view(lambda v: "second")
    assert (first(view), second(view)) == ("first", "second")


def test_a_view_without_a_key_is_refused():
    with pytest.raises(TypeError):
        perf.shared_by_view(lambda v: v)(_View(1))


def test_the_delivery_view_carries_its_loader_arguments(delivery_snapshot, db_file):
    from analytics.health import HealthThresholds

    thresholds = dv.thresholds_key(HealthThresholds())
    view = dv.load_delivery(str(db_file), delivery_snapshot, "cpi", thresholds, (1, 2))
    assert view.key == (str(db_file), delivery_snapshot, "cpi", thresholds, (1, 2))


# ----- WebGL above WEBGL_ABOVE points -----------------------------------------------------------


def test_quadrant_uses_webgl_only_above_the_threshold():
    small = dv.quadrant_figure(_projects(perf.WEBGL_ABOVE))
    large = dv.quadrant_figure(_projects(perf.WEBGL_ABOVE + 1))
    assert {type(trace) for trace in small.data} == {go.Scatter}
    assert {type(trace) for trace in large.data} == {go.Scattergl}
    assert sum(len(trace.x) for trace in large.data) == perf.WEBGL_ABOVE + 1
    # the 1.0 lines are layout shapes (add_hline/add_vline cost ~70 ms each)
    assert [(s.x0, s.y0) for s in large.layout.shapes] == [(1.0, 0), (0, 1.0)]


# ----- paging ------------------------------------------------------------------------------------


def _paged_app() -> None:
    import pandas as pd
    import streamlit as st

    from ui.perf import paged

    st.dataframe(paged(pd.DataFrame({"n": range(250)}), key="page"))


def test_a_long_table_sends_one_page_of_rows():
    at = AppTest.from_function(_paged_app)
    at.session_state["lang"] = "en"
    at.run()
    assert list(at.dataframe[0].value["n"]) == list(range(100))
    assert at.caption[0].value == "Rows 1–100 of 250"
    at.number_input(key="page").set_value(3).run()
    assert list(at.dataframe[0].value["n"]) == list(range(200, 250))
    assert at.caption[0].value == "Rows 201–250 of 250"


def test_a_short_table_is_not_paged():
    frame = pd.DataFrame({"n": range(perf.PAGE_ROWS)})
    assert perf.paged(frame, key="unused") is frame


# ----- the sidebar's snapshot query -------------------------------------------------------------


def test_snapshot_choices_match_the_full_listing(con):
    for label, as_of in (("B", dt.date(2026, 3, 31)), ("A", dt.date(2026, 4, 30)), ("C", dt.date(2026, 3, 31))):
        snapshots.create_snapshot(con, label=label, as_of=as_of, frames={}, files=[])
    choices = snapshots.snapshot_choices(con)
    listing = snapshots.list_snapshots(con)
    assert list(choices.columns) == ["snapshot_id", "label", "as_of", "currency_unit"]
    pd.testing.assert_frame_equal(choices, listing[list(choices.columns)])
    assert list(choices["label"]) == ["A", "C", "B"]      # newest as-of first, then the later import



def test_the_listing_key_changes_with_every_write_that_changes_the_row_counts(con):
    from store import decision_log

    first = snapshots.create_snapshot(con, label="A", as_of=dt.date(2026, 3, 31), frames={}, files=[])
    key = snapshots.listing_key(con)
    assert snapshots.listing_key(con) == key                      # nothing written: the cached counts stand
    snapshots.create_snapshot(con, label="B", as_of=dt.date(2026, 4, 30), frames={}, files=[])
    assert snapshots.listing_key(con) != key                      # a new snapshot
    key = snapshots.listing_key(con)
    snapshots.rename_snapshot(con, first, "A2", actor="admin")
    assert snapshots.listing_key(con) != key                      # a label
    key = snapshots.listing_key(con)
    decision_log.append(con, "maturity_edit", actor="admin", snapshot_id=first, summary="A2")
    assert snapshots.listing_key(con) != key                      # a logged edit of a snapshot's rows

# ----- an import keeps what other sessions have cached ----------------------------------------------


def test_an_import_keeps_the_other_snapshots_cached_results(db_file, monkeypatch):
    import streamlit as st

    from store import db
    from tests.test_page_data import VALID, _files

    calls = []

    @st.cache_data
    def loader(snapshot_id: int) -> int:  # stands for any page's loader keyed on a snapshot id
        calls.append(snapshot_id)
        return snapshot_id

    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    loader(1)
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.session_state["lang"] = "en"
    at.switch_page("views/data.py")
    at.run()
    at.file_uploader[0].set_value(_files(VALID)).run()
    at.button(key="data_import").click().run()
    assert not at.exception and at.session_state["snapshot_id"] == 1
    loader(1)
    assert calls == [1]          # before: every cache was cleared, so every session recomputed every page
    db.close_shared(db_file)


def test_a_shared_loader_hands_every_caller_one_object_and_is_cleared_with_the_figures():
    calls = []

    @perf.shared_loader(max_entries=4)
    def load(path: str, snapshot_id: int) -> pd.DataFrame:
        calls.append(snapshot_id)
        return pd.DataFrame({"snapshot": [snapshot_id]})

    first = load("db", 1)
    assert load("db", 1) is first                   # the same object, not an unpickled copy
    assert load("db", 2)["snapshot"].iloc[0] == 2   # another snapshot never gets snapshot 1's
    assert load("other.duckdb", 1) is not first     # nor another database
    perf.clear_shared()                              # a rename or delete of snapshots
    assert load("db", 1) is not first
    assert calls == [1, 2, 1, 1]


def test_the_data_page_builds_each_excel_template_once_not_on_every_run(data_page, monkeypatch):
    from ui import data as data_ui

    built = []
    real = data_ui.template_workbook
    monkeypatch.setattr(data_ui, "template_workbook", lambda lang: built.append(lang) or real(lang))
    data_ui._template_workbook.clear()
    at = data_page("en")            # two runs of the app (landing page, then the Data page)
    at.run()
    assert sorted(built) == ["en", "zh"]       # one workbook per language, not one per run
