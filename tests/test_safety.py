"""Formula-injection neutralisation (OWASP CSV Injection) and safe file names."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from reports.safety import is_dangerous, is_real_number, neutralise, neutralise_frame, safe_filename


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "＝1+1", "－5", "=", "-"],
)
def test_text_starting_with_a_formula_trigger_gets_a_quote(text):
    assert is_dangerous(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["智慧园区", "ERP 升级", "a=b", " =1", "'already", "", "2026-03", "1-2"])
def test_harmless_text_is_unchanged(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-12.5, -3, 0, 1e-9, None, True, dt.date(2026, 3, 1)])
def test_numbers_dates_and_none_are_never_touched(value):
    assert neutralise(value) is value


def test_frame_neutralises_text_columns_and_header_but_keeps_numbers():
    frame = pd.DataFrame({"=name": ["=cmd|' /C calc'!A0", "ok"], "cost": [-5.0, 3.0], "n": [1, -2]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=name", "cost", "n"]
    assert safe["'=name"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert safe["cost"].tolist() == [-5.0, 3.0] and safe["n"].tolist() == [1, -2]
    assert frame["=name"].iloc[0].startswith("=")  # the input is not modified


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("投资建议_方案A_2026-03-01.xlsx", "投资建议_方案A_2026-03-01.xlsx"),
        ("../../etc/passwd", "etc_passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ('a<b>c:"d"|e?f*.csv', "a_b_c__d__e_f.csv"),
        ("line\nbreak\x00null.pptx", "line break null.pptx"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT9.xlsx", "_LPT9.xlsx"),
        ("", "export"),
        ("..", "export"),
        ("   ", "export"),
        ("trailing dots... .xlsx", "trailing dots.xlsx"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_caps_the_length_and_keeps_the_extension():
    name = safe_filename("方" * 500 + ".xlsx")
    assert len(name) == 120 and name.endswith(".xlsx") and name.startswith("方方")


@pytest.mark.parametrize(("value", "expected"), [(1, True), (-2.5, True), (math.nan, False), (math.inf, False),
                                                 (True, False), ("1", False), (None, False)])
def test_is_real_number(value, expected):
    assert is_real_number(value) is expected
