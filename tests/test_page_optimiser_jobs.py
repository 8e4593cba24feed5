"""The Optimiser page's runs in the worker process (ui/optimiser/background.py): progress, Cancel, dedupe,
errors, and the force-in / force-out search boxes.

The page's job is made to wait deterministically by a long solve of another "session" holding the
server's one optimiser worker (a 250 x 10 Chu-Beasley knapsack asked to be proven optimal by HiGHS: hours), so the
panel can be read and cancelled before anything is solved; the hand-worked optimum of
tests/optimiser_pages_data.py (340 for 510) is what the page shows once the worker is free.
"""

from __future__ import annotations

import time

import pytest

from analytics import orlib
from analytics.errors import InvalidInput
from analytics.selection_types import SelectionParams
from bench.optimizer_bench import chu_beasley
from i18n import error_text
from store import db, decision_log, optimiser_runs
from store.portfolio import load_portfolio
from tests import optimiser_pages_data
from tests.optimiser_pages_data import open_page, rerun, settle
from ui import jobs
from ui import optimiser as opt
from ui.optimiser import background
from ui.text import md

PAGE = "views/optimiser.py"


@pytest.fixture
def snapshot(db_file, optimiser_snapshot):
    yield db_file, optimiser_snapshot
    for job in background.runner().jobs():   # nothing of this test left to hold the worker
        background.runner().forget(job)


@pytest.fixture
def blocker():
    """Another session's long solve on the server's optimiser worker; cancelled at the end."""
    data = orlib.to_portfolio(chu_beasley(250, 10, seed=3), "2026-01")
    params = SelectionParams(horizon_start="2026-01", horizon_months=1, objective="benefit", mip_gap=0.0, solver="highs",
                             time_limit_seconds=3600.0)
    job = background.runner().start("another-session", ("run", "blocker"), optimiser_runs.solve_run, data, params)
    # holding the worker before the page clicks: two queued jobs would race for it
    deadline = time.monotonic() + 300
    while job.state == "queued":
        assert time.monotonic() < deadline, "the blocker never got the worker"
        time.sleep(0.05)
    assert job.state == "running"
    yield job
    background.runner().forget(job)
    assert job.wait(120)


def _logged(db_file, sid, action="optimize") -> int:
    con = db.connect(db_file)
    try:
        return len(decision_log.entries(con, actions=[action], snapshot_id=sid))
    finally:
        con.close()


def _click_optimise(at):
    at.number_input(key="opt.budget.0").set_value(optimiser_pages_data.BUDGET)
    at.button(key="opt.submit").click()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("language", "cancel", "waiting", "cancelled"), [
    ("en", "Cancel", "Waiting for another person's optimiser run to finish…", "s: nothing was stored."),
    ("zh", "取消", "正在等待其他人的优化运行结束…", "秒后取消：未保存任何内容。"),
])
def test_a_waiting_run_shows_progress_and_cancel_stores_nothing(monkeypatch, snapshot, blocker, language, cancel,
                                                                waiting, cancelled):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    _click_optimise(at)
    owner = at.session_state[jobs.OWNER_KEY]
    assert at.button(key="opt.job.cancel.run").label == cancel
    assert waiting in [c.value for c in at.caption]
    at.run()   # a rerun (or a second click) finds the same job, it does not start another
    assert at.button(key="opt.submit").disabled            # one run at a time per session
    at.run()
    assert [j.key[0] for j in background.runner().jobs(owner)] == ["run"]
    at.button(key="opt.job.cancel.run").click()
    at.run()
    assert not at.exception
    assert [i.value for i in at.info if i.value.endswith(cancelled)]   # "Cancelled after 3 s: nothing was stored."
    assert opt.RUN_KEY not in at.session_state and background.PENDING_KEY not in at.session_state
    assert background.runner().jobs(owner) == []
    assert not at.button(key="opt.submit").disabled
    assert _logged(db_file, sid) == 0                         # a cancelled run is not in the decision log


