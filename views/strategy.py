"""Strategy (战略契合): objective weights (direct or AHP), project scores, ranking and its stability."""

from __future__ import annotations

import streamlit as st

from analytics.vocabulary import CLOSED_STATUSES, CR_THRESHOLD, STATUSES
from ui import group_ahp as group_ui
from ui import strategy as strat
from ui.auth import can
from ui.perf import LAZY_TABS_ABOVE, is_open, paged, tabs
from ui.session import db_path, page_guard, page_header, require_snapshot, show_error, t
from ui.text import md

page_header("strategy.title", "strategy.intro")
SNAPSHOT = require_snapshot("strategy.no_snapshot")
with page_guard():
    DATA = strat.load(SNAPSHOT)
if DATA.objectives.empty:
    st.info(t("strategy.no_objectives"))
    st.stop()

NAMES = DATA.objective_names
flash = st.session_state.pop(strat.FLASH_KEY, None)
if isinstance(flash, Exception):
    show_error(flash)
elif flash is not None:
    st.success(t(flash[0], **{name: md(value) for name, value in flash[1].items()}))


def active_caption() -> str:
    active = DATA.active_set
    if active is None:
        return t("strategy.weights.in_effect_file")
    cr = "–" if active.consistency_ratio is None else f"{active.consistency_ratio:.3f}"
    return t("strategy.weights.in_effect_set", name=md(active.name), method=t(f"strategy.method.{active.method}"),
             cr=cr, who=md(active.created_by or "–"), when=f"{active.created_at:%Y-%m-%d %H:%M}")


def direct_editor() -> dict[str, float] | None:
    edited = st.data_editor(
        strat.direct_frame(DATA), key=f"strategy.direct.{SNAPSHOT}", hide_index=True, num_rows="fixed",
        disabled=["objective_id", "name"],
        column_config={
            "objective_id": st.column_config.TextColumn(t("strategy.col.objective_id")),
            "name": st.column_config.TextColumn(t("strategy.col.objective")),
            "weight": st.column_config.NumberColumn(t("strategy.col.weight_input"), min_value=0.0, step=0.01,
                                                    format="%.2f"),
        },
    )
    weights = strat.direct_weights(edited)
    if weights is None:
        st.warning(t("strategy.error.zero_weights"))
    return weights


def pairwise_editor(method: str):
    strat.init_judgements(DATA)
    # One pair per row, the whole judgement as one sentence: a selectbox in half a column cut it off.
    st.caption(t("strategy.ahp.pairs_help"))
    for left, right in strat.pairs(DATA):
        a, b = NAMES[left], NAMES[right]
        labels = {option: strat.judgement_label(option, a, b) for option in strat.SCALE_OPTIONS}
        st.selectbox(
            t("strategy.ahp.pair", a=md(a), b=md(b)), strat.SCALE_OPTIONS, key=strat.pair_key(SNAPSHOT, left, right),
            format_func=labels.__getitem__, label_visibility="collapsed",
        )
    result = strat.ahp(strat.draft_matrix(DATA), method)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("strategy.ahp.cr"), f"{result.consistency_ratio:.3f}")
    c2.metric(t("strategy.ahp.lambda_max"), f"{result.lambda_max:.3f}")
    c3.metric(t("strategy.ahp.ci"), f"{result.consistency_index:.3f}")
    if result.missing:
        st.caption(t("strategy.ahp.completed", n=len(result.missing),
                     method=t("strategy.ahp.completion_eigen" if method == "eigen" else "strategy.ahp.completion_llsm")))
    worst = result.most_inconsistent
    if result.consistency_ratio > CR_THRESHOLD:
        st.warning(t("strategy.ahp.cr_high", cr=f"{result.consistency_ratio:.3f}", threshold=f"{CR_THRESHOLD:.2f}"))
        suggested = "" if worst is None else strat.scale_option(worst.suggested_value)
        if worst is None or suggested == strat.scale_option(worst.value):
            st.markdown(t("strategy.ahp.fix_spread"))
        else:
            ids = DATA.objective_ids
            left, right = ids[worst.i], ids[worst.j]
            a, b = md(NAMES[left]), md(NAMES[right])
            st.markdown(t("strategy.ahp.fix", pair=t("strategy.ahp.pair", a=a, b=b),
                          current=strat.judgement_label(strat.scale_option(worst.value), a, b),
                          suggested=strat.judgement_label(suggested, a, b),
                          implied=f"{worst.consistent_value:.2f}", cr_after=f"{worst.consistency_ratio_after:.3f}"))
            st.button(t("strategy.ahp.apply_fix"), key="strategy.apply_fix", on_click=strat.apply_fix,
                      args=(strat.pair_key(SNAPSHOT, left, right), suggested))
    else:
        st.success(t("strategy.ahp.cr_ok", cr=f"{result.consistency_ratio:.3f}", threshold=f"{CR_THRESHOLD:.2f}"))
    with st.expander(t("strategy.ahp.matrix")):
        st.dataframe(strat.reciprocal_frame(DATA, result))
    return dict(zip(DATA.objective_ids, result.weights, strict=True)), result


