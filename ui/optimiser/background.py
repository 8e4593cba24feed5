"""The Optimiser page's long computations in a worker process (ui/jobs.py), with progress and Cancel.

Optimise, the efficient frontier, marginal values and the price of forcing each start a job:
the pure half of the step in `store.optimiser_runs` (`solve_run`, `compute_frontier`,
`compute_marginal_values`, `compute_prices`) runs in the server's optimiser worker, keyed by this
session and by (kind, database, snapshot, parameters, ...), so a rerun or a second click finds the
same job instead of solving again. The page shows `panel(kind)` where the inline progress used to be:
an `st.fragment` polling the job every POLL_SECONDS (1 s; `LODESTAR_JOB_POLL_SECONDS`) with the step, the elapsed time (and the frontier's
points done of N) and a Cancel button. When the job is done, the same fragment writes it on the page's
thread (`store.optimiser_runs.record_*`: the decision log) and puts the run where the inline run went
(`st.session_state[RUN_KEY]`), then reruns the page; a cancelled job stores nothing and says so, a
failed one shows the same translated error the inline run did.

One session runs one job at a time (`busy()`: the page disables its other run buttons meanwhile);
`OPTIMISER_WORKERS` (environment `LODESTAR_OPTIMISER_WORKERS`, default 1) workers serve all sessions,
so on a two-core server one core stays with the pages.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from analytics.selection_types import PortfolioData, SelectionParams
from i18n import TranslatableError
from store import optimiser_runs
from store.users import require
from ui import jobs
from ui.optimiser.params import RUN_KEY, remember_params
from ui.optimiser.runs import STEP_KEYS, OptimiserRun, save_run
from ui.session import actor, cursor, db_path, show_error, t
from ui.text import md

Kind = Literal["run", "frontier", "marginal", "prices", "save"]
PENDING_KEY = "optimiser.pending"
FLASH_KEY = "optimiser.job_flash"
POLL_SECONDS = float(os.environ.get("LODESTAR_JOB_POLL_SECONDS", "1.0") or 1.0)   # the panel's refresh
OPTIMISER_WORKERS = max(1, int(os.environ.get("LODESTAR_OPTIMISER_WORKERS", "1") or 1))
PRELOAD = ("store.optimiser_runs",)   # what a worker imports before its first job


@dataclass(frozen=True)
class Pending:
    """The job this session waits for, and what its result applies to."""

    kind: Kind
    key: tuple
    snapshot_id: int
    params: SelectionParams
    base: OptimiserRun | None = None   # the run a follow-up (frontier, marginal, prices, save) completes
    size: int = 0                      # frontier points asked / proposals priced
    name: str = ""                     # the scenario's name (save)


def runner() -> jobs.JobRunner:
    return jobs.shared_runner("optimiser", OPTIMISER_WORKERS, PRELOAD)


def _params_key(params: SelectionParams) -> str:
    return json.dumps(params.to_dict(), sort_keys=True, default=str)


def _start(kind: Kind, snapshot_id: int, params: SelectionParams, fn: Callable[..., Any], args: tuple,
           extra: tuple = (), base: OptimiserRun | None = None, size: int = 0, name: str = "",
           **kwargs: Any) -> jobs.Job:
    require(actor(), "optimise")   # refused here, before any work, as the inline run did
    key = (kind, db_path(), snapshot_id, _params_key(params), *extra)
    job = runner().start(jobs.session_owner(), key, fn, *args, **kwargs)
    st.session_state[PENDING_KEY] = Pending(kind, key, snapshot_id, params, base, size, name)
    return job


def start_run(data: PortfolioData, params: SelectionParams, snapshot_id: int) -> jobs.Job:
    """Solve, baseline and explanations in the worker (`store.optimiser_runs.solve_run`)."""
    return _start("run", snapshot_id, params, optimiser_runs.solve_run, (data, params))


def start_frontier(data: PortfolioData, run: OptimiserRun, points: int) -> jobs.Job:
    return _start("frontier", run.snapshot_id, run.params, optimiser_runs.compute_frontier, (data, run.params),
                  extra=(points,), base=run, size=points, points=points)


def start_marginal(data: PortfolioData, run: OptimiserRun) -> jobs.Job:
    return _start("marginal", run.snapshot_id, run.params, optimiser_runs.compute_marginal_values,
                  (data, run.params, run.result), base=run)


def start_prices(data: PortfolioData, run: OptimiserRun, project_ids: Sequence[str]) -> jobs.Job:
    ids = tuple(project_ids)
    return _start("prices", run.snapshot_id, run.params, optimiser_runs.compute_prices,
                  (data, run.params, run.result, ids), extra=(ids,), base=run, size=len(ids))


def start_save(data: PortfolioData, run: OptimiserRun, name: str) -> jobs.Job:
    """Compute what the scenario lacks (marginal values, frontier) in the worker, then save it on collection."""
    require(actor(), "scenario_save")
    points = optimiser_runs.DEFAULT_FRONTIER_POINTS if not run.frontier else None
    return _start("save", run.snapshot_id, run.params, optimiser_runs.compute_analyses,
                  (data, run.params, run.result), extra=(name,), base=run, name=name,
                  marginal_values=not run.marginal_values, frontier_points=points)


def pending() -> tuple[Pending, jobs.Job] | None:
    """This session's job and what it is for; None when there is none (or the server lost it)."""
    wanted = st.session_state.get(PENDING_KEY)
    if not isinstance(wanted, Pending):
        return None
    job = runner().get(jobs.session_owner(), wanted.key)
    if job is None:   # the server restarted, or a long-uncollected result was dropped
        del st.session_state[PENDING_KEY]
        return None
    return wanted, job


