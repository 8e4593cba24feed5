"""Column mappings as data: derived fields (hand-worked), the TOML format (the issue's example, round
trips, every refusal) and the best guesses for unmapped files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.derived_fields import duration_months, status_from_dates
from analytics.months import months_between
from i18n import error_text, translate
from store.contract import KINDS
from store.import_types import Problem
from store.mapping import (
    Constant,
    FileMapping,
    FromDates,
    Mapping,
    MappingError,
    MonthsBetween,
    Source,
    from_toml,
    header_signature,
)
from store.mapping_suggest import kind_guess, suggest_columns, suggest_value, unrecognised_problem

RESOURCES = Path(__file__).parent / "resources" / "mapping"


def _days(*texts: str | None) -> np.ndarray:
    return np.array([np.datetime64(t) if t else np.datetime64("NaT") for t in texts], dtype="datetime64[D]")


# --- derived fields ------------------------------------------------------------------------------------

DURATIONS = [  # (start, finish, months): both months counted
    ("2026-01-10", "2026-03-20", 3),  # January, February, March
    ("2026-01-01", "2026-01-31", 1),  # one month
    ("2026-03-15", "2026-03-15", 1),  # the same day
    ("2026-01-31", "2026-02-01", 2),  # two days, two calendar months
    ("2011-01-10", "2012-06-30", 18),  # 12 + 6
    ("2025-11-03", "2026-09-30", 11),  # Nov..Dec (2) + Jan..Sep (9)
    ("2019-12-31", "2020-01-01", 2),  # across a year end
]


@pytest.mark.parametrize(("start", "finish", "months"), DURATIONS)
def test_duration_counts_the_start_and_finish_months(start, finish, months):
    result = duration_months(_days(start), _days(finish))
    assert result.months.tolist() == [months] and result.known.tolist() == [True]
    assert not result.backwards.any()
    assert months == months_between(start, finish) + 1  # the one-home month arithmetic agrees


def test_a_finish_before_the_start_is_flagged_and_counts_one_month():
    result = duration_months(_days("2026-03-20", "2026-03-20", "2010-03-01"), _days("2026-03-10", "2025-12-01", "2010-02-15"))
    assert result.months.tolist() == [1, 1, 1]
    assert result.backwards.tolist() == [True, True, True]


def test_a_missing_date_gives_no_duration():
    result = duration_months(_days("2026-01-01", None, None), _days(None, "2026-05-01", None))
    assert result.known.tolist() == [False, False, False]
    assert not result.backwards.any()


def test_status_from_dates_compares_by_day_with_the_as_of_date():
    as_of = dt.date(2026, 3, 31)
    start = _days("2026-01-01", "2026-01-01", "2026-04-01", "2026-03-31", "2025-01-01", None, None, "2026-05-01")
    finish = _days("2026-03-31", "2026-04-01", None, None, None, None, "2026-03-30", "2026-03-01")
    assert status_from_dates(start, finish, as_of).tolist() == [
        "completed",  # finished on the as-of day
        "active",  # finishes the day after
        "approved",  # starts the day after, no finish
        "active",  # starts on the as-of day
        "active",  # started, no finish: not finished
        "active",  # no dates at all
        "completed",  # finished, no start
        "completed",  # a finish on or before as-of wins (the finish-before-start warning comes from durations)
    ]


# --- TOML ----------------------------------------------------------------------------------------------


def test_the_issue_example_reads_as_written():
    mapping = from_toml((RESOURCES / "investments.toml").read_text(encoding="utf-8"))
    (file,) = mapping.files
    assert file.kind == "projects" and file.match == "Investments_*.csv"
    assert dict(file.columns) == {
        "project_id": Source("Investment ID"),
        "name": Source("Investment Title"),
        "category": Source("Owning Bureau"),
        "budget": Source("Approved Cost (k$)"),
        "expected_benefit": Source("Expected Savings (k$)"),
        "start_month": Source("Start Date"),
        "duration_months": MonthsBetween("Start Date", "Planned Finish"),
        "status": FromDates("Start Date", "Actual Finish"),
    }
    assert file.value_map("status") == {"Ongoing": "active"}
    assert [c for c, _ in file.columns][:3] == ["project_id", "name", "category"]  # the contract's order
    assert file.matches("Investments_2026-04.csv") and file.matches("exports.zip/investments_2026-05.CSV")
    assert not file.matches("Projects.csv")


def test_toml_round_trip_keeps_every_rule():
    mapping = Mapping((
        FileMapping("projects", (("project_id", Source('ID "quoted"')), ("name", Source("名称")),
                                 ("status", Constant("proposed")), ("duration_months", MonthsBetween("A", "B"))),
                    "x_*.csv", (("status", (("Ongoing", "active"), ("完成", "completed"))),), ("ID \"quoted\"", "名称", "A", "B")),
        FileMapping("objectives", (("objective_id", Source("Code")), ("name", Source("Goal")),
                                   ("weight", Constant("0.5"))), "Goals"),
        FileMapping("projects", (("status", FromDates(None, "Closed")),)),
    ))
    assert from_toml(mapping.to_toml()) == mapping


HEADER_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=20).filter(
    lambda s: s.strip())


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(headers=st.lists(HEADER_TEXT, min_size=3, max_size=3), value=HEADER_TEXT)
def test_any_header_text_round_trips(headers, value):
    file = FileMapping("projects", (("project_id", Source(headers[0])), ("name", Source(headers[1])),
                                    ("duration_months", MonthsBetween(headers[1], headers[2]))),
                       values=(("name", ((value, "x"),)),), headers=tuple(headers))
    mapping = Mapping((file,))
    assert from_toml(mapping.to_toml()) == mapping


def test_constants_in_both_forms():
    text = '[[files]]\nkind = "projects"\n[files.columns]\nstatus = proposed\nrisk_score = { constant = 3 }\n' \
           'mandatory = { constant = true }\nproject_id = { header = "Code" }\n'
    file = from_toml(text).files[0]
    assert file.rule("status") == Source("proposed")  # a bare word is quoted; resolved against the file's headers
    assert file.rule("risk_score") == Constant("3") and file.rule("mandatory") == Constant("yes")
    assert file.rule("project_id") == Source("Code") and file.match == "*"
    spelt = from_toml('[[files]]\nkind = "projects"\n[files.columns]\nstatus = { constant = "已完成" }\n')
    assert spelt.files[0].rule("status") == Constant("completed")


REFUSED = [
    ("kind = ", "mapping.error.toml"),
    ("x = 1", "mapping.error.no_files"),
    ('version = 2\n[[files]]\nkind = "projects"\n[files.columns]\nname = "N"', "mapping.error.version"),
    ('[[files]]\nkind = "budgets"\n[files.columns]\nname = "N"', "mapping.error.unknown_kind"),
    ('[[files]]\nkind = "projects"', "mapping.error.no_columns"),
    ('[[files]]\nkind = "projects"\n[files.columns]\ncost = "N"', "mapping.error.unknown_column"),
    ('[[files]]\nkind = "projects"\n[files.columns]\nbudget = { from_dates = { start = "S" } }', "mapping.error.derived_not_allowed"),
    ('[[files]]\nkind = "projects"\n[files.columns]\nbudget = { months_between = ["S", "F"] }', "mapping.error.derived_not_allowed"),
    ('[[files]]\nkind = "projects"\n[files.columns]\nduration_months = { months_between = ["S"] }', "mapping.error.bad_rule"),
    ('[[files]]\nkind = "projects"\n[files.columns]\nname = { guess = "N" }', "mapping.error.bad_rule"),
    ('[[files]]\nkind = "projects"\n[files.columns]\nstatus = { constant = "maybe" }', "mapping.error.bad_value"),
    ('[[files]]\nkind = "projects"\n[files.columns]\nname = "N"\n[files.values.status]\n"Ongoing" = "running"',
     "mapping.error.bad_value"),
    ('[[files]]\nkind = "projects"\nmatch = ""\n[files.columns]\nname = "N"', "mapping.error.bad_match"),
    ('[[files]]\nkind = "projects"\nheaders = "N"\n[files.columns]\nname = "N"', "mapping.error.bad_headers"),
]


@pytest.mark.parametrize(("text", "key"), REFUSED)
def test_a_bad_mapping_is_refused_with_a_translated_reason(text, key):
    with pytest.raises(MappingError) as caught:
        from_toml(text)
    assert caught.value.key == key
    for lang in ("en", "zh"):  # every placeholder filled (translate raises KeyError otherwise)
        assert translate(lang, caught.value.key, **caught.value.params) == error_text(lang, caught.value)


def test_bad_rule_text_formats_its_braces():
    with pytest.raises(MappingError) as caught:
        from_toml('[[files]]\nkind = "projects"\n[files.columns]\nname = { guess = "N" }')
    assert error_text("en", caught.value) == (
        'Entry 1 of [[files]], column name: give a header, { constant = "..." }, { months_between = ["start", '
        '"finish"] } or { from_dates = { start = "...", finish = "..." } }.')


def test_header_signature_ignores_order_case_and_spacing():
    assert header_signature(["Investment ID", "Start Date"]) == header_signature(["start  date", "INVESTMENT_ID", ""])
    assert header_signature(["Investment ID"]) != header_signature(["Investment ID", "Start Date"])


# --- guesses -------------------------------------------------------------------------------------------

WIDE = ["Investment ID", "Investment Title", "Owning Bureau", "Approved Cost (k$)", "Expected Savings (k$)",
        "Start Date", "Planned Finish", "Actual Finish", "Lifecycle Phase"]


def test_column_suggestions_for_a_wide_export():
    found = {s.column: (s.header, s.confidence) for s in suggest_columns(WIDE, KINDS["projects"])}
    assert found["project_id"] == ("Investment ID", 0.8)
    assert found["name"] == ("Investment Title", 0.8)
    assert found["budget"] == ("Approved Cost (k$)", 0.8)
    assert found["expected_benefit"] == ("Expected Savings (k$)", 0.8)
    assert found["start_month"] == ("Start Date", 0.8)
    assert found["status"] == ("Lifecycle Phase", 0.8)
    assert found["duration_months"] == (None, 0.0)  # derived: no header fits
    exact = {s.column: s for s in suggest_columns(["项目编号", "Project Name", "budget"], KINDS["projects"])}
    assert exact["project_id"].confidence == exact["budget"].confidence == 1.0


@pytest.mark.parametrize(("value", "status"), [
    ("Closed", "completed"), ("Ongoing", "active"), ("Planned", "approved"), ("On Hold", "on_hold"),
    ("进行中", "active"), ("Cancelled", "cancelled"), ("Whatever", None),
])
def test_status_value_suggestions(value, status):
    assert suggest_value(value, "status") == status


def test_refusal_names_the_closest_kind_what_it_recognised_and_what_is_missing():
    from store.importer import problem_text

    unknown = Problem("export.csv", 1, None, None, "unknown_kind", {"headers": "x", "kind": ""})
    made = unrecognised_problem("export.csv", ["项目编号", "项目名称", "Total"], unknown)
    assert made.code == "unknown_kind_guess"
    assert problem_text(made, "en") == (
        "The headers (x) do not match any file kind. Closest is Projects: recognised 项目编号 → project_id, "
        "项目名称 → name; required columns missing: status, start_month, duration_months, budget. Map the "
        "file's columns (Data page, or `cli.py import --mapping FILE.toml`), or start from a template.")
    wide = unrecognised_problem("x.csv", WIDE, unknown)
    assert wide.params["kind"] == "projects" and wide.params["recognised"] == "–"
    assert wide.params["missing"] == "project_id, name, status, start_month, duration_months, budget"
    assert unrecognised_problem("x.csv", ["foo", "bar"], unknown) is unknown
    # The words of the other headers break the tie between kinds that all know project_id (docs/mapping.md).
    titled = unrecognised_problem("x.csv", ["project_id", "Investment Title", "Approved Cost"], unknown)
    assert (titled.params["kind"], titled.params["recognised"]) == ("projects", "project_id")
    assert titled.params["missing"] == "name, status, start_month, duration_months, budget"
    assert kind_guess(["foo"], "demand.csv").kind.name == "demand"