def save_controls(method_code: str, draft: dict[str, float], result) -> None:
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    c1.text_input(t("strategy.save.name"), key="strategy.save_name", placeholder=t("strategy.save.placeholder"))
    c2.checkbox(t("strategy.save.activate"), value=True, key="strategy.save_activate")
    confirmed = True
    if strat.cr_needs_confirmation(result):  # "review before saving" must not be skipped without a word
        confirmed = st.checkbox(t("strategy.save.confirm_cr", cr=f"{result.consistency_ratio:.3f}",
                                  threshold=f"{CR_THRESHOLD:.2f}"),
                                key=strat.CONFIRM_CR_KEY, value=False, help=t("strategy.save.confirm_cr_help"))
    # A callback runs before the next run, so the whole page then shows the saved state.
    c3.button(t("strategy.save.button"), type="primary", key="strategy.save", on_click=strat.on_save,
              args=(DATA, method_code, draft, result), disabled=not confirmed or not can("weights"))


def weight_sets_section() -> None:
    st.subheader(t("strategy.sets.header"))
    listing = DATA.weight_sets
    if listing.empty:
        st.caption(t("strategy.sets.none"))
        return
    st.dataframe(
        strat.sets_table(DATA), hide_index=True, placeholder="—", key="strategy.sets_table",
        column_order=["is_active", "name", "method", "weights", "consistency_ratio", "participants", "created_by",
                      "created_at"],
        column_config={
            "is_active": st.column_config.CheckboxColumn(t("strategy.col.active")),
            "name": t("strategy.col.set_name"), "method": t("strategy.col.method"),
            "weights": t("strategy.col.weights"), "participants": t("strategy.group.col.participants"),
            "consistency_ratio": st.column_config.NumberColumn(t("strategy.col.cr"), format="%.3f"),
            "created_by": t("strategy.col.created_by"),
            "created_at": st.column_config.DatetimeColumn(t("strategy.col.created_at"), format="YYYY-MM-DD HH:mm"),
        },
    )
    labels = {int(r.weight_set_id): f"{r.name} (#{int(r.weight_set_id)})" for r in listing.itertuples()}
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("strategy.sets.choose"), list(labels), format_func=labels.__getitem__, key="strategy.set_choice")
    confirm = c3.checkbox(t("strategy.sets.confirm_delete"), key="strategy.confirm_delete")
    c2.button(t("strategy.sets.activate"), key="strategy.activate", on_click=strat.on_activate,
              args=(DATA, chosen, labels[chosen]), disabled=not can("weights"))
    c4.button(t("strategy.sets.delete"), key="strategy.delete", disabled=not confirm or not can("weights"), on_click=strat.on_delete,
              args=(DATA, chosen, labels[chosen]))


