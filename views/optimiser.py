"""Optimiser (组合优化): choose proposals and start months under budget and capacity, and explain why."""

from __future__ import annotations

import streamlit as st

from analytics.errors import AnalyticsError
from analytics.selection_types import PortfolioData, SelectionParams
from ui import optimiser as opt
from ui import pareto as pareto_ui
from ui import perf
from ui.auth import can
from ui.optimiser import background as jobs
from ui.session import page_guard, page_header, require_snapshot, show_error, t
from ui.text import md

page_header("optimiser.title", "optimiser.intro")
SNAPSHOT = require_snapshot("optimiser.no_snapshot")
with page_guard():
    # the snapshot's saved weight sets, default first; none at all: no picker, the file's weights
    WEIGHT_CHOICES = opt.weight_choices(SNAPSHOT)
    DATA = opt.portfolio(SNAPSHOT, WEIGHT_CHOICES[0].weight_set_id if WEIGHT_CHOICES else None)

PARAMS, WEIGHTS_NOTICE = opt.current_params(SNAPSHOT, DATA, WEIGHT_CHOICES)
NOTICE = st.empty()  # a run from the form clears it: the new run's weights are the ones on offer
if WEIGHTS_NOTICE:
    NOTICE.warning(WEIGHTS_NOTICE)
NONCE = st.session_state.get(opt.NONCE_KEY, 0)


def key(name: str) -> str:
    return f"opt.{name}.{NONCE}"


