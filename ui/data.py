"""Data page helpers: blank templates, the upload check (cached), the import with progress, and the
snapshot list with rename and delete.

The page (`views/data.py`) calls one function per section. Uploaded files are checked in one worker
process shared by all sessions (so a large check never stalls other users' pages), started once per
set of files' names and SHA-256 (the bytes are passed unhashed); a rename or delete clears the data caches, because snapshots and their
labels feed every other page's loaders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

import pandas as pd
import streamlit as st

from analytics.spawning import spawn_context
from i18n import has_key
from reports.xlsx_template import template_workbook, template_workbook_name
from store import db, importer, snapshots
from store.contract import KIND_ORDER, KINDS, column_rule, template_csv, template_file_name, templates_zip
from store.import_types import Problem
from store.import_values import DATE_ORDERS
from store.importer import ImportReport, problem_text
from store.mapping import Mapping
from ui import data_result, perf
from ui.auth import can
from ui.labels import DATE_INPUT_FORMAT
from ui.session import actor, cursor, db_path, lang, select_snapshot, t
from ui.text import md

FLASH_KEY = "data_flash"  # a message to show after the rerun that follows a write
UPLOADER_GENERATION_KEY = "data_uploader_generation"  # bumped after an import to empty the uploader
CONFIRM_DELETE_KEY = "data_confirm_delete"
CHECK_POLL_SECONDS = 0.25  # how often the page looks at a running check (and updates its progress line)
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "zip"]
Files = Sequence[tuple[str, bytes]]


def count_key(key: str, count: int) -> str:
    """`<key>_one` when the count is 1 and that form exists ("1 problem"), else `key` ("3 problems")."""
    singular = f"{key}_one"
    return singular if count == 1 and has_key(lang(), singular) else key


def counted(key: str, count: int, /, **params: object) -> str:
    """The message for a count, in the singular or plural form it needs ("2,503 problems")."""
    return t(count_key(key, count), count=f"{count:,}", **params)


def count_phrase(noun: str, count: int) -> str:
    """'1 file' / '8 files', '1,200 rows' (`data.count.<noun>`), for messages that hold several counts."""
    return t(count_key(f"data.count.{noun}", count), count=f"{count:,}")


def _row_text(row: int | None) -> str:
    # A file-level problem has no row. Text, not a nullable int: st.dataframe draws a missing
    # number as "None", and Arrow refuses a column that mixes ints and strings.
    return t("data.report.no_row") if row is None else str(int(row))


# --- templates -----------------------------------------------------------------------------------------


def kind_label(kind: str | None) -> str:
    return t(f"data.kind.{kind}") if kind else t("data.preview.unrecognised")


def contract_frame(kind: str) -> pd.DataFrame:
    """The columns of one kind for people: name, Chinese header, type, required, what it accepts."""
    rows = [
        {
            t("data.contract.column"): column.name,
            t("data.contract.alias"): column.zh,
            t("data.contract.type"): t(f"data.type.{column.type}"),
            t("data.contract.required"): t("data.contract.yes") if column.required else t("data.contract.no"),
            t("data.contract.rule"): column_rule(column, lang()),
        }
        for column in KINDS[kind].columns
    ]
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False, max_entries=4)
def _template_workbook(template_lang: str) -> bytes:
    """The Excel template, built once per language (0.8 s each, on every run of the Data page before)."""
    return template_workbook(template_lang)


def templates_section() -> None:
    st.caption(t("data.templates.help"))
    # Labels are computed now: format_func may be called outside this run (it must not read the session).
    labels = {kind: kind_label(kind) for kind in KIND_ORDER}
    kind = st.selectbox(t("data.templates.kind"), KIND_ORDER, format_func=labels.__getitem__, key="data_template_kind")
    st.dataframe(contract_frame(kind), hide_index=True, width="stretch")
    left, right = st.columns(2)
    for column, template_lang in ((left, "en"), (right, "zh")):
        column.download_button(
            t(f"data.templates.download_{template_lang}"), template_csv(kind, template_lang),
            file_name=template_file_name(kind, template_lang), mime="text/csv",
            key=f"data_template_{template_lang}", on_click="ignore",
        )
        column.download_button(
            t(f"data.templates.all_{template_lang}"), templates_zip(template_lang),
            file_name=f"lodestar_templates_{template_lang}.zip", mime="application/zip",
            key=f"data_templates_zip_{template_lang}", on_click="ignore",
        )
        column.download_button(
            t(f"reading.template.xlsx_{template_lang}"), _template_workbook(template_lang),
            file_name=template_workbook_name(template_lang),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"data_template_xlsx_{template_lang}", on_click="ignore",
        )


# --- checking uploads ----------------------------------------------------------------------------------


def uploader_key() -> str:
    return f"data_uploads_{st.session_state.get(UPLOADER_GENERATION_KEY, 0)}"


def fingerprint(files: Files) -> tuple[tuple[str, str], ...]:
    return tuple((name, hashlib.sha256(data).hexdigest()) for name, data in files)


@st.cache_resource(show_spinner=False)
def _check_pool() -> ProcessPoolExecutor:
    """One worker process, shared by every session, that reads and validates uploads.

    The check is CPU-bound Python: run on the script thread it would hold the interpreter lock and
    stall every other user's page while a large upload is read. In its own process it cannot; a
    second upload waits for the first. Spawned (not forked) so the worker holds no copy of the
    server's threads or open database.
    """
    return ProcessPoolExecutor(max_workers=1, mp_context=spawn_context())


@st.cache_resource(ttl=600, max_entries=8, show_spinner=False)
def _check_future(files_key: tuple[tuple[str, str], ...], _files: Files, date_order: str | None = None,
                  mapping_key: str = "", _mapping: Mapping | None = None) -> Future:
    """The worker's check of one set of files (by content, date order and mapping), started once and shared while it runs."""
    return _check_pool().submit(importer.check_files, list(_files), date_order=date_order, mapping=_mapping)