def busy() -> bool:
    """A job of this session is under way (or finished, waiting to be collected)."""
    return pending() is not None


def cancel_pending() -> float | None:
    """Cancel this session's job, if any; the seconds it had run (None: there was none)."""
    found = pending()
    if found is None:
        return None
    wanted, job = found
    runner().forget(job)   # a running one is killed first
    st.session_state.pop(PENDING_KEY, None)
    return job.elapsed


def _flash(kind: str, value: Any) -> None:
    st.session_state[FLASH_KEY] = (kind, value)


def show_flash() -> None:
    """What the last job ended with (after the page reran): done, no solution, cancelled or the error."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if not flash:
        return
    kind, value = flash
    if kind == "error":
        show_error(value)
    elif kind == "warning":
        st.warning(value)
    elif kind == "success":
        st.success(value)
    else:
        st.info(value)


def _record(wanted: Pending, result: Any) -> None:
    """Write a finished job's result on this thread and put the run where the page reads it."""
    con, who = cursor(), actor()
    if wanted.kind == "run":
        outcome = optimiser_runs.record_run(con, result, wanted.params, snapshot_id=wanted.snapshot_id, actor=who)
        remember_params(wanted.snapshot_id, wanted.params, outcome.payload.weight_set_name)
        st.session_state[RUN_KEY] = OptimiserRun(wanted.snapshot_id, wanted.params, outcome.payload,
                                                 seconds=outcome.seconds)
        solved = outcome.payload.result
        if solved.has_solution:
            _flash("success", t("optimiser.progress.done", seconds=f"{outcome.seconds:.1f}"))
        else:
            from ui.optimiser.tables import status_label

            _flash("warning", t("optimiser.progress.no_solution", status=status_label(solved.status)))
        return
    assert wanted.base is not None
    payload = wanted.base.payload
    if wanted.kind == "save":
        payload = optimiser_runs.record_analyses(con, wanted.params, payload, result, snapshot_id=wanted.snapshot_id,
                                                 actor=who)
        st.session_state[RUN_KEY] = wanted.base.with_payload(payload)   # kept even if the save is refused
        saved = save_run(wanted.base.with_payload(payload), wanted.name, None)
        st.session_state[RUN_KEY] = saved
        _flash("success", t("optimiser.save.done", name=md(saved.scenario_name), scenario_id=saved.scenario_id))
        return
    if wanted.kind == "frontier":
        curve, seconds = result
        payload = optimiser_runs.record_frontier(con, wanted.params, payload, curve, seconds,
                                                 snapshot_id=wanted.snapshot_id, actor=who)
    elif wanted.kind == "marginal":
        values, seconds = result
        payload = optimiser_runs.record_marginal_values(con, wanted.params, payload, values, seconds,
                                                        snapshot_id=wanted.snapshot_id, actor=who)
        _flash("success", t("optimiser.progress.marginal_done", n=len(values)))
    else:
        priced, seconds = result
        payload = optimiser_runs.record_prices(con, wanted.params, payload, priced, seconds,
                                               snapshot_id=wanted.snapshot_id, actor=who)
        _flash("success", t("optimiser.progress.forcing_done", n=len(priced)))
    st.session_state[RUN_KEY] = wanted.base.with_payload(payload)