# format_func gets dicts built in this run: AppTest may call it outside the session's language.
def parameters_form() -> SelectionParams | None:
    """The parameters (no st.form: every change reruns, so a shown result can tell it is out of date).

    Returns the parameters the widgets hold now (None when they cannot be read: Optimise says why).
    """
    months = opt.month_options(DATA.as_of)
    if PARAMS.horizon_start not in months:
        months = sorted({*months, PARAMS.horizon_start})
    proposals = opt.project_labels(DATA, decisions_only=True)
    everything = opt.project_labels(DATA)
    with st.container(border=True, key=key("form")):
        st.subheader(t("optimiser.form.title"))
        c1, c2, c3, c4 = st.columns(4)
        objective = c1.selectbox(
            t("optimiser.form.objective"), opt.OBJECTIVES, index=opt.OBJECTIVES.index(PARAMS.objective),
            format_func={o: t(f"optimiser.objective.{o}") for o in opt.OBJECTIVES}.__getitem__, key=key("objective"),
        )
        weight_set_id = weight_set_picker(c1)
        rate_pct = 100.0 * PARAMS.discount_rate
        if objective == "npv":  # the business cases' rate (docs/business-cases.md)
            rate_pct = c1.number_input(t("cases.form.discount_rate"), min_value=0.0, max_value=100.0, value=rate_pct,
                                       step=0.5, format="%.2f", help=t("cases.form.discount_rate_help"),
                                       key=key("discount_rate"))
        budget = c2.number_input(
            t("optimiser.form.budget"), min_value=0.0, value=PARAMS.budget, step=100.0,
            placeholder=t("optimiser.form.no_limit"), help=t("optimiser.form.budget_help"), key=key("budget"),
        )
        horizon_start = c3.selectbox(
            t("optimiser.form.horizon_start"), months, index=months.index(PARAMS.horizon_start), key=key("start")
        )
        horizon_months = c4.number_input(
            t("optimiser.form.horizon_months"), min_value=1, max_value=120, value=int(PARAMS.horizon_months),
            step=1, key=key("months"),
        )
        c1, c2 = st.columns(2)   # a search box each: thousands of proposals are never all sent
        force_in = perf.search_multiselect(
            t("optimiser.form.force_in"), proposals, default=PARAMS.force_in, container=c1,
            placeholder=t("optimiser.form.search"), key=key("force_in"),
        )
        force_out = perf.search_multiselect(
            t("optimiser.form.force_out"), everything, default=PARAMS.force_out, container=c2,
            placeholder=t("optimiser.form.search"), key=key("force_out"),
        )
        c1, c2 = st.columns(2)
        with c1:
            st.markdown(t("optimiser.form.annual_caps"))
            caps = st.data_editor(
                opt.caps_frame(PARAMS), num_rows="dynamic", hide_index=True, key=key("caps"), placeholder="—",
                column_config={
                    "fiscal_year": st.column_config.NumberColumn(t("optimiser.form.fiscal_year"), min_value=2000, max_value=2100, step=1, format="%d"),
                    "cap": st.column_config.NumberColumn(t("optimiser.form.cap"), min_value=0.0),
                },
            )
            fiscal_start = st.selectbox(
                t("optimiser.form.fiscal_start"), list(range(1, 13)), index=PARAMS.fiscal_year_start_month - 1,
                key=key("fiscal_start"),
            )
        with c2:
            st.markdown(t("optimiser.form.balance"))
            shares = st.data_editor(
                opt.shares_frame(PARAMS, opt.categories(DATA)), hide_index=True, key=key("shares"), disabled=["category"],
                placeholder=t("optrun.balance.no_bound"),
                column_config={
                    "category": st.column_config.TextColumn(t("optimiser.form.category")),
                    "min_pct": st.column_config.NumberColumn(t("optimiser.form.min_pct"), min_value=0.0, max_value=100.0,
                                                             help=t("optimiser.form.share_help")),
                    "max_pct": st.column_config.NumberColumn(t("optimiser.form.max_pct"), min_value=0.0, max_value=100.0,
                                                             help=t("optimiser.form.share_help")),
                },
            )
        c1, c2, c3 = st.columns(3)
        max_high_risk = c1.number_input(
            t("optimiser.form.max_high_risk"), min_value=0, value=PARAMS.max_high_risk, step=1,
            placeholder=t("optimiser.form.no_limit"), key=key("max_high_risk"), help=t("optimiser.form.max_high_risk_help"),
        )
        threshold = c2.number_input(
            t("optimiser.form.risk_threshold"), min_value=0.0, value=float(PARAMS.high_risk_threshold), step=0.5,
            key=key("threshold"),
        )
        discount = c3.number_input(
            t("optimiser.form.discount"), min_value=0.0, max_value=20.0, value=100.0 * PARAMS.discount_per_month,
            step=0.1, format="%.2f", key=key("discount"),
        )
        c1, c2 = st.columns(2)   # a row of their own: the labels are long (cut off in a quarter column)
        hiring = c1.checkbox(t("optimiser.form.allow_hiring"), value=PARAMS.allow_hiring, key=key("hiring"))
        cancel = c2.checkbox(
            t("optimiser.form.allow_cancel"), value=PARAMS.allow_cancel_committed, key=key("cancel")
        )
        c1, c2, c3 = st.columns(3)
        solver = c1.selectbox(
            t("optimiser.form.solver"), opt.SOLVERS, index=opt.SOLVERS.index(PARAMS.solver),
            format_func={s: opt.solver_label(s) for s in opt.SOLVERS}.__getitem__, key=key("solver"),
        )
        time_limit = c2.number_input(
            t("optimiser.form.time_limit"), min_value=1.0, max_value=3600.0, value=float(PARAMS.time_limit_seconds),
            step=5.0, key=key("time_limit"),
        )
        gap = c3.number_input(
            t("optimiser.form.gap"), min_value=0.0, max_value=50.0, value=100.0 * PARAMS.mip_gap, step=0.01,
            format="%.3f", key=key("gap"),
        )
        submitted = st.button(t("optimiser.form.run"), type="primary", key="opt.submit",
                              disabled=not can("optimise") or BUSY)
    try:
        params = opt.build_params(
            horizon_start=horizon_start, horizon_months=horizon_months, objective=objective, budget=budget,
            annual_caps=caps, fiscal_year_start_month=fiscal_start, discount_pct=discount, force_in=force_in,
            force_out=force_out, category_shares=shares, max_high_risk=max_high_risk,
            high_risk_threshold=threshold, allow_hiring=hiring, allow_cancel_committed=cancel, solver=solver,
            time_limit_seconds=time_limit, gap_pct=gap, weight_set_id=weight_set_id, threads=PARAMS.threads,
            discount_rate_pct=rate_pct,
        )
    except AnalyticsError as e:   # unreadable values: said when Optimise is pressed, the result marked stale
        if submitted:
            show_error(e)
        return None
    if submitted and not jobs.busy():   # solved in the optimiser's worker process: the panel below follows it
        with page_guard(stop=False):
            data = opt.portfolio(SNAPSHOT, weight_set_id)  # strategic values under the chosen weights
            jobs.start_run(data, params, SNAPSHOT)
            NOTICE.empty()
    return params