# ---------------------------------------------------------------- 1. weights
st.header(t("strategy.weights.header"))
st.caption(active_caption())
method = st.radio(t("strategy.weights.how"), ["direct", "ahp"], horizontal=True, key="strategy.method",
                  format_func={m: t(f"strategy.weights.how_{m}") for m in ("direct", "ahp")}.__getitem__)
draft, draft_result, method_code = None, None, "direct"
left_col, right_col = st.columns([3, 2]) if method == "direct" else (st.container(), st.container())
with left_col:  # noqa: SIM117 (kept apart: the guard's block is the draft editor only)
    with page_guard(stop=False):
        if method == "direct":
            draft = direct_editor()
        else:
            ahp_method = st.radio(t("strategy.ahp.method"), ["eigen", "geometric"], horizontal=True,
                                  key="strategy.ahp_method",
                                  format_func={m: t(f"strategy.ahp.method_{m}") for m in ("eigen", "geometric")}.__getitem__)
            draft, draft_result = pairwise_editor(ahp_method)
            method_code = f"ahp_{ahp_method}"
            group_ui.group_section(DATA, ahp_method)  # several people's judgements, aggregated
with right_col:
    if draft:
        st.plotly_chart(strat.weights_figure([NAMES[o] for o in draft], list(draft.values())), width="stretch",
                        key="strategy.weights_chart")
if draft:
    save_controls(method_code, draft, draft_result)
weight_sets_section()

# ---------------------------------------------------------------- 2. ranking
st.header(t("strategy.rank.header"))
c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
statuses = c1.multiselect(t("strategy.rank.status"), DATA.statuses(),
                          default=[s for s in DATA.statuses() if s not in CLOSED_STATUSES],
                          format_func={s: t(f"strategy.status.{s}") if s in STATUSES else s
                                       for s in DATA.statuses()}.__getitem__,
                          key="strategy.status_filter")
categories = c2.multiselect(t("strategy.rank.category"), DATA.categories(), key="strategy.category_filter",
                            placeholder=t("strategy.rank.all_categories"))
risk_penalty = c3.slider(t("strategy.rank.risk_penalty"), 0.0, 1.0, 0.0, 0.05, key="strategy.risk_penalty",
                         help=t("strategy.rank.risk_penalty_help"))
preview = st.toggle(t("strategy.rank.preview"), key="strategy.preview", disabled=not draft,
                    help=t("strategy.rank.preview_help"))
IN_USE = draft if preview and draft else DATA.active_weights
st.caption(t("strategy.rank.using_draft") if preview and draft else active_caption())
with page_guard():
    RANKED = strat.ranking(db_path(), SNAPSHOT, strat.weights_key(IN_USE), float(risk_penalty),
                           tuple(statuses), tuple(categories))
if RANKED.empty:
    st.info(t("strategy.rank.empty"))
    st.stop()

incomplete = int((RANKED["missing"] != "").sum())
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("strategy.rank.projects"), len(RANKED))
m2.metric(t("strategy.rank.best", project=md(RANKED["project_id"].iloc[0])),
          f"{RANKED['risk_adjusted_score'].iloc[0]:.1f}")
m3.metric(t("strategy.rank.median"), f"{RANKED['risk_adjusted_score'].median():.1f}")
m4.metric(t("strategy.rank.incomplete"), incomplete)
if incomplete:
    st.warning(t("strategy.rank.incomplete_warning", n=incomplete))
