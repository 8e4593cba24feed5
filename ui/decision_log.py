"""Composition for the Decision log page (决策记录): filter, show and export the append-only log.

The log is written by the store modules in the same transaction as the change they record
(imports, weight sets, solves, scenarios, recommendations); this page only reads it. Queries are
not cached: the log is small, indexed by its key, and must show an entry the moment another page
wrote it. Exports go through `reports` so text cells are neutralised against formula injection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from i18n import has_key
from reports.csv_export import frame_to_csv
from reports.excel import frame_to_xlsx
from reports.safety import safe_filename
from store import decision_log, snapshots
from ui.log_summary import details_items, details_text, summary_text
from ui.session import cursor, lang, t

# Every action the store writes today, in the order a reader thinks of them.
KNOWN_ACTIONS: tuple[str, ...] = (
    "import", "snapshot_rename", "snapshot_delete", "weights_save", "weights_activate", "weights_delete",
    "optimize", "price_of_forcing", "marginal_values", "frontier", "scenario_save", "scenario_rename", "scenario_delete", "recommend",
)
SNAPSHOT_WIDTH, SUMMARY_WIDTH, ROW_HEIGHT = 170, 330, 66  # px: two wrapped lines at 1280 px
MAX_ROWS = 5_000  # newest first; older entries stay in the database and appear when filtered


@dataclass(frozen=True)
class LogFilters:
    actions: tuple[str, ...] = ()
    snapshot_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""


def action_label(action: str) -> str:
    key = f"log.action.{action}"
    return t(key) if has_key(lang(), key) else action


def action_options() -> list[str]:
    """The known actions, then any other action found in the log (written by a newer module)."""
    seen = decision_log.entries(cursor(), limit=MAX_ROWS)["action"].dropna().unique().tolist()
    return [*KNOWN_ACTIONS, *sorted(set(seen) - set(KNOWN_ACTIONS))]


def snapshot_labels() -> dict[int, str]:
    listing = snapshots.snapshot_choices(cursor())  # labels only: not the row counts of every table
    return {int(r.snapshot_id): f"{r.label} (#{int(r.snapshot_id)})" for r in listing.itertuples()}


def load(filters: LogFilters) -> pd.DataFrame:
    """The entries matching the filters, newest first (dates are whole days, both ends included).

    The search text matches what was stored (summary, details, actor) over the whole log, and also
    what the reader sees in their language (the rendered summary, the action's name) among the newest
    `MAX_ROWS` entries: a Chinese reader finds "最优" although the stored summary says "optimal".
    """
    since = dt.datetime.combine(filters.since, dt.time.min) if filters.since else None
    until = dt.datetime.combine(filters.until, dt.time.max) if filters.until else None
    text = filters.text.strip()
    query = {"actions": list(filters.actions) or None, "snapshot_id": filters.snapshot_id, "since": since,
             "until": until, "limit": MAX_ROWS}
    stored = decision_log.entries(cursor(), text=text or None, **query)
    if not text:
        return stored
    recent = decision_log.entries(cursor(), **query)
    language, needle = lang(), text.casefold()
    shown = [
        needle in f"{summary_text(language, a, None if pd.isna(s) else str(s), d)}\n{action_label(a)}".casefold()
        for a, s, d in zip(recent["action"], recent["summary"], recent["details"], strict=True)
    ]
    merged = pd.concat([stored, recent[shown]], ignore_index=True).drop_duplicates("log_id")
    return merged.sort_values("log_id", ascending=False, ignore_index=True).head(MAX_ROWS)


def _snapshot_text(value: Any, labels: dict[int, str]) -> str:
    if value is None or pd.isna(value):
        return ""
    snapshot_id = int(value)
    return labels.get(snapshot_id, t("log.snapshot_gone", snapshot_id=snapshot_id))


def _actor_text(value: Any) -> str:
    # Entries written without a name keep it empty in the database; readers see that it was unsigned.
    if value is None or pd.isna(value) or not str(value).strip():
        return t("log.actor_unsigned")
    return str(value)


def table(raw: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """The entries with translated headers, action names and summaries, for the screen and the exports."""
    language = lang()
    return pd.DataFrame(
        {
            t("log.col.id"): raw["log_id"].astype(int),
            t("log.col.when"): pd.to_datetime(raw["logged_at"]).dt.floor("s"),
            t("log.col.actor"): [_actor_text(v) for v in raw["actor"]],
            t("log.col.action"): [action_label(a) for a in raw["action"]],
            t("log.col.snapshot"): [_snapshot_text(v, labels) for v in raw["snapshot_id"]],
            t("log.col.summary"): [
                summary_text(language, action, None if pd.isna(summary) else str(summary), details)
                for action, summary, details in zip(raw["action"], raw["summary"], raw["details"], strict=True)
            ],
            t("log.col.details"): [details_text(language, v) for v in raw["details"]],
        }
    )


def details(raw: pd.DataFrame, position: int) -> pd.DataFrame:
    """Everything recorded with the entry at a row position of `raw`, one labelled row per field, in the
    reader's language (the raw JSON stays in the database and the exports of the store)."""
    items = details_items(lang(), raw["details"].iloc[position])
    return pd.DataFrame(items, columns=[t("log.details.field"), t("log.details.value")])


def export_name(extension: str) -> str:
    return safe_filename(f"{t('log.file_prefix')}_{dt.date.today().isoformat()}.{extension}")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame_to_csv(frame)


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    return frame_to_xlsx(frame, t("log.sheet"), lang(), formats={t("log.col.when"): "yyyy-mm-dd hh:mm:ss"})