def weight_set_picker(column) -> int | None:
    """The weight set whose strategic values the run uses; no picker (file weights) without saved sets.

    Shown whatever the objective: a form does not rerun when the objective changes, so the help text
    says the other objectives ignore it, and the result names the weights and whether they were used.
    """
    if not WEIGHT_CHOICES:
        return None
    ids = [c.weight_set_id for c in WEIGHT_CHOICES]
    labels = {c.weight_set_id: opt.choice_label(c) for c in WEIGHT_CHOICES}
    return column.selectbox(
        t("optimiser.form.weight_set"), ids, index=ids.index(PARAMS.weight_set_id) if PARAMS.weight_set_id in ids else 0,
        format_func=labels.__getitem__, help=t("optimiser.form.weight_set_help"), key=key("weight_set"),
    )


def kpi_tiles(run: opt.OptimiserRun) -> None:
    k = opt.kpis(run)
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(t("optimiser.kpi.value"), opt.fmt_number(k.value), border=True)
    c2.metric(
        t("optimiser.kpi.cost"), opt.fmt_number(k.cost), border=True,
        help=t("optimiser.kpi.budget", budget=opt.fmt_number(k.budget)) if k.budget is not None else t("optimiser.kpi.no_budget"),
    )
    c3.metric(t("optimiser.kpi.gap"), opt.fmt_pct(k.gap), border=True, help=status_line(run))
    c4.metric(
        t("optimiser.kpi.projects"), f"{k.n_new + k.n_committed}", border=True,
        help=t("optimiser.kpi.projects_help", new=k.n_new, committed=k.n_committed),
    )
    c5.metric(
        t("optimiser.kpi.uplift"), opt.fmt_number(k.uplift), delta=opt.fmt_pct(k.uplift_pct, 1) if k.uplift_pct is not None else None,
        border=True, help=t("optimiser.kpi.greedy", greedy=opt.fmt_number(k.greedy_objective)),
    )


def status_line(run: opt.OptimiserRun) -> str:
    r = run.result
    line = t(
        "optimiser.status_line", status=opt.status_label(r.status), solver=r.solver,
        build=f"{r.build_seconds:.2f}", solve=f"{r.solve_seconds:.2f}",
    )
    note = opt.bound_note(run)
    return line if note is None else f"{line} · {note}"


def left_out_tab(run: opt.OptimiserRun, data: PortfolioData | None, stale: bool) -> opt.OptimiserRun:
    if not run.explanations:
        jobs.panel("prices")
        st.info(t("optimiser.left_out.none"))
        return run
    labels = {i.project_id: f"{i.project_id} · {i.name}" for i in run.explanations}
    if data is None:
        st.info(t("optimiser.weights.no_resolve"))
    elif not stale:
        with st.form(key("forcing")):
            chosen = st.multiselect(
                t("optimiser.left_out.choose"), list(labels), format_func=labels.get, max_selections=10,
                placeholder=t("optimiser.form.search"), key=key("forcing_ids"),
            )
            price = st.form_submit_button(t("optimiser.left_out.price"), key="opt.price",
                                          disabled=not can("optimise") or BUSY)
        if price and chosen and not jobs.busy():
            jobs.start_prices(data, run, chosen)
    jobs.panel("prices")
    st.dataframe(opt.left_out_frame(run.explanations), hide_index=True, row_height=72,
                 column_config=opt.left_out_columns())
    st.caption(t("optimiser.left_out.caption"))
    shown = st.selectbox(
        t("optimiser.left_out.read"), list(labels), index=None, format_func=labels.get,
        placeholder=t("optimiser.form.search"), key=key("left_out_detail"),
    )
    if shown is not None:
        st.markdown(opt.left_out_detail(next(i for i in run.explanations if i.project_id == shown)))
    return run


