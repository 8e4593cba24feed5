"""The maturity self-assessment on the Maturity page: a questionnaire per process area, its result, and saving it.

Questions start from the snapshot's assessment (its practices, levels and targets; each existing
score shown as the nearest answer) and assessors may add practices. Answers are kept in the session
per snapshot until saved, as a new snapshot (`store.maturity_survey.save_as_snapshot`) or in place.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.maturity import DEFAULT_THRESHOLD, assess_maturity
from analytics.maturity_survey import ANSWERS, survey_rows
from store import delivery
from store import maturity_survey as store_survey
from ui import auth
from ui.session import actor, cursor, page_guard, select_snapshot, t
from ui.text import md

QUESTION_COLUMNS = ("area", "practice", "level", "target_level")


def _key(snapshot_id: int, name: str) -> str:
    return f"survey.{name}.{snapshot_id}"


def answer_key(snapshot_id: int, area: str, practice: str) -> str:
    return f"survey.answer.{snapshot_id}.{area}.{practice}"


def questions(snapshot_id: int) -> pd.DataFrame:
    """The questionnaire: the snapshot's practices (each score as its nearest answer) and those added here."""
    rows = delivery.maturity_rows(cursor(), snapshot_id)
    frame = rows[list(QUESTION_COLUMNS)].assign(kept=rows["score"].astype(float))
    added = st.session_state.get(_key(snapshot_id, "added"), [])
    if added:
        frame = pd.concat([frame, pd.DataFrame(added)], ignore_index=True)
    return frame.reset_index(drop=True)


def _add_form(snapshot_id: int) -> None:
    with st.form(_key(snapshot_id, "add_form"), clear_on_submit=True):
        c1, c2, c3, c4 = st.columns([2, 3, 1, 1], vertical_alignment="bottom")
        area = c1.text_input(t("survey.col.area"), key=_key(snapshot_id, "new_area"))
        practice = c2.text_input(t("survey.col.practice"), key=_key(snapshot_id, "new_practice"))
        level = c3.number_input(t("survey.col.level"), 1, 5, 2, key=_key(snapshot_id, "new_level"))
        target = c4.number_input(t("survey.col.target_level"), 1, 5, 3, key=_key(snapshot_id, "new_target"))
        if st.form_submit_button(t("survey.add")) and area.strip() and practice.strip():
            added = st.session_state.get(_key(snapshot_id, "added"), [])
            st.session_state[_key(snapshot_id, "added")] = [
                *added, {"area": area.strip(), "practice": practice.strip(), "level": int(level),
                         "target_level": int(target), "kept": None}]
            st.rerun()


def survey_section(snapshot_id: int) -> None:
    """Area by area, one answer per practice; the result; save as a new snapshot or in place."""
    st.caption(t("survey.help"))
    labels = {a: t(f"survey.answer.{a}", score=f"{ANSWERS[a]:.0f}") for a in ANSWERS}
    frame = questions(snapshot_id)
    answers: dict[tuple[str, str], str] = {}
    for number, (area, part) in enumerate(frame.groupby("area", sort=True)):
        with st.expander(t("survey.area_title", area=md(area), n=len(part)), expanded=number == 0):
            for row in part.sort_values(["level", "practice"]).itertuples():
                key = answer_key(snapshot_id, str(area), str(row.practice))
                options: list[str | float] = list(ANSWERS)
                shown: dict[str | float, str] = dict(labels)
                if row.kept is not None and not pd.isna(row.kept):  # keep the assessed score unless changed
                    options.insert(0, float(row.kept))
                    shown[float(row.kept)] = t("survey.answer.kept", score=f"{row.kept:g}")
                answers[(str(area), str(row.practice))] = st.selectbox(
                    t("survey.question", level=int(row.level), practice=md(row.practice)), options,
                    format_func=shown.get, key=key)
    _add_form(snapshot_id)
    if frame.empty:
        st.caption(t("survey.error.empty"))
        return
    with page_guard(stop=False):
        rows = survey_rows(frame[list(QUESTION_COLUMNS)], answers)
        result = assess_maturity(rows, DEFAULT_THRESHOLD)
        c1, c2 = st.columns(2)
        c1.metric(t("survey.result.organisation"), result.organisation_level)
        c2.metric(t("survey.result.average"), f"{result.average_level:.1f}")
        st.dataframe(result.areas[["area", "level", "target_level", "gap"]].rename(
            columns={c: t(f"survey.col.{c}") for c in ("area", "level", "target_level", "gap")}),
            hide_index=True, key=_key(snapshot_id, "result"))
        save_controls(snapshot_id, rows)


def save_controls(snapshot_id: int, rows: pd.DataFrame) -> None:
    allowed = auth.can("import")
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    label = c1.text_input(t("survey.save.label"), key=_key(snapshot_id, "label"),
                          placeholder=t("survey.save.label_hint"))
    if c2.button(t("survey.save.new"), type="primary", key="survey.save_new", disabled=not allowed):
        new_id = store_survey.save_as_snapshot(cursor(), snapshot_id, rows, label=label or t("survey.save.default_label"),
                                               actor=actor())
        st.session_state.pop(_key(snapshot_id, "added"), None)
        select_snapshot(new_id)
        st.session_state["survey.flash"] = t("survey.save.done_new", snapshot_id=new_id)
        st.rerun()
    if c3.button(t("survey.save.in_place"), key="survey.save_in_place", disabled=not allowed):
        store_survey.replace_in_place(cursor(), snapshot_id, rows, actor=actor())
        from ui import maturity, overview

        maturity.load_maturity.clear()  # cached per snapshot id, and this snapshot's rows changed
        overview.load_overview.clear()
        st.session_state.pop(_key(snapshot_id, "added"), None)
        st.session_state["survey.flash"] = t("survey.save.done_in_place")
        st.rerun()
    if not allowed:
        st.caption(t("survey.save.analyst_only"))


def flash() -> None:
    text = st.session_state.pop("survey.flash", None)
    if text:
        st.success(text)
