"""The Optimiser page's session keys, portfolio loading, weight-set choices and parameters.

`build_params` turns the form's values (percent where the form shows percent) into a checked
`SelectionParams`; `changed_fields` compares two of them field by field (floats to a relative
tolerance, so 0.5 % shown and read back is not a change) and names what differs, which is how the
page tells that a result on screen no longer matches the form (`ui.optimiser.tables.stale_note`).

Strategic weights: the form offers the snapshot's saved weight sets (`weight_choices`, the active one
first; the objectives file's weights first instead when no set is active; nothing, and no picker, when
the snapshot has no saved set). The portfolio is loaded per weight set (`portfolio`, cached on the set's
id), and `current_params` falls back to the default weights with a notice when the set of the last run
or of a loaded scenario has been deleted since.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd
import streamlit as st

from analytics.errors import InvalidInput
from analytics.months import add_months
from analytics.selection_types import PortfolioData, SelectionParams
from analytics.vocabulary import (  # noqa: F401 (re-exported)
    CLOSED_STATUSES,
    COMMITTED_STATUSES,
    DEFAULT_DISCOUNT_RATE,
    OBJECTIVES,
    SOLVERS,
)
from store import db, weights
from ui.session import cursor, db_path, t
from ui.text import md

RUN_KEY = "optimiser.run"
PARAMS_KEY = "optimiser.params"
NONCE_KEY = "optimiser.form_nonce"
# one home for these vocabularies (analytics.vocabulary); re-exported for the page and tests
IGNORED_STATUSES = CLOSED_STATUSES

# the form's label of each parameter, to name what changed since a run (threads: CLI only)
FIELD_LABELS: dict[str, str] = {
    "horizon_start": "optimiser.form.horizon_start",
    "horizon_months": "optimiser.form.horizon_months",
    "objective": "optimiser.form.objective",
    "budget": "optimiser.form.budget",
    "annual_budget_caps": "optimiser.form.annual_caps",
    "fiscal_year_start_month": "optimiser.form.fiscal_start",
    "discount_per_month": "optimiser.form.discount",
    "force_in": "optimiser.form.force_in",
    "force_out": "optimiser.form.force_out",
    "category_min_share": "optrun.field.min_share",
    "category_max_share": "optrun.field.max_share",
    "max_high_risk": "optimiser.form.max_high_risk",
    "high_risk_threshold": "optimiser.form.risk_threshold",
    "allow_hiring": "optimiser.form.allow_hiring",
    "allow_cancel_committed": "optimiser.form.allow_cancel",
    "time_limit_seconds": "optimiser.form.time_limit",
    "mip_gap": "optimiser.form.gap",
    "solver": "optimiser.form.solver",
    "threads": "optrun.field.threads",
    "weight_set_id": "optimiser.form.weight_set",
    "discount_rate": "cases.form.discount_rate",
    "benefit_months": "cases.form.benefit_months",
}


@st.cache_data(ttl=900, max_entries=6, show_spinner=False)
def _portfolio(path: str, snapshot_id: int, weight_set_id: int | None) -> PortfolioData:
    from store.portfolio import load_portfolio  # the engine's loader (issue 4)

    return load_portfolio(db.cursor(path), snapshot_id, weight_set_id)


def portfolio(snapshot_id: int, weight_set_id: int | None) -> PortfolioData:
    """The snapshot's portfolio with strategic values under `weight_set_id` (None: the file's weights).

    Cached on path, snapshot and weight set id: a saved set never changes, it can only be deleted.
    """
    return _portfolio(db_path(), snapshot_id, weight_set_id)


@dataclass(frozen=True)
class WeightChoice:
    """One option of the form's weight-set picker."""

    weight_set_id: int | None   # None: the objectives file's weights (offered only when no set is active)
    name: str | None
    is_active: bool


def weight_choices(snapshot_id: int) -> tuple[WeightChoice, ...]:
    """The picker's options, default first: the active set, then the others newest first.

    Without an active set the objectives file's weights (what a solve uses then) come first. Empty
    when the snapshot has no saved weight set: the page hides the picker and uses the file's weights.
    """
    rows = weights.list_weight_sets(cursor(), snapshot_id)
    saved = [WeightChoice(int(r.weight_set_id), str(r.name), bool(r.is_active)) for r in rows.itertuples()]
    if not saved:
        return ()
    saved.sort(key=lambda c: not c.is_active)  # stable: the rest stay newest first
    if not saved[0].is_active:
        saved.insert(0, WeightChoice(None, None, False))
    return tuple(saved)