def marginal_tab(run: opt.OptimiserRun, data: PortfolioData | None, stale: bool) -> opt.OptimiserRun:
    if data is None:
        st.info(t("optimiser.weights.no_resolve"))
    elif not stale and st.button(t("optimiser.marginal.run"), key="opt.marginal",
                                 disabled=not can("optimise") or BUSY) and not jobs.busy():
        jobs.start_marginal(data, run)
    jobs.panel("marginal")
    if run.marginal_values:
        st.dataframe(opt.marginal_frame(run.marginal_values), hide_index=True, key="opt.marginal_table")
        st.caption(t("optimiser.marginal.caption"))
    else:
        st.info(t("optimiser.marginal.none"))
    return run


def frontier_tab(run: opt.OptimiserRun, data: PortfolioData | None, stale: bool) -> opt.OptimiserRun:
    if data is None:
        st.info(t("optimiser.weights.no_resolve"))
    elif not stale:
        c1, c2 = st.columns([1, 3])
        points = c1.number_input(
            t("optimiser.frontier.points"), min_value=3, max_value=40, value=12, step=1, key="opt.points"
        )
        if c2.button(t("optimiser.frontier.run"), key="opt.frontier", disabled=not can("optimise") or BUSY) \
                and not jobs.busy():
            jobs.start_frontier(data, run, int(points))
    jobs.panel("frontier")
    if run.frontier:
        names = opt.project_names(DATA)
        opt.chart(opt.frontier_figure(run.frontier, run.result, names), key="opt.frontier_chart")
        note = opt.plateau_note(run.frontier)
        if note:
            st.caption(note)
        st.dataframe(opt.frontier_frame(run.frontier, names), hide_index=True, key="opt.frontier_table",
                     column_config=opt.number_columns("optimiser.col.budget", "optimiser.col.value", "optimiser.col.cost"))
    else:
        st.info(t("optimiser.frontier.none"))
    return run


def save_form(run: opt.OptimiserRun, data: PortfolioData | None, stale: bool) -> None:
    """Save the run as a scenario; off while the form no longer matches the run (re-run first)."""
    with st.form("opt.save_form"):
        st.subheader(t("optimiser.save.title"))
        name = st.text_input(t("optimiser.save.name"), value=run.scenario_name or "", max_chars=120, key="opt.save_name")
        complete = False
        if data is not None and (not run.marginal_values or not run.frontier):
            complete = st.checkbox(t("optrun.save.complete"), value=True, help=t("optrun.save.complete_help"),
                                   key="opt.save_complete")
        if stale:
            st.caption(t("optrun.save.disabled"))
        submitted = st.form_submit_button(t("optimiser.save.button"), key="opt.save",
                                          disabled=stale or not can("scenario_save") or BUSY)
    jobs.panel("save")   # completing the scenario's analyses in the worker, then saving it
    if not submitted or stale or jobs.busy():   # disabled in the browser; refused here too (a stale run is never saved)
        return
    with page_guard(stop=False):
        if complete and data is not None:   # marginal values and frontier first: dozens of solves, in the worker
            jobs.start_save(data, run, name)
            st.rerun()   # the panel above follows it
        saved = opt.save_run(run, name, None)
        st.session_state[opt.RUN_KEY] = saved
        st.success(t("optimiser.save.done", name=md(saved.scenario_name), scenario_id=saved.scenario_id))


