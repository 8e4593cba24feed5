"""Data page: what a check or an import found, counted exactly, and the partial-import choice.

    rows_refused_text(report)           # "they are in 2,503 of 2,540 rows" (exact)
    show_groups(report)                 # each problem (file x column x kind) with its exact count
    download_problems(report)           # the full problem list as CSV (store.import_problems spill)
    partial = partial_choice(report)    # the checkbox with the counts, or why it is not offered
    show_partial_result(report)         # after a partial import: counts per kind and the rejects list

The listed rows are the first `MAX_ROWS_PER_PROBLEM` of each problem; every count is the true total.
Downloads are built when clicked (a callable), through `reports.import_lists` (formula-safe CSV).
Every file name, column and value is shown through `ui.text.md` (typed by the uploader).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reports import import_lists
from store.import_problems import ProblemGroup
from store.import_types import Problem
from store.importer import MAX_ROWS_PER_PROBLEM, ImportReport, problem_text
from ui.session import lang, t

PARTIAL_RESULT_KEY = "data_partial_result"  # the last partial import's report, for its rejects download


def count_text(noun: str, count: int) -> str:
    """'1 row' / '2,503 rows' (`partial.count.<noun>`)."""
    key = f"partial.count.{noun}_one" if count == 1 else f"partial.count.{noun}"
    return t(key, count=f"{count:,}")


def rows_refused_text(report: ImportReport) -> str:
    """'They are in 2,503 of 2,540 rows.'"""
    return t("partial.totals.rows", rows=count_text("rows", report.rows_refused), total=f"{sum(report.rows.values()):,}")


def _group_problem(group: ProblemGroup) -> Problem:
    return Problem(group.file, None, group.column, None, group.code, group.params, group.severity)


def groups_frame(report: ImportReport) -> pd.DataFrame:
    """One row per problem (severity x file x column x kind), errors first, largest first: its exact
    count of rows and how many of them the report lists."""
    groups = sorted(report.groups, key=lambda g: (not g.is_error, -g.total, g.file or "", g.column or ""))
    rows = [
        {
            t("data.report.severity"): t(f"data.severity.{g.severity}"),
            t("data.report.file"): g.file or "",
            t("data.report.column"): g.column or "",
            t("data.report.problem"): problem_text(_group_problem(g), lang()),
            t("partial.groups.rows"): g.total,
            t("partial.groups.listed"): g.shown,
        }
        for g in groups
    ]
    return pd.DataFrame(rows)


def show_groups(report: ImportReport) -> None:
    """The per-problem totals, above the listed rows (the first MAX_ROWS_PER_PROBLEM of each)."""
    if not report.groups:
        return
    st.markdown(f"**{t('partial.groups.title')}**")
    st.caption(t("partial.groups.caption", limit=MAX_ROWS_PER_PROBLEM))
    st.dataframe(groups_frame(report), hide_index=True, width="stretch")


def download_problems(report: ImportReport, key: str = "data_problems_download") -> None:
    current = lang()
    st.download_button(t("partial.download.problems"), lambda: import_lists.problems_csv(report, current),
                       file_name="lodestar_import_report.csv", mime="text/csv", key=key, on_click="ignore")


def download_rejects(report: ImportReport, key: str) -> None:
    current = lang()
    st.download_button(t("partial.download.rejects"), lambda: import_lists.rejects_csv(report, current),
                       file_name="lodestar_import_rejects.csv", mime="text/csv", key=key, on_click="ignore")


def partial_choice(report: ImportReport, key: str) -> bool:
    """The partial-import checkbox with its counts (when possible and there are errors); True when ticked."""
    plan = report.partial
    if plan is None or not report.errors or report.duplicate_of is not None:
        return False
    if not plan.possible:
        st.info(t(f"partial.not_possible.{plan.reason}"))
        return False
    chosen = st.checkbox(t("partial.checkbox", kept=count_text("rows", plan.kept_total),
                           rejected=count_text("rows", plan.rejected_total)),
                         key=key, help=t("partial.checkbox_help"))
    followed = sum(plan.followed.values())
    if followed:
        st.caption(t("partial.followed", rows=count_text("rows", followed)))
    download_rejects(report, key=f"{key}_rejects")
    return chosen


def show_partial_result() -> None:
    """After a partial import (shown once the page reruns): the counts and the rejects download."""
    report = st.session_state.get(PARTIAL_RESULT_KEY)
    if report is None or report.partial is None:
        return
    plan = report.partial
    st.info(t("partial.imported", kept=count_text("rows", plan.kept_total), rejected=count_text("rows", plan.rejected_total)))
    for kind, kept in plan.kept.items():
        rejected = plan.rejected.get(kind, 0)
        if rejected:
            st.caption(t("partial.by_kind", kind=t(f"data.kind.{kind}"), kept=count_text("rows", kept),
                         rejected=count_text("rows", rejected)))
    download_rejects(report, key="data_partial_rejects")
