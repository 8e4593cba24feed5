"""The Data page's mapping step: from "not recognised" to "imported" without code (docs/mapping.md).

For an uploaded CSV file that matches no kind, or lacks required columns, the page shows: the kind
it holds (best guess preselected), for each contract column a select of the file's headers (best guess
preselected, its confidence shown) or a derived field (whole months between two dates, a status from
dates, the same value for every row), value maps for enum columns (the file's values -> `active`,
`completed`, ... with best guesses), the required columns still unmapped in red, and the first rows as
they would be imported. "Apply mapping" keeps the mapping for this upload (the normal check and
import then run through it); with a name it is also saved as a profile, which is applied by itself
the next time a file with the same headers is uploaded.

Members of a zip are mapped by saved profiles (or `cli.py import --mapping`), not in this step.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Sequence

import streamlit as st

from i18n import error_text
from store import mapping_profiles
from store.contract import KIND_ORDER, KINDS, Column, Kind
from store.import_types import FileInfo
from store.importer import ImportReport
from store.mapping import Constant, FileMapping, FromDates, Mapping, MappingError, MonthsBetween, Rule, Source
from store.mapping_preview import distinct_values, preview, read_head
from store.mapping_suggest import HINTS, kind_guess, suggest_columns, suggest_value
from ui.auth import can
from ui.session import actor, cursor, lang, t
from ui.text import md

Files = Sequence[tuple[str, bytes]]
SESSION_KEY = "data_mapping"  # fingerprint of the upload -> {file name: FileMapping} set in this step
FLASH_KEY = "data_mapping_flash"
NOT_MAPPED = "__not_mapped__"
MONTHS_BETWEEN = "__months_between__"
FROM_DATES = "__from_dates__"
CONSTANT = "__constant__"
KEEP = "__keep__"
MAX_VALUES_SHOWN = 30
FINISH_WORDS = ("finish", "end", "completion", "closing", "close", "完成", "结束", "竣工")


def _upload_key(files: Files) -> str:
    return hashlib.sha256(repr([(n, hashlib.sha256(d).hexdigest()) for n, d in files]).encode()).hexdigest()[:16]


def _set_here(files: Files) -> dict[str, FileMapping]:
    return st.session_state.get(SESSION_KEY, {}).get(_upload_key(files), {})


def active_mapping(files: Files) -> Mapping | None:
    """The mappings set in this step for these files, with every saved profile offered by header row."""
    here = tuple(file.with_match(glob.escape(name)) for name, file in _set_here(files).items())
    saved = mapping_profiles.saved_files(cursor())
    if not here and not saved:
        return None
    return Mapping(here, profiles=saved)


def show_mapped(report: ImportReport) -> None:
    """Which files a mapping or a saved profile shaped (and the message of the last save)."""
    for level, key, params in st.session_state.pop(FLASH_KEY, []):
        getattr(st, level)(t(key, **{k: md(v) for k, v in params.items()}))
    for name, profile in report.mapped.items():
        if profile:
            st.info(t("mapping.step.by_profile", file=md(name), name=md(profile)))
        else:
            st.info(t("mapping.step.by_mapping", file=md(name)))


def _needs_mapping(info: FileInfo, report: ImportReport) -> bool:
    if info.encoding is None:  # not decoded (or refused before reading): nothing to map
        return False
    missing = any(p.file == info.name and p.code in ("missing_column", "mapping_header_missing") for p in report.errors)
    return info.kind is None or missing


def mapping_step(files: Files, report: ImportReport) -> None:
    """The step for every uploaded CSV file that needs one (an expander to edit one already mapped)."""
    if report.duplicate_of is not None:
        return
    uploaded = dict(files)
    for info in report.files:
        if info.name not in uploaded:
            continue
        if _needs_mapping(info, report):
            st.subheader(t("mapping.step.title", file=md(info.name)))
            st.caption(t("mapping.step.intro"))
            _file_step(files, info.name, uploaded[info.name])
        elif info.name in report.mapped:
            with st.expander(t("mapping.step.edit", file=md(info.name))):
                _file_step(files, info.name, uploaded[info.name])


@st.cache_data(max_entries=8, show_spinner=False)
def _headers(data_key: str, _data: bytes) -> list[str] | None:
    read = read_head(_data)
    return None if read is None else read[0]


@st.cache_data(max_entries=32, show_spinner=False)
def _values(data_key: str, header: str, _data: bytes) -> list[str]:
    return distinct_values(_data, header)


def _existing(files: Files, name: str, headers: list[str]) -> FileMapping | None:
    here = _set_here(files).get(name)
    if here is not None:
        return here
    for file in mapping_profiles.saved_files(cursor()):
        if Mapping((), profiles=(file,)).for_file(name, headers) is not None:
            return file
    return None


def _file_step(files: Files, name: str, data: bytes) -> None:
    data_key = hashlib.sha256(data).hexdigest()
    headers = _headers(data_key, data)
    if not headers:
        return
    prefix = f"map_{data_key[:10]}"
    existing = _existing(files, name, headers)
    guess = kind_guess(headers, name)
    default_kind = existing.kind if existing else (guess.kind.name if guess else "projects")
    labels = {k: t(f"data.kind.{k}") for k in KIND_ORDER}
    kind_name = st.selectbox(t("mapping.step.kind"), KIND_ORDER, index=KIND_ORDER.index(default_kind),
                             format_func=labels.__getitem__, key=f"{prefix}_kind")
    kind = KINDS[kind_name]
    rules = _column_rules(f"{prefix}_{kind_name}", kind, headers,
                          existing if existing and existing.kind == kind_name else None)
    values = _value_maps(f"{prefix}_{kind_name}", data_key, data, kind.columns, rules,
                         existing if existing and existing.kind == kind_name else None)
    missing = [c for c in kind.required if c.name not in rules]
    if missing:
        names = ", ".join(f"{c.name} ({c.zh})" for c in missing)
        st.markdown(f":red[{md(t('mapping.step.missing', columns=names))}]")
    else:
        st.success(t("mapping.step.all_required"))
    ordered = tuple((c.name, rules[c.name]) for c in kind.columns if c.name in rules)
    file = FileMapping(kind_name, ordered, "*", values, tuple(headers)) if ordered else None
    st.markdown(f"**{t('mapping.step.preview')}**")
    if file is None:
        st.caption(t("mapping.step.preview_empty"))
    else:
        st.dataframe(preview(name, data, file, as_of=None), width="stretch")
    _apply_row(files, name, file, prefix)


def _apply_row(files: Files, name: str, file: FileMapping | None, prefix: str) -> None:
    profile_col, button_col = st.columns([3, 1])
    profile = profile_col.text_input(t("mapping.step.profile_name"), key=f"{prefix}_profile",
                                     help=t("mapping.step.profile_help"), disabled=not can("mapping_profiles"), max_chars=120)
    button_col.markdown("&nbsp;")
    pressed = button_col.button(t("mapping.step.apply"), type="primary", key=f"{prefix}_apply", disabled=file is None)
    if not pressed or file is None:
        return
    flash = [("success", "mapping.step.applied", {"file": name})]
    if profile.strip():
        try:
            mapping_profiles.save_profile(cursor(), profile, Mapping((file,)), actor=actor())
        except MappingError as e:
            st.error(error_text(lang(), e, md))
            return
        flash = [("success", "mapping.step.saved", {"file": name, "name": " ".join(profile.split())})]
    by_upload = dict(st.session_state.get(SESSION_KEY, {}))
    by_upload[_upload_key(files)] = {**by_upload.get(_upload_key(files), {}), name: file}
    st.session_state[SESSION_KEY] = by_upload
    st.session_state[FLASH_KEY] = flash
    st.rerun()


# --- the column selects --------------------------------------------------------------------------------


def _derived_options(column: Column) -> list[str]:
    if column.type == "int" and column.name in ("duration_months",):
        return [MONTHS_BETWEEN]
    if column.name == "status":
        return [FROM_DATES, CONSTANT]
    if column.type == "enum":
        return [CONSTANT]
    return []


def _default_choice(column: Column, headers: list[str], existing: FileMapping | None, suggestion) -> str:
    rule = existing.rule(column.name) if existing else None
    if isinstance(rule, Source) and rule.header in headers:
        return rule.header
    if isinstance(rule, MonthsBetween):
        return MONTHS_BETWEEN
    if isinstance(rule, FromDates):
        return FROM_DATES
    if isinstance(rule, Constant):
        return CONSTANT
    if existing is None and suggestion.header is not None:
        return suggestion.header
    if existing is None and column.name == "duration_months" and _finish_header(headers):
        return MONTHS_BETWEEN
    return NOT_MAPPED


def _finish_header(headers: list[str]) -> str | None:
    for word in FINISH_WORDS:
        for header in headers:
            if word in header.lower() and "actual" not in header.lower():
                return header
    return None


def _actual_finish_header(headers: list[str]) -> str | None:
    """A finish that happened ("Actual Finish"), else any finish column: a status needs what did happen."""
    actual = [h for h in headers if "actual" in h.lower() or "实际" in h]
    return _finish_header_any(actual) or _finish_header(headers)


def _finish_header_any(headers: list[str]) -> str | None:
    return next((h for h in headers if any(word in h.lower() for word in FINISH_WORDS)), None)


def _start_header(headers: list[str]) -> str | None:
    for header in headers:
        if any(word in header.lower() for word in HINTS["start_month"]):
            return header
    return None


def _option_label(option: str) -> str:
    special = {NOT_MAPPED: "mapping.step.not_mapped", MONTHS_BETWEEN: "mapping.step.months_between",
               FROM_DATES: "mapping.step.from_dates", CONSTANT: "mapping.step.constant"}
    return t(special[option]) if option in special else option


def _column_rules(prefix: str, kind: Kind, headers: list[str], existing: FileMapping | None) -> dict[str, Rule]:
    suggestions = {s.column: s for s in suggest_columns(headers, kind)}
    rules: dict[str, Rule] = {}
    grid = st.columns(2)
    labels = {NOT_MAPPED: _option_label(NOT_MAPPED), MONTHS_BETWEEN: _option_label(MONTHS_BETWEEN),
              FROM_DATES: _option_label(FROM_DATES), CONSTANT: _option_label(CONSTANT)}
    for i, column in enumerate(kind.columns):
        options = [NOT_MAPPED, *headers, *_derived_options(column)]
        default = _default_choice(column, headers, existing, suggestions[column.name])
        label = t("mapping.step.required", column=column.name) if column.required else column.name
        with grid[i % 2]:
            choice = st.selectbox(f"{label} · {column.zh}", options, index=options.index(default),
                                  format_func=lambda o, labels=labels: labels.get(o, o), key=f"{prefix}_{column.name}")
            suggestion = suggestions[column.name]
            if choice == suggestion.header and choice != NOT_MAPPED:
                st.caption(t("mapping.step.guess", percent=f"{suggestion.confidence:.0%}"))
            rule = _rule(prefix, column, choice, headers, existing)
        if rule is not None:
            rules[column.name] = rule
    return rules


def _header_select(label: str, headers: list[str], default: str | None, key: str, optional: bool = False) -> str | None:
    options = ([NOT_MAPPED] if optional else []) + headers
    index = options.index(default) if default in options else 0
    chosen = st.selectbox(label, options, index=index, key=key, format_func=_option_label)
    return None if chosen == NOT_MAPPED else chosen


def _rule(prefix: str, column: Column, choice: str, headers: list[str], existing: FileMapping | None) -> Rule | None:
    old = existing.rule(column.name) if existing else None
    key = f"{prefix}_{column.name}"
    if choice == NOT_MAPPED:
        return None
    if choice == MONTHS_BETWEEN:
        start = old.start if isinstance(old, MonthsBetween) else _start_header(headers)
        finish = old.finish if isinstance(old, MonthsBetween) else _finish_header(headers)
        chosen_start = _header_select(t("mapping.step.start"), headers, start, f"{key}_start")
        chosen_finish = _header_select(t("mapping.step.finish"), headers, finish, f"{key}_finish")
        st.caption(t("mapping.step.months_help"))
        return MonthsBetween(chosen_start or headers[0], chosen_finish or headers[0])
    if choice == FROM_DATES:
        start = old.start if isinstance(old, FromDates) else _start_header(headers)
        finish = old.finish if isinstance(old, FromDates) else _actual_finish_header(headers)
        chosen_start = _header_select(t("mapping.step.start"), headers, start, f"{key}_start", optional=True)
        chosen_finish = _header_select(t("mapping.step.finish"), headers, finish, f"{key}_finish", optional=True)
        st.caption(t("mapping.step.from_dates_help"))
        if chosen_start is None and chosen_finish is None:
            return None
        return FromDates(chosen_start, chosen_finish)
    if choice == CONSTANT:
        default = old.value if isinstance(old, Constant) else column.allowed[0]
        value = st.selectbox(t("mapping.step.constant_value"), column.allowed, index=column.allowed.index(default),
                             key=f"{key}_constant")
        return Constant(value)
    return Source(choice)


def _value_maps(prefix: str, data_key: str, data: bytes, columns: tuple[Column, ...], rules: dict[str, Rule],
                existing: FileMapping | None) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """For each enum column taken from a header: what each of the file's values means."""
    out = []
    for column in columns:
        rule = rules.get(column.name)
        if column.type != "enum" or not isinstance(rule, Source):
            continue
        found = _values(data_key, rule.header, data)
        if not found:
            continue
        old = existing.value_map(column.name) if existing else {}
        st.markdown(f"**{t('mapping.step.values', column=column.name)}**")
        st.caption(t("mapping.step.values_help", column=column.name))
        options = [KEEP, *column.allowed]
        pairs = []
        grid = st.columns(3)
        for i, value in enumerate(found[:MAX_VALUES_SHOWN]):
            default = old.get(value) or suggest_value(value, column.name) or KEEP
            with grid[i % 3]:
                chosen = st.selectbox(md(value), options, index=options.index(default) if default in options else 0,
                                      format_func=lambda o: t("mapping.step.keep") if o == KEEP else o,
                                      key=f"{prefix}_value_{column.name}_{hashlib.sha256(value.encode()).hexdigest()[:8]}")
            if chosen != KEEP:
                pairs.append((value, chosen))
        if pairs:
            out.append((column.name, tuple(pairs)))
    return tuple(out)