def results(run: opt.OptimiserRun, wanted: SelectionParams | None) -> None:
    st.divider()
    if run.scenario_name:
        st.subheader(t("optimiser.results.scenario", name=md(run.scenario_name), scenario_id=run.scenario_id))
    else:
        st.subheader(t("optimiser.results.title"))
    stale_note = opt.stale_note(run.params, wanted)
    stale = stale_note is not None
    if stale:
        st.warning(stale_note, icon="⚠️")
    if not run.result.has_solution:
        st.error(t("optimiser.results.no_solution", status=opt.status_label(run.result.status)))
        if run.result.violated:
            st.markdown(t("optimiser.results.violated"))
            st.dataframe(opt.violated_frame(run.result), hide_index=True, key="opt.violated")
        if run.result.message and run.result.status != "infeasible":  # the table says it better than the solver
            st.caption(run.result.message)
        return
    kpi_tiles(run)
    data, totals = None, []
    with page_guard(stop=False):
        data = opt.run_portfolio(run)  # the run's own weights (None: its set was deleted since)
        totals = opt.totals_lines(run, data)
    for line in totals:   # what the Projects and Cost tiles add up: committed work, new proposals, hires
        st.caption(line)
    st.caption(status_line(run))
    choice = opt.solver_choice_text(run)
    if choice:   # which solver `auto` chose and why (or how a race ended)
        st.caption(choice)
    if WEIGHT_CHOICES or run.params.weight_set_id is not None:  # no saved set ever: nothing to tell apart
        st.caption(opt.run_weights_label(run))
    tab_names = ("schedule", "capacity", "left_out", "marginal", "frontier", "spend")
    # keyed, so the tab stays open when one of its buttons reruns the page
    tabs = st.tabs([t(f"optimiser.tab.{name}") for name in tab_names], key="opt.tabs")
    profiled, loaded = frozenset(), False
    with page_guard(stop=False):
        profiled, loaded = opt.profiled_projects(run, data), True
    with tabs[0]:
        opt.chart(opt.gantt_figure(run.result, run.params.horizon_start), key="opt.gantt")
        st.dataframe(opt.selected_frame(run.result, profiled), hide_index=True, key="opt.selected",
                     column_config=opt.number_columns("optimiser.col.value", "optimiser.col.cost"))
        if run.result.hire_plan:
            st.markdown(t("optrun.hires.title"))
            st.caption(opt.hires_caption(run.result))
            st.dataframe(opt.hires_frame(run.result), hide_index=True, key="opt.hires",
                         column_config=opt.number_columns("optrun.col.fte", "optrun.col.hire_cost"))
    with tabs[1]:
        opt.chart(opt.heatmap_figure(run.result), key="opt.heatmap")
        st.caption(t("optimiser.capacity.caption"))
    with page_guard(stop=False):
        if loaded:
            with tabs[2]:
                run = left_out_tab(run, data, stale)
            with tabs[3]:
                run = marginal_tab(run, data, stale)
            with tabs[4]:
                run = frontier_tab(run, data, stale)
                pareto_ui.section(run.params, data, stale)   # value against risk exposure (issue 19)
    with tabs[5]:
        c1, c2 = st.columns(2)
        with c1:
            opt.chart(opt.spend_month_figure(run.result, run.params), key="opt.spend_month")
        with c2:
            opt.chart(opt.spend_category_figure(run.result), key="opt.spend_category")
    save_form(run, data, stale)


BUSY = jobs.busy()   # a run of this session is under way in the worker: its buttons wait
WANTED = parameters_form()
RUN = opt.current_run(SNAPSHOT)
# the run's progress, elapsed time and Cancel, polled; its result lands in RUN_KEY. A follow-up
# (frontier, ...) shows in its tab, or here when no result with tabs is drawn (another snapshot).
jobs.panel("run", anywhere=RUN is None or not RUN.result.has_solution)
jobs.show_flash()    # how the last run ended (done, no solution, cancelled, an error)
if RUN is None:
    st.info(t("optimiser.no_run"))
else:
    results(RUN, WANTED)