def test_the_run_lands_where_the_inline_run_did_once_the_worker_is_free(monkeypatch, snapshot, blocker):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    _click_optimise(at)
    assert opt.RUN_KEY not in at.session_state                 # still waiting behind the other session
    background.runner().cancel(blocker)                       # the worker is free: the run starts
    settle(at)
    run = at.session_state[opt.RUN_KEY]
    assert run.result.objective == pytest.approx(340.0)
    assert tuple(sorted(p.project_id for p in run.result.selected)) == optimiser_pages_data.HAND_OPTIMUM_IDS
    assert {m.label: m.value for m in at.metric}["Value"] == "340.0"
    assert at.success[0].value.startswith("Done in ")
    assert _logged(db_file, sid) == 1                         # logged once, on collection
    assert background.runner().jobs(at.session_state[jobs.OWNER_KEY]) == []


def test_a_job_that_failed_in_the_worker_shows_the_translated_error(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "zh", sid)
    owner = at.session_state[jobs.OWNER_KEY] = "a-session-whose-run-failed"
    # a real solve that fails in the worker: a forced-in proposal the snapshot does not have
    params = SelectionParams(horizon_start="2026-03", force_in=("NOPE",))
    con = db.connect(db_file)
    try:
        data = load_portfolio(con, sid, None)
    finally:
        con.close()
    key = ("run", "failing")
    job = background.runner().start(owner, key, optimiser_runs.solve_run, data, params)
    assert job.wait(300) and job.state == "failed"
    at.session_state[background.PENDING_KEY] = background.Pending("run", key, sid, params)   # as start_run leaves it
    rerun(at)
    assert isinstance(job.error, InvalidInput) and job.error.key == "explain.unknown_projects"
    assert [e.value for e in at.error] == [error_text("zh", job.error, escape=md)]
    assert opt.RUN_KEY not in at.session_state and background.runner().jobs(owner) == []
    assert _logged(db_file, sid) == 0


def test_force_in_and_out_are_search_boxes_that_keep_what_was_chosen(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    force_in = at.multiselect(key="opt.force_in.0")
    assert force_in.options == ["P1 · 移动应用", "P2 · 数据平台", "P3 · 合规报送", "P4 · CRM 方案A", "P5 · CRM 方案B",
                                "P6 · 分析插件", "P7 · 办公室搬迁"]
    at.text_input(key="opt.force_in.0.query").set_value("crm").run()
    assert at.multiselect(key="opt.force_in.0").options == ["P4 · CRM 方案A", "P5 · CRM 方案B"]
    at.multiselect(key="opt.force_in.0").set_value(["P4"]).run()
    at.text_input(key="opt.force_in.0.query").set_value("数据").run()
    shown = at.multiselect(key="opt.force_in.0")
    assert shown.options == ["P4 · CRM 方案A", "P2 · 数据平台"] and shown.value == ["P4"]   # chosen kept
    at.text_input(key="opt.force_in.0.query").set_value("no such project").run()
    assert "Nothing matches “no such project”." in [c.value for c in at.caption]
    at.text_input(key="opt.force_out.0.query").set_value("P7").run()
    at.multiselect(key="opt.force_out.0").set_value(["P7"]).run()
    at.button(key="opt.submit").click()
    rerun(at)
    run = at.session_state[opt.RUN_KEY]
    assert run.params.force_in == ("P4",) and run.params.force_out == ("P7",)
    assert "P4" in {p.project_id for p in run.result.selected}


def test_the_panel_says_the_step_in_words_and_the_frontier_points_done():
    from i18n import translate
    from ui.session import lang

    wanted = background.Pending("frontier", ("frontier",), 1, SelectionParams(horizon_start="2026-03"))
    job = jobs.Job("o", ("frontier",), state="running", progress=("frontier", {"i": 3, "n": 12}))
    assert background.frontier_share(job) == (3, 12)
    assert background.step_text(job, wanted) == translate(lang(), "optimiser.progress.frontier", i=3, n=12)
    solving = jobs.Job("o", ("run",), state="running", progress=("solving", {"solver": "auto"}))
    assert background.frontier_share(solving) is None
    assert background.step_text(solving, wanted) == translate(
        lang(), "optimiser.progress.solving", solver=translate(lang(), "solverchoice.progress_solver"))
    assert background.step_text(jobs.Job("o", ("run",)), wanted) == translate(lang(), "jobs.queued")
