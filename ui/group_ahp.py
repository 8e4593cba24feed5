"""Group AHP on the Strategy page: several named participants' judgements, each person's CR, the group's weights.

Participants are added in turn (the pairwise judgements above, recorded under a name) or from CSV
files, one per person (named after the file; `analytics.ahp_csv`). The group's matrix is the
element-wise geometric mean (`analytics.ahp_group`), saved as a weight set with the participants
recorded (`store.weights.save_weight_set(participants=...)`). The list lives in the session until saved.
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from analytics.ahp_csv import parse_matrix_csv
from analytics.ahp_group import GroupResult, Participant, align_matrix, group_ahp
from analytics.errors import AnalyticsError
from i18n.numbers import percent
from store import weights
from store.errors import StoreError
from ui import auth
from ui import strategy as strat
from ui.session import actor, cursor, lang, t
from ui.text import md


def state_key(snapshot_id: int) -> str:
    return f"strategy.group.{snapshot_id}"


def _people(snapshot_id: int) -> list[Participant]:
    return list(st.session_state.get(state_key(snapshot_id), []))


def _set_people(snapshot_id: int, people: list[Participant]) -> None:
    st.session_state[state_key(snapshot_id)] = people


def _fail(error: Exception) -> None:
    st.session_state[strat.FLASH_KEY] = error


def on_add_current(data: strat.StrategyData) -> None:
    """Record the judgements now in the pairwise editor under the typed name."""
    name = str(st.session_state.get("strategy.group.name") or "").strip()
    people = _people(data.snapshot_id)
    try:
        group_ahp([*people, Participant(name, strat.draft_matrix(data))])  # names distinct and judgements usable
    except AnalyticsError as e:
        _fail(e)
        return
    _set_people(data.snapshot_id, [*people, Participant(name, strat.draft_matrix(data))])
    st.session_state["strategy.group.name"] = ""


def on_add_files(data: strat.StrategyData) -> None:
    """One participant per uploaded CSV, named after the file."""
    people = _people(data.snapshot_id)
    added = []
    try:
        for upload in st.session_state.get("strategy.group.files") or []:
            names, matrix = parse_matrix_csv(upload.name, upload.getvalue())
            aligned = align_matrix(names, matrix, data.objective_ids, data.objective_names, file=upload.name)
            added.append(Participant(PurePath(upload.name).stem, aligned))
        group_ahp([*people, *added])
    except AnalyticsError as e:
        _fail(e)
        return
    _set_people(data.snapshot_id, [*people, *added])


def on_remove(data: strat.StrategyData) -> None:
    gone = st.session_state.get("strategy.group.remove")
    _set_people(data.snapshot_id, [p for p in _people(data.snapshot_id) if p.name != gone])


def on_save(data: strat.StrategyData, method: str, group: GroupResult) -> None:
    name = str(st.session_state.get("strategy.group.save_name") or "").strip()
    try:
        set_id = weights.save_weight_set(
            cursor(), snapshot_id=data.snapshot_id, name=name, method=f"ahp_{method}",
            weights=dict(zip(data.objective_ids, group.result.weights, strict=True)),
            objective_ids=data.objective_ids, matrix=group.aggregated,
            consistency_ratio=group.result.consistency_ratio, actor=actor(),
            activate=bool(st.session_state.get("strategy.group.activate", True)),
            participants=[(p.name, p.matrix, r.consistency_ratio) for p, r in group.participants],
        )
    except (StoreError, AnalyticsError) as e:
        _fail(e)
        return
    strat.clear_weight_caches()
    _set_people(data.snapshot_id, [])
    st.session_state[strat.FLASH_KEY] = ("strategy.group.saved", {"name": name, "id": set_id,
                                                                  "n": str(len(group.participants))})


def people_table(data: strat.StrategyData, group: GroupResult) -> pd.DataFrame:
    """One row per participant and one for the group: CR and each objective's weight."""
    code = lang()
    names = data.objective_names
    rows = [(p.name, r) for p, r in group.participants] + [(t("strategy.group.aggregate"), group.result)]
    table = pd.DataFrame({t("strategy.group.col.participant"): [n for n, _ in rows],
                          t("strategy.group.col.cr"): [f"{r.consistency_ratio:.3f}" for _, r in rows]})
    for i, oid in enumerate(data.objective_ids):
        table[names[oid]] = [percent(r.weights[i], code, 1) for _, r in rows]
    return table


def group_section(data: strat.StrategyData, method: str) -> None:
    """The group's participants, their consistency and the aggregated weights, saved as one weight set."""
    with st.expander(t("strategy.group.title"), expanded=bool(_people(data.snapshot_id))):
        st.caption(t("strategy.group.help"))
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input(t("strategy.group.name"), key="strategy.group.name")
        c2.button(t("strategy.group.add_current"), key="strategy.group.add", on_click=on_add_current, args=(data,))
        f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
        f1.file_uploader(t("strategy.group.files"), type=["csv"], accept_multiple_files=True, key="strategy.group.files")
        f2.button(t("strategy.group.add_files"), key="strategy.group.add_files", on_click=on_add_files, args=(data,))
        people = _people(data.snapshot_id)
        if not people:
            st.caption(t("strategy.group.none"))
            return
        group = group_ahp(people, method)
        st.dataframe(people_table(data, group), hide_index=True, key="strategy.group.table")
        st.caption(t("strategy.group.rule"))
        r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
        r1.selectbox(t("strategy.group.remove_pick"), [p.name for p in people], key="strategy.group.remove")
        r2.button(t("strategy.group.remove"), key="strategy.group.remove_button", on_click=on_remove, args=(data,))
        s1, s2, s3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        s1.text_input(t("strategy.save.name"), key="strategy.group.save_name", placeholder=t("strategy.group.save_hint"))
        s2.checkbox(t("strategy.save.activate"), value=True, key="strategy.group.activate")
        s3.button(t("strategy.group.save"), type="primary", key="strategy.group.save", on_click=on_save,
                  args=(data, method, group), disabled=not auth.can("weights"))
        st.caption(t("strategy.group.participants", names=md(", ".join(p.name for p in people))))