def date_order_select() -> str | None:
    """How dates like 01/03/2026 are read: not chosen (such dates are refused, asking to choose), day
    first or month first. Passed to the check and the import."""
    labels = {order: t(f"reading.date_order.{order or 'none'}") for order in (None, *DATE_ORDERS)}
    return st.selectbox(t("reading.date_order.label"), list(labels), format_func=labels.__getitem__,
                        key="data_date_order", help=t("reading.date_order.help"))


def _wait(future: Future, on_wait: Callable[[float], None]) -> ImportReport:
    started = time.monotonic()
    while True:
        try:
            return future.result(timeout=CHECK_POLL_SECONDS)
        except FutureTimeout:
            on_wait(time.monotonic() - started)


def check_uploads(files: Files, date_order: str | None = None, mapping: Mapping | None = None) -> ImportReport:
    """Read and validate the uploaded files in the worker process (nothing written), showing how long
    it has been running, then say whether exactly these files were imported before.

    A worker that died (out of memory, killed) gives a report with one named problem, and a fresh
    worker for the next check.
    """
    slot = st.empty()

    def on_wait(seconds: float) -> None:
        slot.caption(t("importlimits.checking", seconds=f"{seconds:.0f}"))

    try:
        mapping_key = hashlib.sha256(repr(mapping).encode()).hexdigest() if mapping is not None else ""
        report = _wait(_check_future(fingerprint(files), files, date_order, mapping_key, mapping), on_wait)
    except BrokenProcessPool:
        _check_future.clear()
        _check_pool.clear()
        report = ImportReport((), (Problem(None, None, None, None, "check_stopped"),), lang=lang())
    finally:
        slot.empty()
    return importer.with_duplicate(cursor(), report)


def files_frame(report: ImportReport) -> pd.DataFrame:
    """What was recognised, one row per file: kind, encoding, separator, rows and header mapping
    (for files imported before: as recorded then, with the snapshot that holds them)."""
    rows = []
    for info in report.files:
        mapped = [f"{header} → {column}" if column and header != column else (column or f"{header} ({t('data.preview.ignored')})")
                  for header, column in info.columns]
        mapped += [t("reading.unit", column=column, unit=unit) for column, unit in info.units]
        rows.append({
            t("data.preview.file"): info.name,
            t("data.preview.kind"): kind_label(info.kind),
            t("data.preview.encoding"): (info.encoding or "–") + (
                f" · {t('reading.line_endings.cr')}" if info.line_endings == "cr" else ""),
            t("data.preview.separator"): t(f"data.separator.{info.separator}") if info.separator else "–",
            t("data.preview.rows"): info.rows,
            t("data.preview.columns"): ", ".join(mapped),
        })
        if report.duplicate_of is not None:  # each file as imported then, and where it is now
            rows[-1][t("reimport.status")] = t("reimport.file_done", snapshot_id=report.duplicate_of)
    return pd.DataFrame(rows)


def problems_frame(report: ImportReport) -> pd.DataFrame:
    """The validation report, errors first (the importer's order): the rows to fix."""
    rows = [
        {
            t("data.report.severity"): t(f"data.severity.{p.severity}"),
            t("data.report.file"): p.file or "",
            t("data.report.row"): _row_text(p.row),
            t("data.report.column"): p.column or "",
            t("data.report.value"): p.value or "",
            t("data.report.problem"): problem_text(p, lang()),
        }
        for p in report.problems
    ]
    return pd.DataFrame(rows)


