"""The date parser's forms, as properties (Hypothesis): every written form of a date reads back as that
date, the day/month order is never guessed, and no text makes the parser raise."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store.import_values import full_year, parse_date_text, parse_month_text

DATES = st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
CODES = {None, "bad_date", "date_order_needed"}
FAST = settings(max_examples=200, deadline=None, derandomize=True)


def _forms(day: dt.date) -> list[str]:
    mon = MONTHS[day.month - 1]
    return [
        day.isoformat(),
        f"{day.isoformat()}T00:00:00Z",
        f"{day.isoformat()}T23:59:59+08:00",
        f"{day.isoformat()}T10:30:00.123-0500",
        f"{day.isoformat()} 10:30",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.day}-{mon}-{day.year % 100:02d}",
        f"{day.day}-{mon}-{day.year}",
        f"{day.day:02d} {FULL_MONTHS[day.month - 1]} {day.year}",
        f"{mon.upper()} {day.day}, {day.year}",
    ]


@FAST
@given(DATES)
@example(dt.date(2007, 11, 9))
def test_every_form_of_a_date_reads_back_as_that_date(day):
    for text in _forms(day):
        assert parse_date_text(text) == (day, None), text


@FAST
@given(DATES, st.sampled_from(["/", ".", "-"]), st.booleans())
def test_slash_dates_read_only_in_the_chosen_order(day, separator, short_year):
    year = f"{day.year % 100:02d}" if short_year else str(day.year)
    day_first = f"{day.day:02d}{separator}{day.month:02d}{separator}{year}"
    month_first = f"{day.month:02d}{separator}{day.day:02d}{separator}{year}"
    assert parse_date_text(day_first, "dmy") == (day, None)
    assert parse_date_text(month_first, "mdy") == (day, None)
    # without a choice: never a date, even when only one reading exists (25/03/2026)
    assert parse_date_text(day_first) == (None, "date_order_needed")
    # the other order gives another date only when the day could be a month, and never this one unless equal
    other, code = parse_date_text(day_first, "mdy")
    if day.day > 12:
        assert (other, code) == (None, "bad_date")
    else:
        assert (other == day) == (day.day == day.month) and code is None


@FAST
@given(DATES, st.sampled_from([None, "dmy", "mdy"]))
def test_a_month_column_keeps_the_month_of_any_date_form(day, order):
    first = day.replace(day=1)
    assert parse_month_text(f"{MONTHS[day.month - 1]}-{day.year}") == (first, None)
    assert parse_month_text(f"{FULL_MONTHS[day.month - 1]} {day.year % 100:02d}") == (first, None)
    expected_code = None if day.day == 1 else "month_from_date"
    assert parse_month_text(f"{day.isoformat()}T00:00:00Z", order) == (first, expected_code)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("0123456789/-.: TZ+年月日JanNovSep,"), max_size=40), st.sampled_from([None, "dmy", "mdy"]))
def test_any_text_gives_a_date_or_a_named_problem(text, order):
    value, code = parse_date_text(text, order)
    assert code in CODES and (value is None) == (code is not None)
    if order is not None:
        assert code != "date_order_needed"


@pytest.mark.parametrize(("digits", "year"), [("00", 2000), ("07", 2007), ("68", 2068), ("69", 1969), ("99", 1999),
                                               ("2005", 2005)])
def test_two_digit_years_follow_the_posix_rule(digits, year):
    assert full_year(digits) == year


@pytest.mark.parametrize("text", ["2011-01-10T00:00:00Z", "2011-01-10T00:00:00+01:00", "2011-01-10 00:00:00"])
def test_the_issue_timestamp_forms(text):
    assert parse_date_text(text) == (dt.date(2011, 1, 10), None)


@pytest.mark.parametrize(("text", "value"), [("9-Nov-07", dt.date(2007, 11, 9)), ("24-Jan-2005", dt.date(2005, 1, 24))])
def test_the_issue_month_name_forms(text, value):
    assert parse_date_text(text) == (value, None)


@pytest.mark.parametrize("text", ["32-Jan-2005", "9-Foo-07", "Jan 32, 2005", "2011-01-10T25", "2011-01-10Z"])
def test_near_misses_are_bad_dates(text):
    assert parse_date_text(text) == (None, "bad_date")