def weight_label(weight_set_id: int | None, name: str | None, *, is_active: bool = False,
                 markdown: bool = False) -> str:
    """How a weight set is named on screen: "name (#id)", "(active)" marked; None = the file's weights.

    `markdown`: the set's name (user text) escaped for a Markdown context (captions, alerts).
    """
    if weight_set_id is None:
        return t("optimiser.weights.file")
    shown = md(name) if markdown and name else (name or "?")
    label = t("optimiser.weights.named", name=shown, weight_set_id=weight_set_id)
    return t("optimiser.weights.active", label=label) if is_active else label


def choice_label(choice: WeightChoice, *, markdown: bool = False) -> str:
    return weight_label(choice.weight_set_id, choice.name, is_active=choice.is_active, markdown=markdown)


def month_options(as_of: str) -> list[str]:
    """Horizon start choices: a year back to three years ahead of the snapshot's month."""
    return [add_months(as_of, n) for n in range(-12, 37)]


def default_params(data: PortfolioData, weight_set_id: int | None) -> SelectionParams:
    return SelectionParams(horizon_start=data.as_of, weight_set_id=weight_set_id)


def current_params(
    snapshot_id: int, data: PortfolioData, choices: Sequence[WeightChoice]
) -> tuple[SelectionParams, str | None]:
    """The form's values and a notice (or None).

    The values are the last run's or loaded scenario's on this snapshot, else the defaults. Their
    weight set is kept while it is still offered; when it has been deleted since (or file weights were
    used and a set is active now) the default weights replace it and the notice says so.
    """
    default_id = choices[0].weight_set_id if choices else None
    stored = st.session_state.get(PARAMS_KEY)
    if not stored or stored.get("snapshot_id") != snapshot_id:
        return default_params(data, default_id), None
    params = SelectionParams.from_dict(stored["params"])
    if params.weight_set_id in {c.weight_set_id for c in choices} or (not choices and params.weight_set_id is None):
        return params, None
    lost = weight_label(params.weight_set_id, stored.get("weight_set_name"), markdown=True)
    default = next((choice_label(c, markdown=True) for c in choices), weight_label(None, None))
    notice = t("optimiser.weights.fallback", lost=lost, default=default)
    return replace(params, weight_set_id=default_id), notice


def remember_params(snapshot_id: int, params: SelectionParams, weight_set_name: str | None = None) -> None:
    st.session_state[PARAMS_KEY] = {
        "snapshot_id": snapshot_id, "params": params.to_dict(), "weight_set_name": weight_set_name,
    }


def project_labels(data: PortfolioData, *, decisions_only: bool = False) -> dict[str, str]:
    """project_id -> "id · name" for the searchable multiselects (proposals first, then committed)."""
    frame = data.projects[~data.projects["status"].isin(IGNORED_STATUSES)]
    if decisions_only:
        frame = frame[~frame["status"].isin(COMMITTED_STATUSES)]
    frame = frame.assign(_committed=frame["status"].isin(COMMITTED_STATUSES)).sort_values(["_committed", "project_id"])
    return {str(r.project_id): f"{r.project_id} · {r.name}" for r in frame.itertuples()}


def categories(data: PortfolioData) -> list[str]:
    return sorted({str(c) for c in data.projects["category"].dropna()})


def caps_frame(params: SelectionParams) -> pd.DataFrame:
    rows = sorted(params.annual_budget_caps.items())
    return pd.DataFrame({"fiscal_year": [int(y) for y, _ in rows], "cap": [float(c) for _, c in rows]}).astype(
        {"fiscal_year": "Int64", "cap": "float64"}
    )


def shares_frame(params: SelectionParams, all_categories: Sequence[str]) -> pd.DataFrame:
    """One row per category, min and max share in percent (empty = no bound; the editor's placeholder says so)."""
    def pct(mapping: Mapping[str, float], c: str) -> float | None:
        return None if c not in mapping else round(100.0 * float(mapping[c]), 4)

    return pd.DataFrame(
        {
            "category": list(all_categories),
            "min_pct": [pct(params.category_min_share, c) for c in all_categories],
            "max_pct": [pct(params.category_max_share, c) for c in all_categories],
        }
    ).astype({"min_pct": "float64", "max_pct": "float64"})


