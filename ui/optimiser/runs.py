"""The Optimiser page's runs: `store.optimiser_runs` called with Streamlit progress, and the run in session.

`run_optimiser` (solve, log, baseline, explanations inside one `st.status`) and the follow-ups on the
same run, `force_prices`, `run_marginal_values` and `run_frontier`, all go through
`store.optimiser_runs`, the pipeline the CLI uses too. `save_run` completes what a scenario carries
(marginal values and frontier when not yet computed) and stores it. The run lives in
`st.session_state[RUN_KEY]` so reruns of the page never re-solve; the Scenarios page puts a saved
scenario there ("load it into the optimiser").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from analytics.scenario_payload import ScenarioPayload
from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    MarginalValue,
    PortfolioData,
    SelectionParams,
    SelectionResult,
)
from store import optimiser_runs, scenarios
from store.errors import NotFound
from ui.optimiser.params import NONCE_KEY, RUN_KEY, portfolio, remember_params
from ui.session import actor, cursor, t
from ui.text import md


@dataclass(frozen=True)
class OptimiserRun:
    """One run on screen: its snapshot, parameters and payload (what a scenario stores), and where it is saved."""

    snapshot_id: int
    params: SelectionParams
    payload: ScenarioPayload
    scenario_id: int | None = None            # set when saved or loaded from a scenario
    scenario_name: str | None = None
    seconds: float = 0.0                       # wall time of solve + greedy + explanations

    @property
    def result(self) -> SelectionResult:
        return self.payload.result

    @property
    def greedy_objective(self) -> float | None:
        return self.payload.greedy_objective

    @property
    def explanations(self) -> tuple[LeftOut, ...]:
        return self.payload.explanations

    @property
    def frontier(self) -> tuple[FrontierPoint, ...]:
        return self.payload.frontier

    @property
    def marginal_values(self) -> tuple[MarginalValue, ...]:
        return self.payload.marginal_values

    @property
    def weight_set_name(self) -> str | None:
        return self.payload.weight_set_name

    def with_payload(self, payload: ScenarioPayload) -> OptimiserRun:
        return replace(self, payload=payload)


def _status_writer(status: Any) -> Callable[[str, Mapping[str, Any]], None]:
    def progress(step: str, values: Mapping[str, Any]) -> None:
        shown = {k: md(v) if isinstance(v, str) else v for k, v in values.items()}  # project ids are user text
        if shown.get("solver") == "auto":   # chosen once the model is built: say so instead of the word
            shown["solver"] = t("solverchoice.progress_solver")
        status.write(t(f"optimiser.progress.{STEP_KEYS[step]}", **shown))
    return progress


STEP_KEYS = {"solving": "solving", "greedy": "greedy", "explaining": "explaining", "marginal": "marginal",
              "frontier": "frontier", "forcing": "forcing_one"}


def run_optimiser(data: PortfolioData, params: SelectionParams, snapshot_id: int) -> OptimiserRun:
    """Solve, log the solve, then greedy baseline and explanations, inside one `st.status`."""
    from ui.optimiser.tables import status_label

    with st.status(t("optimiser.progress.running"), expanded=True) as status:
        outcome = optimiser_runs.run_optimiser(cursor(), data, params, snapshot_id=snapshot_id, actor=actor(),
                                               progress=_status_writer(status))
        remember_params(snapshot_id, params, outcome.payload.weight_set_name)
        result = outcome.payload.result
        if result.has_solution:
            status.update(label=t("optimiser.progress.done", seconds=f"{outcome.seconds:.1f}"), state="complete",
                          expanded=False)
        else:
            status.update(label=t("optimiser.progress.no_solution", status=status_label(result.status)), state="error")
    return OptimiserRun(snapshot_id, params, outcome.payload, seconds=outcome.seconds)


def run_portfolio(run: OptimiserRun) -> PortfolioData | None:
    """The portfolio a run was solved on, for its follow-up re-solves; None once its weight set is deleted.

    Re-solving a saved scenario under other weights would price forcing or trace a frontier of a
    different problem than the one shown, so the page offers those only with the run's own weights.
    """
    try:
        return portfolio(run.snapshot_id, run.params.weight_set_id)
    except NotFound:
        return None


def force_prices(data: PortfolioData, run: OptimiserRun, project_ids: Sequence[str]) -> OptimiserRun:
    """Re-solve with each chosen left-out proposal forced in; returns the run with prices filled."""
    with st.status(t("optimiser.progress.forcing", n=len(project_ids)), expanded=True) as status:
        payload = optimiser_runs.add_prices(cursor(), data, run.params, run.payload, project_ids,
                                            snapshot_id=run.snapshot_id, actor=actor(), progress=_status_writer(status))
        status.update(label=t("optimiser.progress.forcing_done", n=len(project_ids)), state="complete", expanded=False)
    return run.with_payload(payload)


def run_marginal_values(data: PortfolioData, run: OptimiserRun) -> OptimiserRun:
    with st.status(t("optimiser.progress.marginal"), expanded=True) as status:
        payload = optimiser_runs.add_marginal_values(cursor(), data, run.params, run.payload,
                                                     snapshot_id=run.snapshot_id, actor=actor())
        status.update(label=t("optimiser.progress.marginal_done", n=len(payload.marginal_values)), state="complete",
                      expanded=False)
    return run.with_payload(payload)


def run_frontier(data: PortfolioData, run: OptimiserRun, points: int) -> OptimiserRun:
    bar = st.progress(0.0, text=t("optimiser.progress.frontier", i=0, n=points))

    def progress(step: str, values: Mapping[str, Any]) -> None:
        i, n = int(values["i"]), int(values["n"])
        bar.progress(min(1.0, i / max(n, 1)), text=t("optimiser.progress.frontier", i=i, n=n))

    payload = optimiser_runs.add_frontier(cursor(), data, run.params, run.payload, snapshot_id=run.snapshot_id,
                                          actor=actor(), points=points, progress=progress)
    bar.empty()
    return run.with_payload(payload)


def save_run(run: OptimiserRun, name: str, data: PortfolioData | None) -> OptimiserRun:
    """Store the run as a scenario, after computing what a CLI-saved scenario carries and it lacks
    (marginal values and frontier) on `data`, its own portfolio. `data` None: store it as it is (the
    user unticked it, or its weight set is gone and a re-solve would answer another question)."""
    payload = run.payload
    if data is not None and (not payload.marginal_values or not payload.frontier):
        with st.status(t("optrun.save.completing"), expanded=True) as status:
            payload = optimiser_runs.complete_analyses(cursor(), data, run.params, payload, snapshot_id=run.snapshot_id,
                                                       actor=actor(), progress=_status_writer(status))
            status.update(label=t("optrun.save.completed"), state="complete", expanded=False)
    scenario_id = scenarios.save_scenario(
        cursor(), snapshot_id=run.snapshot_id, name=name, params=run.params, payload=payload, actor=actor()
    )
    stored = scenarios.get_scenario(cursor(), scenario_id)
    return replace(run, payload=stored.run or payload, scenario_id=scenario_id, scenario_name=stored.name)


def run_from_scenario(scenario: scenarios.Scenario) -> OptimiserRun:
    payload = scenario.run or scenarios.read_payload(scenario.payload)
    if payload.weight_set_name is None and scenario.params.weight_set_id is not None:
        # scenarios saved before the name was kept in the payload: ask the store (None if deleted since)
        payload = replace(payload, weights=scenarios.weights_used(cursor(), scenario.params.weight_set_id))
    return OptimiserRun(scenario.snapshot_id, scenario.params, payload, scenario.scenario_id, scenario.name)


def load_into_optimiser(scenario: scenarios.Scenario) -> None:
    """Make the scenario the optimiser's current run and prefill the form with its parameters.

    The form gets the scenario's weight set back; `current_params` falls back (with a notice) when
    that set has been deleted since.
    """
    from ui.optimiser.background import cancel_pending  # background builds on this module

    cancel_pending()   # a run under way would land over the scenario: stopped, nothing stored
    run = run_from_scenario(scenario)
    st.session_state[RUN_KEY] = run
    remember_params(scenario.snapshot_id, scenario.params, run.weight_set_name)
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1  # fresh widgets show the new values


def current_run(snapshot_id: int) -> OptimiserRun | None:
    run = st.session_state.get(RUN_KEY)
    return run if isinstance(run, OptimiserRun) and run.snapshot_id == snapshot_id else None
