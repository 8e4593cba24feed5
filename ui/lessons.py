"""Lessons page helpers: cached lesson lists and searches (keyed on the lessons' stamp), the table shown,
and the capture of a lesson for a completed project."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.lessons import tag_list
from store import db
from store import lessons as store_lessons
from ui.auth import current_actor
from ui.session import cursor, t

CACHE = {"ttl": 600, "max_entries": 64, "show_spinner": False}


def stamp(path: str) -> str:
    return store_lessons.lessons_stamp(db.cursor(path))


@st.cache_data(**CACHE)
def every_lesson(path: str, stamp: str) -> pd.DataFrame:
    return store_lessons.all_lessons(db.cursor(path))


@st.cache_data(**CACHE)
def found(path: str, stamp: str, query: str, categories: tuple[str, ...], tags: tuple[str, ...],
          project_categories: tuple[str, ...], departments: tuple[str, ...], statuses: tuple[str, ...]) -> pd.DataFrame:
    return store_lessons.search(db.cursor(path), query, categories=categories, tags=tags,
                                project_categories=project_categories, departments=departments, statuses=statuses)


def options(frame: pd.DataFrame, column: str) -> list[str]:
    return sorted({str(v) for v in frame[column].dropna() if str(v).strip()})


def tag_options(frame: pd.DataFrame) -> list[str]:
    return sorted({tag for value in frame["tags"] for tag in tag_list(value)})


def results_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        t("lessons.col.project"): frame["project_id"],
        t("lessons.col.name"): frame["name"],
        t("lessons.col.recorded_on"): [str(v)[:10] for v in frame["recorded_on"]],
        t("lessons.col.category"): frame["category"],
        t("lessons.col.tags"): frame["tags"],
        t("lessons.col.lesson"): frame["lesson"],
        t("lessons.col.source"): [t(f"lessons.source.{s}") for s in frame["source"]],
    })
    if frame["score"].notna().any():
        out[t("lessons.col.score")] = [None if v is None else round(float(v), 3) for v in frame["score"]]
    return out


def capture(snapshot_id: int, project_id: str, category: str, lesson: str, tags: str) -> None:
    store_lessons.capture_lesson(cursor(), snapshot_id=snapshot_id, project_id=project_id, lesson=lesson,
                                 category=category, tags=tags, actor=current_actor())


def completed(path: str, snapshot_id: int) -> dict[str, str]:
    return store_lessons.completed_projects(db.cursor(path), snapshot_id)

