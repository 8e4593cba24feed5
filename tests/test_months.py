"""Month arithmetic, defined once (analytics.months), and the modules that used to write their own."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.errors import InvalidInput
from analytics.months import (
    add_months,
    first_day,
    month_index,
    month_of,
    month_range,
    month_text,
    month_texts,
    months_between,
    months_spanned,
)

ROOT = Path(__file__).resolve().parent.parent


def test_index_and_text():
    assert month_index("2026-03") == 2026 * 12 + 2
    assert month_index("2026-03-15") == month_index(dt.date(2026, 3, 15)) == month_index(pd.Timestamp("2026-03-31"))
    assert month_text(2026 * 12 + 11) == "2026-12"
    assert first_day(month_index("2027-02")) == dt.date(2027, 2, 1)


def test_adding_and_counting_months_across_years():
    assert add_months("2026-11", 3) == "2027-02"
    assert add_months("2026-01", -1) == "2025-12"
    assert months_between("2025-12", "2026-03") == 3
    assert months_between("2026-03", "2026-03") == 0
    assert months_between("2026-03", "2025-12") == -3
    assert month_range("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert month_range("2026-03", "2026-02") == []
    assert months_spanned("2025-11", "2026-02") == 4  # November, December, January, February
    assert months_spanned("2026-03", "2026-03-31") == 1
    assert months_spanned(dt.date(2026, 1, 31), pd.Timestamp("2026-03-01")) == 3


def test_month_of_blank_and_texts():
    assert month_of(None) is None and month_of(math.nan) is None and month_of(pd.NaT) is None and month_of(" ") is None
    assert month_of(dt.date(2026, 4, 30)) == "2026-04"
    assert month_texts([pd.Timestamp("2026-03-01"), "2026-04", "2026-05-01"]).tolist() == ["2026-03", "2026-04", "2026-05"]


@pytest.mark.parametrize("bad", ["March", "2026-13", "2026/03", "", None, 2026])
def test_bad_month_refused(bad):
    with pytest.raises(InvalidInput):
        month_index(bad)


@given(st.integers(min_value=1100 * 12, max_value=9900 * 12), st.integers(min_value=-600, max_value=600))
def test_add_then_count_round_trips(index, count):
    month = month_text(index)
    assert month_index(month) == index
    later = add_months(month, count)
    assert months_between(month, later) == count
    assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", later)


def test_month_arithmetic_has_one_home():
    """No module outside analytics/months.py turns "YYYY-MM" into an index by hand any more."""
    pattern = re.compile(r"\* 12 \+ [a-z_.()\[\]0-9]*month")
    offenders = []
    for folder in ("analytics", "reports", "ui", "commands", "bench", "views", "store"):
        for file in (ROOT / folder).rglob("*.py"):
            if file.name != "months.py" and pattern.search(file.read_text(encoding="utf-8")):
                offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []


def test_month_key_means_one_thing():
    """`month_key` used to be both "YYYY-MM" normalisation and the constraint-name form: both renamed."""
    uses = [str(f.relative_to(ROOT)) for f in ROOT.rglob("*.py")
            if ".venv" not in f.parts and f.name != "test_months.py" and "month_key" in f.read_text(encoding="utf-8")]
    assert uses == []
