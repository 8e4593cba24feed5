"""The CPI x SPI chart survives real data: a few absurd indices (CPI up to 111) no longer squash every
other project into one dot. The axes span a robust range and the projects outside it are listed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui import delivery as dv


def _portfolio() -> pd.DataFrame:
    """2,400 projects: 2,391 ordinary ones (indices 0.70-1.30) and 9 with absurd indices."""
    rng = np.random.default_rng(7)
    n = 2391
    frame = pd.DataFrame({
        "project_id": [f"PRJ-{i:04d}" for i in range(n)], "name": [f"Project {i}" for i in range(n)],
        "cpi": np.round(rng.uniform(0.7, 1.3, n), 3), "spi": np.round(rng.uniform(0.7, 1.3, n), 3),
        "budget": 100.0, "health": "healthy",
    })
    outliers = pd.DataFrame({
        "project_id": [f"OUT-{i}" for i in range(9)], "name": [f"Odd {i}" for i in range(9)],
        "cpi": [111.0, 80.0, 45.0, 12.0, 9.0, 1.0, 1.0, 1.0, 0.9], "spi": [1.0, 1.0, 1.0, 1.0, 1.0, 30.0, 25.0, 6.0, 9.0],
        "budget": 5.0, "health": "watch",
    })
    return pd.concat([frame, outliers], ignore_index=True)


def test_robust_range_by_hand():
    # Q1 1.0, Q3 1.1, IQR 0.1: high fence max(1.1 + 0.3, 2.0) = 2.0; low values are never left out.
    axis = dv.robust_range(pd.Series([0.9, 1.0, 1.0, 1.1, 5.0]))
    assert (axis.low, axis.high) == pytest.approx((0.0, 2.0))
    # Drawn: 0.8-1.2 always covered, the in-fence values 0.9-1.1 inside it, 5 % padding: 0.78-1.22.
    assert axis.shown(pd.Series([0.9, 1.0, 1.0, 1.1, 5.0])) == pytest.approx([0.78, 1.22])


def test_a_wide_spread_moves_the_fence_up():
    # Q1 1.0, Q3 2.0 (of 0.5, 1, 1.5, 2, 2.5... ): fence 2.0 + 3 x 1.0 = 5.0, so 4.5 stays and 9 goes.
    values = pd.Series([0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 4.5, 9.0])
    axis = dv.robust_range(values)
    assert axis.high == pytest.approx(float(values.quantile(0.75)) + 3 * float(values.quantile(0.75) - values.quantile(0.25)))
    assert 4.5 <= axis.high < 9.0


def test_a_project_in_deep_trouble_stays_on_the_chart():
    projects = _portfolio()
    projects.loc[0, ["cpi", "spi"]] = [0.29, 0.2]
    assert "PRJ-0000" not in set(dv.quadrant_outliers(projects).iloc[:, 0])
    assert dv.quadrant_figure(projects).layout.yaxis.range[0] < 0.29


def test_outliers_are_listed_and_the_axes_fit_the_rest():
    projects = _portfolio()
    fig = dv.quadrant_figure(projects)
    drawn = sum(len(trace.x) for trace in fig.data)
    assert drawn == 2391
    y_low, y_high = fig.layout.yaxis.range
    x_low, x_high = fig.layout.xaxis.range
    assert 0.6 < y_low < 0.7 and 1.3 < y_high < 1.4  # the ordinary spread, not 0-111
    assert 0.6 < x_low < 0.7 and 1.3 < x_high < 1.4
    table = dv.quadrant_outliers(projects)
    assert sorted(table.iloc[:, 0]) == sorted(f"OUT-{i}" for i in range(9))
    assert table.iloc[0, 0] == "OUT-0"  # the furthest from 1.0 first
    assert list(table.iloc[0, 2:4]) == [111.0, 1.0]
    assert list(table.iloc[:4, 0]) == ["OUT-0", "OUT-1", "OUT-2", "OUT-5"]  # 111, 80, 45, then SPI 30


def test_a_small_portfolio_is_drawn_whole():
    projects = _portfolio().iloc[:5]
    assert dv.quadrant_outliers(projects).empty
    assert sum(len(trace.x) for trace in dv.quadrant_figure(projects).data) == 5
