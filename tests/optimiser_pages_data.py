"""A small portfolio with a hand-worked optimum, for the Optimiser and Scenarios page tests.

Snapshot as of 2026-03-31; the default horizon starts 2026-03. Roles: dev 4 FTE and analyst 2 FTE a
month, 2026-01..2028-12. Two objectives (weights 0.6 / 0.4); each project has the same score s on both,
so its strategic value is 20 * s.

  id  status     category    start..latest     months  budget  value  demand per month       notes
  C1  active     IT          2026-03           6       120     -      dev 2                 committed
  P1  proposed   Growth      2026-03..2026-06  4       100     80     dev 2
  P2  proposed   IT          2026-03..2026-06  6       200     100    dev 2, analyst 1
  P3  proposed   Compliance  2026-03..2026-06  3       60      40     analyst 1             mandatory
  P4  proposed   Growth      2026-03..2026-06  3       90      60     dev 1                 group CRM
  P5  proposed   Growth      2026-03..2026-06  3       80      70     dev 1                 group CRM
  P6  proposed   IT          2026-06..2026-12  2       50      50     analyst 1             needs P2
  P7  proposed   Operations  2026-03..2026-06  2       150     20     -
  P8  completed  IT          2025-01           6       90      -      -                     ignored

With a total budget of 520 (C1's 120 falls inside the horizon, leaving 400 for new work) the optimum
takes P3, P5 (Mar-May), P2 (from Jun, after P5, so dev stays at 4 while C1 runs) and P6 (after P2
ends): value 80 (C1) + 40 + 70 + 100 + 50 = 340 for a cost of 120 + 390 = 510. P1 and P2 cannot both
fit the 2 dev left beside C1; P4 and P5 exclude each other; P7 no longer fits the budget. Without a
budget P7 comes in as well: 360 for 660.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from store import snapshots

APP = str(Path(__file__).resolve().parent.parent / "app.py")

D = dt.date
BUDGET = 520.0   # 400 for new work + C1's 120 spent inside the horizon
HAND_OPTIMUM_IDS = ("C1", "P2", "P3", "P5", "P6")

_PROJECTS = [
    # id, name, category, status, start, latest, months, budget, benefit, risk, mandatory, depends, group, score
    ("C1", "核心系统升级", "IT", "active", D(2026, 3, 1), None, 6, 120.0, 300.0, 2.0, False, [], None, 4.0),
    ("P1", "移动应用", "Growth", "proposed", D(2026, 3, 1), D(2026, 6, 1), 4, 100.0, 260.0, 2.0, False, [], None, 4.0),
    ("P2", "数据平台", "IT", "proposed", D(2026, 3, 1), D(2026, 6, 1), 6, 200.0, 420.0, 4.5, False, [], None, 5.0),
    ("P3", "合规报送", "Compliance", "proposed", D(2026, 3, 1), D(2026, 6, 1), 3, 60.0, 0.0, 1.0, True, [], None, 2.0),
    ("P4", "CRM 方案A", "Growth", "proposed", D(2026, 3, 1), D(2026, 6, 1), 3, 90.0, 200.0, 3.0, False, [], "CRM", 3.0),
    ("P5", "CRM 方案B", "Growth", "proposed", D(2026, 3, 1), D(2026, 6, 1), 3, 80.0, 190.0, 3.0, False, [], "CRM", 3.5),
    ("P6", "分析插件", "IT", "proposed", D(2026, 6, 1), D(2026, 12, 1), 2, 50.0, 120.0, 2.0, False, ["P2"], None, 2.5),
    ("P7", "办公室搬迁", "Operations", "proposed", D(2026, 3, 1), D(2026, 6, 1), 2, 150.0, 160.0, 3.0, False, [], None, 1.0),
    ("P8", "旧系统下线", "IT", "completed", D(2025, 1, 1), None, 6, 90.0, 100.0, 1.0, False, [], None, 3.0),
]
_DEMAND = {"C1": {"dev": 2.0}, "P1": {"dev": 2.0}, "P2": {"dev": 2.0, "analyst": 1.0}, "P3": {"analyst": 1.0},
           "P4": {"dev": 1.0}, "P5": {"dev": 1.0}, "P6": {"analyst": 1.0}, "P8": {"dev": 1.0}}


def frames() -> dict[str, pd.DataFrame]:
    columns = ["project_id", "name", "category", "status", "start_month", "latest_start_month", "duration_months",
               "budget", "expected_benefit", "risk_score", "mandatory", "depends_on", "exclusive_group"]
    projects = pd.DataFrame([row[:-1] for row in _PROJECTS], columns=columns)
    projects["department"] = "PMO"
    objectives = pd.DataFrame({"objective_id": ["O1", "O2"], "name": ["增长", "效率"], "weight": [0.6, 0.4]})
    scores = pd.DataFrame(
        [(row[0], o, row[-1]) for row in _PROJECTS for o in ("O1", "O2")],
        columns=["project_id", "objective_id", "score"],
    )
    months = [D(2026 + i // 12, i % 12 + 1, 1) for i in range(36)]
    capacity = pd.DataFrame(
        [(role, m, fte, 2.5) for role, fte in (("dev", 4.0), ("analyst", 2.0)) for m in months],
        columns=["role", "month", "capacity_fte", "hire_cost_per_fte_month"],
    )
    durations = {row[0]: row[6] for row in _PROJECTS}
    demand = pd.DataFrame(
        [(pid, role, k, fte) for pid, roles in _DEMAND.items() for role, fte in roles.items() for k in range(durations[pid])],
        columns=["project_id", "role", "month_offset", "fte"],
    )
    return {"projects": projects, "objectives": objectives, "project_scores": scores, "capacity": capacity, "demand": demand}


def create(con, label: str = "2026-03 portfolio", tag: str = "c") -> int:
    """Write the snapshot and return its id (`tag` makes the fake file hash unique per snapshot)."""
    files = [snapshots.SourceFile("projects.csv", "projects", tag * 64, len(_PROJECTS), "utf-8")]
    return snapshots.create_snapshot(con, label=label, as_of=D(2026, 3, 31), frames=frames(), files=files)


def open_page(monkeypatch, db_file, page: str, language: str, snapshot: int) -> AppTest:
    """An AppTest of app.py on `page` (e.g. "views/optimiser.py"), in `language`, on `snapshot`."""
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = language
    at.session_state["snapshot_id"] = snapshot  # the sidebar's choice, as a user would have made it
    at.switch_page(page)  # straight to the page: the landing page is not under test
    return rerun(at)


def rerun(at: AppTest) -> AppTest:
    """Run once more (after setting widgets) and fail on any uncaught exception; a run or follow-up it
    started in the optimiser's worker process is waited for and collected (`settle`)."""
    at.run()
    assert not at.exception, at.exception
    return settle(at)


def settle(at: AppTest, timeout: float = 300.0) -> AppTest:
    """Wait for the session's optimiser job (ui/optimiser/background.py) to finish, then run the page
    again so it collects the result (writes it, shows it), as its polling fragment does in a browser."""
    from ui.optimiser import background

    while background.PENDING_KEY in at.session_state:
        wanted = at.session_state[background.PENDING_KEY]
        job = background.runner().get(at.session_state["jobs.owner"], wanted.key)
        if job is not None:
            assert job.wait(timeout), f"optimiser job {wanted.kind} still running after {timeout} s"
        at.run()
        assert not at.exception, at.exception
    return at


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The tables shown with st.dataframe, in page order (data editors, which have a key, left out)."""
    return [element.value for element in at.dataframe if getattr(element, "key", None) is None]