def collect(wanted: Pending, job: jobs.Job) -> None:
    """A finished job: its result written and in place, or its error / cancel told; the job forgotten."""
    try:
        if job.state == "done":
            _record(wanted, job.result)
        elif job.state == "cancelled":
            _flash("info", t("jobs.cancelled", seconds=f"{job.elapsed:.0f}"))
        elif job.error is not None:
            _flash("error", job.error)
    except TranslatableError as e:   # e.g. the writer's role was withdrawn meanwhile
        _flash("error", e)
    finally:
        runner().forget(job)
        st.session_state.pop(PENDING_KEY, None)


def step_text(job: jobs.Job, wanted: Pending) -> str:
    """The job's current step in words (the inline run's progress lines)."""
    if job.state == "queued":
        return t("jobs.queued")
    if job.progress is None:
        return t(f"jobs.kind.{wanted.kind}") + "…"
    step, values = job.progress
    shown: dict[str, Any] = {k: md(v) if isinstance(v, str) else v for k, v in values.items()}
    if shown.get("solver") == "auto":
        shown["solver"] = t("solverchoice.progress_solver")
    return t(f"optimiser.progress.{STEP_KEYS[step]}", **shown)


def frontier_share(job: jobs.Job) -> tuple[int, int] | None:
    """(points done, of n) of a frontier job that has reported one."""
    if job.progress is None or job.progress[0] != "frontier":
        return None
    values: Mapping[str, Any] = job.progress[1]
    return int(values["i"]), int(values["n"])


def panel(kind: Kind, *, anywhere: bool = False) -> None:
    """Where a job of `kind` (with `anywhere`: of any kind) shows its progress and Cancel.

    Nothing when this session has no such job.
    """
    found = pending()
    if found is not None and (anywhere or found[0].kind == kind):
        _panel(found[0].key)


@st.fragment(run_every=POLL_SECONDS)
def _panel(key: tuple) -> None:
    found = pending()
    if found is None or found[0].key != key:
        st.rerun()   # collected or cancelled elsewhere: the whole page again
    wanted, job = found
    kind = wanted.kind
    if not job.active:
        collect(wanted, job)
        st.rerun()
    with st.container(border=True, key=f"opt.job.{kind}"):
        left, right = st.columns([5, 1], vertical_alignment="center")
        elapsed = t("jobs.elapsed", seconds=f"{job.elapsed:.0f}")
        left.markdown(f"**{t(f'jobs.kind.{kind}')}** · {elapsed}")
        left.caption(step_text(job, wanted))
        share = frontier_share(job) if kind == "frontier" else None
        if share is not None:
            i, n = share
            left.progress(min(1.0, i / max(n, 1)), text=t("optimiser.progress.frontier", i=i, n=n))
        if right.button(t("jobs.cancel"), key=f"opt.job.cancel.{kind}", help=t("jobs.cancel_help")):
            seconds = cancel_pending()
            if seconds is not None:
                _flash("info", t("jobs.cancelled", seconds=f"{seconds:.0f}"))
            st.rerun()
        st.caption(t("jobs.background"))