def _annual_caps(frame: pd.DataFrame | None) -> dict[int, float]:
    caps: dict[int, float] = {}
    if frame is None:
        return caps
    for row in frame.itertuples():
        if pd.isna(row.fiscal_year) or pd.isna(row.cap):
            continue  # a half-filled row of the editor is not a cap yet
        if float(row.cap) < 0:
            raise InvalidInput("negative annual cap", key="optimiser.error.negative_cap", year=int(row.fiscal_year))
        caps[int(row.fiscal_year)] = float(row.cap)
    return caps


def _category_shares(frame: pd.DataFrame | None) -> tuple[dict[str, float], dict[str, float]]:
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for row in [] if frame is None else frame.itertuples():
        lo = None if pd.isna(row.min_pct) else float(row.min_pct)
        hi = None if pd.isna(row.max_pct) else float(row.max_pct)
        for value in (lo, hi):
            if value is not None and not 0.0 <= value <= 100.0:
                raise InvalidInput("share outside 0-100", key="optimiser.error.share_range", category=row.category)
        if lo is not None and hi is not None and lo > hi:
            raise InvalidInput("min share above max", key="optimiser.error.share_order", category=row.category)
        if lo:
            low[str(row.category)] = lo / 100.0
        if hi is not None and hi < 100.0:
            high[str(row.category)] = hi / 100.0
    return low, high


def build_params(
    *,
    horizon_start: str,
    horizon_months: int,
    objective: str,
    budget: float | None,
    annual_caps: pd.DataFrame | None,
    fiscal_year_start_month: int,
    discount_pct: float,
    force_in: Sequence[str],
    force_out: Sequence[str],
    category_shares: pd.DataFrame | None,
    max_high_risk: int | None,
    high_risk_threshold: float,
    allow_hiring: bool,
    allow_cancel_committed: bool,
    solver: str,
    time_limit_seconds: float,
    gap_pct: float,
    weight_set_id: int | None,
    threads: int = 1,
    discount_rate_pct: float = 100.0 * DEFAULT_DISCOUNT_RATE,
) -> SelectionParams:
    """Form values (percent where the form shows percent) -> SelectionParams, checked.

    `threads` is not on the form: the page passes the shown run's, so a CLI run loaded here keeps it.
    """
    clash = sorted(set(force_in) & set(force_out))
    if clash:
        raise InvalidInput("forced in and out", key="optimiser.error.force_clash", projects=", ".join(clash))
    if budget is not None and budget < 0:
        raise InvalidInput("negative budget", key="optimiser.error.negative_budget")
    low, high = _category_shares(category_shares)
    return SelectionParams(
        horizon_start=horizon_start,
        horizon_months=int(horizon_months),
        objective=objective,  # type: ignore[arg-type]
        budget=None if budget is None else float(budget),
        annual_budget_caps=_annual_caps(annual_caps),
        fiscal_year_start_month=int(fiscal_year_start_month),
        discount_per_month=float(discount_pct) / 100.0,
        force_in=tuple(force_in),
        force_out=tuple(force_out),
        category_min_share=low,
        category_max_share=high,
        max_high_risk=None if max_high_risk is None else int(max_high_risk),
        high_risk_threshold=float(high_risk_threshold),
        allow_hiring=bool(allow_hiring),
        allow_cancel_committed=bool(allow_cancel_committed),
        time_limit_seconds=float(time_limit_seconds),
        mip_gap=float(gap_pct) / 100.0,
        solver=solver,  # type: ignore[arg-type]
        threads=int(threads),
        weight_set_id=weight_set_id,
        discount_rate=float(discount_rate_pct) / 100.0,
    )


def _same(a: Any, b: Any) -> bool:
    """Equal, floats to a relative 1e-9 (a value shown in percent and read back is not a change)."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return sorted(map(str, a)) == sorted(map(str, b))   # forced ids: the order picked is not a change
    return a == b


def changed_fields(shown: SelectionParams, wanted: SelectionParams) -> tuple[str, ...]:
    """The names of the parameters (fields of `SelectionParams`) whose values differ, in field order."""
    return tuple(f.name for f in fields(SelectionParams) if not _same(getattr(shown, f.name), getattr(wanted, f.name)))


def field_label(name: str) -> str:
    """A parameter's name as the form labels it (the bare field name if the form has no label for it)."""
    key = FIELD_LABELS.get(name)
    return t(key).strip("*") if key else name
