"""Lessons learned (经验教训): full-text search and filters over every snapshot's lessons, and the
capture of a lesson for a completed project."""

from __future__ import annotations

import streamlit as st

from ui import lessons as ul
from ui.auth import can
from ui.perf import paged
from ui.session import db_path, page_guard, page_header, require_snapshot, t
from ui.text import md

page_header("lessons.title", "lessons.intro")
SNAPSHOT = require_snapshot()
PATH = db_path()

with page_guard():
    STAMP = ul.stamp(PATH)
    EVERY = ul.every_lesson(PATH, STAMP)

query = st.text_input(t("lessons.search"), key="lessons.query", placeholder=t("lessons.search_placeholder"))
c1, c2, c3, c4, c5 = st.columns(5)
categories = c1.multiselect(t("lessons.filter.category"), ul.options(EVERY, "category"), key="lessons.categories",
                            placeholder=t("lessons.filter.any"))
tags = c2.multiselect(t("lessons.filter.tag"), ul.tag_options(EVERY), key="lessons.tags", placeholder=t("lessons.filter.any"))
project_categories = c3.multiselect(t("lessons.filter.project_category"), ul.options(EVERY, "project_category"),
                                    key="lessons.project_categories", placeholder=t("lessons.filter.any"))
departments = c4.multiselect(t("lessons.filter.department"), ul.options(EVERY, "department"), key="lessons.departments",
                             placeholder=t("lessons.filter.any"))
statuses = c5.multiselect(t("lessons.filter.status"), ul.options(EVERY, "status"), key="lessons.statuses",
                          format_func=lambda s: t(f"lessons.status.{s}"), placeholder=t("lessons.filter.any"))

with page_guard(stop=False):
    shown = ul.found(PATH, STAMP, query.strip(), tuple(categories), tuple(tags), tuple(project_categories),
                     tuple(departments), tuple(statuses))
    st.caption(t("lessons.count", n=len(shown), total=len(EVERY)))
    if shown.empty:
        st.info(t("lessons.none") if EVERY.empty else t("lessons.no_match"))
    else:
        st.dataframe(ul.results_table(paged(shown, key="lessons.page")), hide_index=True, key="lessons.table")
    if query.strip():
        st.caption(t("lessons.search_help"))

st.header(t("lessons.capture.header"))
COMPLETED = ul.completed(PATH, SNAPSHOT)
if not COMPLETED:
    st.info(t("lessons.capture.none"))
    st.stop()
with st.form("lessons.capture", clear_on_submit=True):
    project = st.selectbox(t("lessons.capture.project"), list(COMPLETED),
                           format_func=lambda p: f"{p} · {COMPLETED[p]}", key="lessons.capture.project")
    category = st.text_input(t("lessons.capture.category"), key="lessons.capture.category")
    lesson = st.text_area(t("lessons.capture.lesson"), key="lessons.capture.lesson", max_chars=4000)
    tags_text = st.text_input(t("lessons.capture.tags"), key="lessons.capture.tags", help=t("lessons.capture.tags_help"))
    submitted = st.form_submit_button(t("lessons.capture.save"), disabled=not can("import"))
if submitted:
    with page_guard(stop=False):
        ul.capture(SNAPSHOT, project, category, lesson, tags_text)
        st.success(t("lessons.capture.saved", project=md(project)))
        st.rerun()