STATUS_LABELS = {s: t(f"strategy.status.{s}") for s in STATUSES}
SHOWN = paged(RANKED, key="strategy.ranked_page")  # a page of rows: thousands would stall the browser
st.dataframe(
    SHOWN.assign(status_label=SHOWN["status"].map(lambda s: STATUS_LABELS.get(s, s))),
    hide_index=True, key="strategy.ranked",
    column_order=["rank", "project_id", "name", "strategic_score", "risk_adjusted_score", "category", "budget",
                  "status_label", "risk_score", "missing"],
    column_config={
        "rank": st.column_config.NumberColumn(t("strategy.col.rank"), format="%d"),
        "project_id": t("strategy.col.project_id"), "name": t("strategy.col.project"),
        "strategic_score": st.column_config.ProgressColumn(t("strategy.col.strategic_score"), min_value=0,
                                                           max_value=100, format="%.1f"),
        "risk_adjusted_score": st.column_config.NumberColumn(t("strategy.col.risk_adjusted"), format="%.1f"),
        "category": t("strategy.col.category"),
        "budget": st.column_config.NumberColumn(t("strategy.col.budget", unit=DATA.currency_unit), format="%,.0f"),
        "status_label": t("strategy.col.status"),
        "risk_score": st.column_config.NumberColumn(t("strategy.col.risk"), format="%.1f"),
        "missing": t("strategy.col.missing"),
    },
)
# Above LAZY_TABS_ABOVE projects only the open chart is built and drawn (a tab switch reruns).
heat_tab, bubble_tab = tabs([t("strategy.rank.heatmap"), t("strategy.rank.bubble")], key="strategy.chart_tab",
                            lazy=len(RANKED) > LAZY_TABS_ABOVE)
with heat_tab:
    if len(RANKED) > strat.HEATMAP_ROWS:
        st.caption(t("strategy.rank.heatmap_cap", n=strat.HEATMAP_ROWS, total=len(RANKED)))
    if is_open(heat_tab):
        st.plotly_chart(strat.heatmap_figure(strat.heatmap_matrix(DATA, RANKED)), width="stretch",
                        key="strategy.heatmap")
with bubble_tab:
    st.caption(t("strategy.rank.bubble_help"))
    if is_open(bubble_tab):
        st.plotly_chart(strat.bubble_figure(RANKED, DATA.currency_unit), width="stretch", key="strategy.bubble")

# ---------------------------------------------------------------- 3. sensitivity
st.header(t("strategy.sens.header"))
st.caption(t("strategy.sens.intro"))
c1, c2 = st.columns(2)
k = int(c1.number_input(t("strategy.sens.k"), min_value=1, max_value=len(RANKED), value=min(10, len(RANKED)),
                        step=1, key="strategy.k"))
concentration = c2.select_slider(t("strategy.sens.uncertainty"), options=[200, 100, 50, 25, 10], value=50,
                                 format_func={c: t(f"strategy.sens.uncertainty_{c}") for c in (200, 100, 50, 25, 10)}.__getitem__,
                                 key="strategy.concentration")
with page_guard(), st.spinner(t("strategy.sens.running", draws=strat.MC_DRAWS)):
    RANGES, STABILITY = strat.sensitivity(db_path(), SNAPSHOT, strat.weights_key(IN_USE), float(risk_penalty),
                                          tuple(statuses), tuple(categories), k, float(concentration))
PROJECT_NAMES = dict(zip(RANKED["project_id"], RANKED["name"], strict=True))
tornado_col, prob_col = st.columns(2)
with tornado_col:
    st.subheader(t("strategy.sens.tornado", k=k))
    st.plotly_chart(strat.tornado_figure(RANGES, NAMES, k), width="stretch", key="strategy.tornado")
with prob_col:
    st.subheader(t("strategy.sens.probability", k=k))
    st.caption(t("strategy.sens.probability_help", draws=STABILITY.draws, seed=STABILITY.seed))
    st.plotly_chart(strat.probability_figure(STABILITY, PROJECT_NAMES, max(2 * k, 15)), width="stretch",
                    key="strategy.probability")
st.dataframe(
    strat.range_rows(RANGES, NAMES, k), hide_index=True, placeholder="—", key="strategy.ranges",
    column_config={
        "objective": t("strategy.col.objective"),
        "weight": st.column_config.NumberColumn(t("strategy.col.weight_now"), format="%.1f%%"),
        "top_k": t("strategy.col.top_k_range", k=k), "top_k_below": t("strategy.col.below"),
        "top_k_above": t("strategy.col.above"), "first": t("strategy.col.first_range"),
        "first_below": t("strategy.col.below_first"), "first_above": t("strategy.col.above_first"),
    },
)