def show_report(report: ImportReport) -> None:
    """Metrics, the recognised files and the validation report of a check or a refused import."""
    files, rows, errors, warnings = st.columns(4)
    files.metric(t("data.metric.files"), len(report.files))
    rows.metric(t("data.metric.rows"), f"{sum(report.rows.values()):,}")
    errors.metric(t("data.metric.errors"), f"{report.error_total:,}")  # exact totals, not the rows listed
    warnings.metric(t("data.metric.warnings"), f"{report.warning_total:,}")
    st.markdown(f"**{t('data.preview.title')}**")
    st.dataframe(files_frame(report), hide_index=True, width="stretch")
    if report.duplicate_of is not None:
        st.warning(t("data.report.duplicate", snapshot_id=report.duplicate_of))
        return
    st.markdown(f"**{t('data.report.title')}**")
    if report.errors:
        st.error(counted("data.report.errors", report.error_total))
        st.caption(data_result.rows_refused_text(report))
    elif report.warnings:
        st.warning(counted("data.report.warnings_only", report.warning_total))
    else:
        st.success(t("data.report.clean"))
    if report.problems:
        data_result.show_groups(report)
        st.dataframe(problems_frame(report), hide_index=True, width="stretch")
        data_result.download_problems(report, key="data_report_download")


# --- importing -----------------------------------------------------------------------------------------


def clear_data_caches() -> None:
    """After a write every cached loader may be stale (new, renamed or removed snapshots)."""
    st.cache_data.clear()
    perf.clear_shared()


def import_form(files: Files, report: ImportReport, date_order: str | None = None, mapping: Mapping | None = None) -> None:
    """Label, as-of date and currency unit, then the import button (disabled while errors remain)."""
    st.markdown(f"**{t('data.import.title')}**")
    suffix = hashlib.sha256(repr(fingerprint(files)).encode()).hexdigest()[:10]  # fresh defaults per file set
    suggested = report.as_of or dt.date.today()
    label_col, as_of_col, unit_col = st.columns([2, 1, 1])
    label = label_col.text_input(t("data.import.label"), value=suggested.strftime("%Y-%m"), key=f"data_label_{suffix}")
    as_of = as_of_col.date_input(t("data.import.as_of"), value=suggested, key=f"data_as_of_{suffix}",
                                 help=t("data.import.as_of_help"), format=DATE_INPUT_FORMAT)
    unit = unit_col.text_input(t("data.import.currency"), value="万元", key=f"data_currency_{suffix}")
    partial = data_result.partial_choice(report, key=f"data_partial_{suffix}")
    ready = report.ok or (partial and report.duplicate_of is None)
    pressed = st.button(t("data.import.button"), type="primary", disabled=not ready, key="data_import")
    if pressed:
        run_import(files, label=label, as_of=as_of, currency_unit=unit, date_order=date_order, partial=partial,
                   mapping=mapping)


def run_import(files: Files, *, label: str, as_of: dt.date, currency_unit: str, date_order: str | None = None,
               partial: bool = False, mapping: Mapping | None = None) -> None:
    """Import with a progress box; on success select the new snapshot and rerun, else show why."""
    with st.status(t("data.import.running"), expanded=True) as status:
        def progress(stage: str) -> None:
            st.write(t(f"data.import.step_{stage}", files=count_phrase("files", len(files))))

        result = importer.import_files(
            cursor(), list(files), label=label, as_of=as_of, currency_unit=currency_unit,
            actor=actor(), lang=lang(), progress=progress, date_order=date_order, partial=partial, mapping=mapping,
        )
        if result.snapshot_id is None:
            status.update(label=t("data.import.refused_status"), state="error")
        else:
            status.update(label=t("data.import.done", snapshot_id=result.snapshot_id), state="complete")
    if result.snapshot_id is None:
        if result.duplicate_of is not None:
            st.warning(t("data.report.duplicate", snapshot_id=result.duplicate_of))
        else:
            st.error(counted("data.import.refused", result.error_total))
            st.caption(data_result.rows_refused_text(result))
            st.dataframe(problems_frame(result), hide_index=True, width="stretch")
        return
    # No cache clearing here: every loader is keyed on snapshot ids (a new snapshot has a new one)
    # or on the set of them, so nothing cached can be stale; clearing made every session online
    # recompute every page at once (bench/team.py, docs/performance.md).
    select_snapshot(result.snapshot_id)
    st.session_state[UPLOADER_GENERATION_KEY] = st.session_state.get(UPLOADER_GENERATION_KEY, 0) + 1
    rows = sum(result.rows.values())
    flash = [("success", "data.import.success", {"snapshot_id": result.snapshot_id, "label": result.label,
                                                   "rows": count_phrase("rows", rows),
                                                   "files": count_phrase("files", len(result.files))})]
    if result.warnings:
        warnings = result.warning_total
        flash.append(("warning", count_key("data.import.with_warnings", warnings), {"count": warnings}))
    st.session_state[FLASH_KEY] = flash
    st.session_state[data_result.PARTIAL_RESULT_KEY] = result if result.partial is not None and result.partial.applied else None
    st.rerun()


