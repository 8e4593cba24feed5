"""QA fixes of 2026-11-21 on the delivery, overview and resources displays, both languages:

1. a CPI/SPI reason prints the figure the table shows (2 decimals, same rounding), and a value below
   its threshold never prints as reaching it;
2. a change that rounds to zero at the shown precision shows no delta (no "↓ -0.00");
3. date axes tick as "YYYY-MM" (no English month names in the Chinese UI), the legend sits above the
   plot, and snapshots sharing an as-of date are told apart on the trend axis;
5. the utilisation colour scale: exactly 100 % is yellow (full), red starts only above 100 %.
(4, the resources note, is pinned in tests/test_resource_load.py and below.)
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from plotly.colors import sample_colorscale, unlabel_rgb
from streamlit.testing.v1 import AppTest

from analytics.health import assess_health, index_text, threshold_text
from analytics.resource_load import resource_load
from store import db, snapshots
from tests import delivery_data
from tests.delivery_data import _report, rerun
from ui import delivery as dv
from ui import resources as rs

D = dt.date

# ----- 1. reason figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        (0.7, 0.85, "0.70"),          # 2 decimals always
        (0.2857, 0.85, "0.29"),       # rounded as the table rounds it (was cut to "0.28")
        (0.7265, 0.85, "0.73"),       # was "0.72"
        (0.9264, 0.95, "0.93"),       # was "0.92"
        (0.8496, 0.85, "0.849"),      # would round to the threshold: cut at 3 decimals instead
        (0.94999, 0.95, "0.949"),
        (0.8499999, 0.85, "0.849"),
        (0.85, 0.95, "0.85"),
        (1.2345, None, "1.23"),
    ],
)
def test_index_text(value, threshold, expected):
    assert index_text(value, threshold) == expected


def test_threshold_text():
    assert [threshold_text(v) for v in (0.85, 0.9, 1.0, 0.955)] == ["0.85", "0.90", "1.00", "0.955"]


def test_reason_params_are_the_table_figures():
    frame = pd.DataFrame({"project_id": ["A", "B", "C"], "cpi": [0.7, 1.0, 0.9264], "spi": [1.0, 0.8496, 0.2857]})
    reasons = {r.project_id: [x.params for x in r.reasons] for r in assess_health(frame).itertuples()}
    assert reasons["A"] == [{"cpi": "0.70", "threshold": "0.85"}]
    assert reasons["B"] == [{"spi": "0.849", "threshold": "0.85"}]
    assert reasons["C"] == [{"spi": "0.29", "threshold": "0.85"}, {"cpi": "0.93", "threshold": "0.95"}]


def test_table_rounding_matches_the_reason_rounding():
    # numpy's scaled rounding and Python's exact rounding disagree on some values; the column uses Python's.
    values = pd.Series([0.7, 0.2857, 1.005, 0.125, 0.8496, float("nan")])
    shown = dv.index_column(values)
    assert [f"{v:.2f}" for v in shown[:5]] == [index_text(v) for v in values[:5]]
    assert shown.isna().tolist() == [False] * 5 + [True]


# ----- 2. zero changes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "digits", "expected"),
    [
        (0.94, 0.94, 2, None),
        (0.9412, 0.9438, 2, None),                     # -0.0026 would show as "-0.00": no change
        (0.9412, 0.9468, 2, "-0.01"),
        (13341.0, 13341.04, 1, None),
        (14248.2, 14267.2, 1, "-19.0"),
        (1.0, None, 2, None),
        (1.0, float("nan"), 2, None),
    ],
)
def test_delta_hides_changes_that_round_to_zero(current, previous, digits, expected):
    assert dv.delta(current, previous, digits) == expected


def test_delta_points_hides_less_than_half_a_point():
    assert dv.delta_points(0.91, 0.912) is None


# ----- 3. axes and legends -------------------------------------------------------------------------


def test_snapshot_ticks_tell_a_reimport_apart():
    trend = pd.DataFrame({"snapshot_id": [4, 5, 9, 10, 11],
                          "as_of": [D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31), D(2026, 5, 31), D(2026, 6, 30)],
                          "label": ["2026-03", "2026-04", "2026-05 月度快照", "2026-05", "2026-04"]})
    assert dv.snapshot_ticks(trend) == ["2026-03", "2026-04 · #5", "2026-05 月度快照 · #9", "2026-05 · #10",
                                        "2026-04 · #11"]


def test_s_curve_ticks_months_as_numbers_and_legend_above():
    history = pd.DataFrame({"report_date": pd.date_range("2025-03-31", periods=11, freq="ME"),
                            "planned_value": range(11), "earned_value": range(11), "actual_cost": range(11)})
    layout = dv.s_curve_figure(history, "report_date", 20.0).layout
    assert (layout.xaxis.tickformat, layout.xaxis.dtick, layout.xaxis.type) == ("%Y-%m", "M2", "date")
    assert layout.legend.y > 1 and layout.legend.yanchor == "bottom"


# ----- 5. colour scale -----------------------------------------------------------------------------


def _colour(utilisation: float) -> tuple[float, float, float]:
    return unlabel_rgb(sample_colorscale(rs.UTILISATION_SCALE, [utilisation / rs.UTILISATION_MAX])[0])


def test_full_is_yellow_and_only_over_is_red():
    red, green, blue = _colour(1.0)
    assert (round(red), round(green), round(blue)) == (236, 201, 75)      # #ecc94b, yellow: full, not over
    for over in (1.01, 1.2, 1.5):
        red, green, blue = _colour(over)
        assert green < 70 and red > 2 * green, over                        # red family above 100 %
    red, green, _ = _colour(0.85)
    assert green > red                                                     # still green at 85 %


def test_heat_values_follow_the_over_allocation_rule():
    demand = pd.DataFrame({"role": ["dev"] * 4, "month": ["2026-01", "2026-02", "2026-03", "2026-04"],
                           "demand_fte": [4.0, 4.002, 4.0 + 1e-12, 7.0]})
    capacity = pd.DataFrame({"role": ["dev"] * 4, "month": ["2026-01", "2026-02", "2026-03", "2026-04"],
                             "capacity_fte": [4.0, 4.0, 4.0, 4.0]})
    shown = rs.heat_values(resource_load(demand, capacity)).loc["dev"].tolist()
    # exactly full; 100.05 % (over by 0.002 FTE) lifted to the first red; noise of 1e-12 FTE stays full;
    # 175 % capped at the top of the scale.
    assert shown == pytest.approx([1.0, rs.OVER_FROM, 1.0, rs.UTILISATION_MAX])


# ----- pages, both languages ------------------------------------------------------------------------


def _projects() -> pd.DataFrame:
    ids = ["Q1", "Q2", "Q3", "Q4"]
    frame = pd.DataFrame({"project_id": ids, "name": [f"Project {p}" for p in ids], "category": "IT",
                          "status": "active", "start_month": D(2025, 12, 1), "duration_months": 6,
                          "budget": 200.0, "expected_benefit": 100.0})
    frame["depends_on"] = [[] for _ in ids]
    return frame


def _reports() -> pd.DataFrame:
    rows = [
        _report("Q1", D(2026, 1, 31), 50, 42.48, 42.48), _report("Q1", D(2026, 2, 28), 100, 84.96, 84.96),  # SPI 0.8496
        _report("Q2", D(2026, 1, 31), 50, 35, 50), _report("Q2", D(2026, 2, 28), 100, 70, 100),              # CPI = SPI 0.70
        _report("Q3", D(2026, 1, 31), 50, 14, 14), _report("Q3", D(2026, 2, 28), 100, 28.57, 28),            # SPI 0.2857
        _report("Q4", D(2026, 1, 31), 50, 50, 50), _report("Q4", D(2026, 2, 28), 100, 100, 100),
    ]
    frame = pd.DataFrame(rows)
    for column in ("planned_value", "earned_value", "actual_cost", "percent_complete", "benefit_realized"):
        frame[column] = frame[column].astype(float)
    return frame


@pytest.fixture
def repeated(db_file, monkeypatch) -> tuple[int, int, int]:
    """The same portfolio three times: 2026-02, then 2026-03 and a re-import with the same as-of date."""
    con = db.connect(db_file)
    try:
        ids = tuple(snapshots.create_snapshot(con, label=label, as_of=as_of, files=[],
                                              frames={"projects": _projects(), "status_reports": _reports()})
                    for label, as_of in (("2026-02", D(2026, 2, 28)), ("2026-03 月度快照", D(2026, 3, 31)),
                                         ("2026-03", D(2026, 3, 31))))
    finally:
        con.close()
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    return ids


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _exceptions(at: AppTest, reasons: str) -> pd.DataFrame:
    return next(f.value for f in at.dataframe if reasons in f.value.columns)


@pytest.mark.parametrize(
    ("lang", "reasons", "expected", "cpi_label"),
    [
        ("en", "Reasons", ["CPI 0.70 below 0.85; SPI 0.70 below 0.85", "SPI 0.29 below 0.85", "SPI 0.849 below 0.85"],
         "CPI"),
        ("zh", "原因", ["CPI 0.70 低于 0.85；SPI 0.70 低于 0.85", "SPI 0.29 低于 0.85", "SPI 0.849 低于 0.85"],
         "成本绩效指数 CPI"),
    ],
)
def test_delivery_page(repeated, lang, reasons, expected, cpi_label):
    _, second, current = repeated
    at = delivery_data.open_page("views/delivery.py", lang, current)
    assert not at.error, [e.value for e in at.error]
    table = _exceptions(at, reasons)
    assert list(table.iloc[:, 0]) == ["Q2", "Q3", "Q1"]
    assert list(table[reasons]) == expected
    assert list(table.iloc[:, 3]) == [0.70, 1.02, 1.0] and list(table.iloc[:, 4]) == [0.70, 0.29, 0.85]
    # Equal figures in the previous snapshot: no metric shows a change. CPI 283.53 / 312.96.
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert metrics[cpi_label] == ("0.91", "")
    assert all(m.proto.delta == "" for m in at.metric), [(m.label, m.proto.delta) for m in at.metric if m.proto.delta]
    charts = _charts(at)
    trend = next(c for c in charts if c["layout"]["xaxis"].get("type") == "category")
    assert trend["data"][0]["x"] == ["2026-02", f"2026-03 月度快照 · #{second}", f"2026-03 · #{current}"]
    assert trend["layout"]["legend"]["y"] > 1
    dated = [c for c in charts if c["layout"]["xaxis"].get("type") == "date"]
    assert len(dated) == 2                                            # portfolio and project S-curves
    assert {c["layout"]["xaxis"]["tickformat"] for c in dated} == {"%Y-%m"}


@pytest.mark.parametrize(("lang", "cpi", "spi"), [("en", "Portfolio CPI", "Portfolio SPI"), ("zh", "组合 CPI", "组合 SPI")])
def test_overview_tiles_show_no_zero_change(repeated, lang, cpi, spi):
    _, _, current = repeated
    at = AppTest.from_file(delivery_data.APP, default_timeout=60)
    at.session_state["lang"] = lang
    rerun(at, current)
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert metrics[cpi] == ("0.91", "") and metrics[spi] == ("0.71", "")      # 283.53 / 312.96 and / 400
