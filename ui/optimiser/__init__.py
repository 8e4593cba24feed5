"""The Optimiser page's Streamlit helpers, split by concern; `views/optimiser.py` reads widgets, calls them, renders.

- `params`: session keys, the cached portfolio, weight-set choices, form values -> `SelectionParams`
  (`build_params`) and what differs between two parameter sets (`changed_fields`).
- `runs`: the run in session (`OptimiserRun`) and the calls into `store.optimiser_runs`, the one
  pipeline (solve -> log -> baseline -> explain -> marginal values, frontier) the CLI uses too.
- `tables`: KPI figures and every table, and the out-of-date note (`stale_note`).
- `figures`: Gantt, utilisation heat map, efficient frontier, spend by month and by category.

The names below are re-exported so callers (the page, the Scenarios page, tests) keep one import:
`from ui import optimiser as opt`.
"""

from ui.optimiser.figures import (
    chart,
    frontier_figure,
    gantt_figure,
    heatmap_figure,
    spend_category_figure,
    spend_month_figure,
)
from ui.optimiser.params import (
    NONCE_KEY,
    OBJECTIVES,
    PARAMS_KEY,
    RUN_KEY,
    SOLVERS,
    WeightChoice,
    add_months,
    build_params,
    caps_frame,
    categories,
    changed_fields,
    choice_label,
    current_params,
    month_options,
    portfolio,
    project_labels,
    remember_params,
    shares_frame,
    weight_choices,
    weight_label,
)
from ui.optimiser.runs import (
    OptimiserRun,
    current_run,
    force_prices,
    load_into_optimiser,
    run_from_scenario,
    run_frontier,
    run_marginal_values,
    run_optimiser,
    run_portfolio,
    save_run,
)
from ui.optimiser.tables import (
    bound_note,
    fmt_number,
    fmt_pct,
    frontier_frame,
    hires_caption,
    hires_frame,
    kpis,
    left_out_columns,
    left_out_detail,
    left_out_frame,
    marginal_frame,
    number_columns,
    plateau_note,
    profiled_projects,
    project_names,
    run_weights_label,
    selected_frame,
    solver_choice_text,
    solver_label,
    stale_note,
    status_label,
    totals_lines,
    violated_frame,
)

__all__ = [
    "NONCE_KEY", "OBJECTIVES", "PARAMS_KEY", "RUN_KEY", "SOLVERS", "OptimiserRun", "WeightChoice", "add_months",
    "bound_note", "build_params", "solver_choice_text", "solver_label", "caps_frame", "categories", "changed_fields", "chart", "choice_label",
    "current_params", "current_run", "fmt_number", "fmt_pct", "force_prices", "frontier_figure", "frontier_frame",
    "gantt_figure", "heatmap_figure", "hires_caption", "hires_frame", "kpis", "left_out_columns", "left_out_detail",
    "left_out_frame", "load_into_optimiser", "marginal_frame", "month_options", "number_columns", "plateau_note",
    "portfolio", "profiled_projects", "project_labels", "project_names", "remember_params", "run_frontier",
    "run_from_scenario", "run_marginal_values", "run_optimiser", "run_portfolio", "run_weights_label", "save_run",
    "selected_frame", "shares_frame", "spend_category_figure", "spend_month_figure", "stale_note", "status_label",
    "totals_lines",
    "violated_frame", "weight_choices", "weight_label",
]