def show_flash() -> None:
    """Messages left by the last write (shown once, after its rerun); their text parameters (a
    snapshot's label) are shown as typed."""
    for level, key, params in st.session_state.pop(FLASH_KEY, []):
        getattr(st, level)(t(key, **{name: md(v) if isinstance(v, str) else v for name, v in params.items()}))
    data_result.show_partial_result()


# --- snapshots -----------------------------------------------------------------------------------------


def listing_frame(listing: pd.DataFrame) -> pd.DataFrame:
    """The snapshot list for people: translated headers, a row count per kind, dates without noise."""
    shown = pd.DataFrame({
        t("data.snapshots.col.snapshot_id"): listing["snapshot_id"].astype(int),
        t("data.snapshots.col.label"): listing["label"],
        t("data.snapshots.col.as_of"): pd.to_datetime(listing["as_of"]).dt.date,
        t("data.snapshots.col.imported_at"): pd.to_datetime(listing["imported_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        t("data.snapshots.col.imported_by"): listing["imported_by"].fillna("–"),
        t("data.snapshots.col.currency_unit"): listing["currency_unit"],
    })
    for kind in KIND_ORDER:
        shown[kind_label(kind)] = listing[kind].astype(int)
    shown[t("data.snapshots.col.files")] = listing["files"].fillna("")
    return shown


def _option(row: pd.Series) -> str:
    return t("data.snapshots.option", snapshot_id=int(row["snapshot_id"]), label=row["label"],
             as_of=pd.Timestamp(row["as_of"]).date())


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _snapshot_listing(path: str, key: tuple) -> pd.DataFrame:
    """The snapshot list with row counts (a count over every data table: 0.7 s at 10,000 projects),
    counted again only after a write (`listing_key`: the snapshots and the newest log entry)."""
    return snapshots.list_snapshots(db.cursor(path))


def snapshots_section() -> None:
    """The snapshot list with row counts, and rename / delete (delete asks to confirm)."""
    listing = _snapshot_listing(db_path(), snapshots.listing_key(cursor()))
    if listing.empty:
        st.info(t("data.snapshots.empty"))
        return
    st.dataframe(listing_frame(listing), hide_index=True, width="stretch")
    by_id = {int(row["snapshot_id"]): row for _, row in listing.iterrows()}
    labels = {snapshot_id: _option(row) for snapshot_id, row in by_id.items()}
    with st.expander(t("data.snapshots.manage")):
        chosen = st.selectbox(t("data.snapshots.pick"), list(by_id), format_func=labels.__getitem__, key="data_manage_pick")
        row = by_id[chosen]
        new_label = st.text_input(t("data.snapshots.new_label"), value=row["label"], key=f"data_new_label_{chosen}")
        rename_col, delete_col = st.columns(2)
        if rename_col.button(t("data.snapshots.rename"), key="data_rename", disabled=not can("snapshot_rename")):
            rename(chosen, new_label)
        if delete_col.button(t("data.snapshots.delete"), key="data_delete", disabled=not can("snapshot_delete")):
            st.session_state[CONFIRM_DELETE_KEY] = chosen
        if st.session_state.get(CONFIRM_DELETE_KEY) == chosen:
            _confirm_delete(row)


def _confirm_delete(row: pd.Series) -> None:
    snapshot_id = int(row["snapshot_id"])
    rows = int(sum(int(row[kind]) for kind in KIND_ORDER))
    st.warning(t("data.snapshots.confirm", snapshot_id=snapshot_id, label=md(row["label"]), rows=count_phrase("rows", rows)))
    yes, no = st.columns(2)
    if yes.button(t("data.snapshots.confirm_yes"), type="primary", key="data_delete_yes"):
        st.session_state.pop(CONFIRM_DELETE_KEY, None)
        snapshots.delete_snapshot(cursor(), snapshot_id, actor=actor())
        clear_data_caches()
        st.session_state[FLASH_KEY] = [("success", "data.snapshots.deleted", {"snapshot_id": snapshot_id, "label": row["label"]})]
        st.rerun()
    if no.button(t("data.snapshots.confirm_no"), key="data_delete_no"):
        st.session_state.pop(CONFIRM_DELETE_KEY, None)
        st.rerun()


def rename(snapshot_id: int, label: str) -> None:
    label = label.strip()
    if not label:
        st.error(t("data.snapshots.label_empty"))
        return
    snapshots.rename_snapshot(cursor(), snapshot_id, label, actor=actor())
    clear_data_caches()
    st.session_state[FLASH_KEY] = [("success", "data.snapshots.renamed", {"snapshot_id": snapshot_id, "label": label})]
    st.rerun()
