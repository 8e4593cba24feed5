"""Saving a maturity self-assessment (`analytics.maturity_survey`): as a new snapshot, or in place.

- `save_as_snapshot`: a new snapshot holding every data table of the base snapshot unchanged and the
  assessment as its maturity rows, written by `store.snapshots.create_snapshot` (the normal
  crash-atomic write: invisible until complete; logged as an import). Same as-of date as the base.
- `replace_in_place`: the base snapshot's maturity rows replaced in one transaction, logged as
  `maturity_edit` with the rows before and after counted. Readers that cache by snapshot id must
  drop their maturity caches afterwards (the page does).
Both need the analyst role (the import's right).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store import decision_log
from store.db import transaction
from store.snapshots import DATA_TABLES, create_snapshot, get_snapshot, read_table
from store.users import Actor, require


def save_as_snapshot(con: duckdb.DuckDBPyConnection, base_id: int, rows: pd.DataFrame, *, label: str,
                     actor: Actor | str | None = None) -> int:
    """A new snapshot: the base's data with `rows` as its maturity assessment; returns its id."""
    actor = require(actor, "import")
    base = get_snapshot(con, base_id)
    frames = {table: read_table(con, table, base_id) for table in DATA_TABLES if table != "maturity"}
    frames["maturity"] = rows
    return create_snapshot(con, label=label.strip() or base.label, as_of=base.as_of, frames=frames, files=[],
                           currency_unit=base.currency_unit, actor=actor)


def replace_in_place(con: duckdb.DuckDBPyConnection, snapshot_id: int, rows: pd.DataFrame, *,
                     actor: Actor | str | None = None) -> None:
    """Replace a snapshot's maturity rows with `rows`, in one transaction, in the decision log."""
    actor = require(actor, "import")
    snapshot = get_snapshot(con, snapshot_id)
    before = int(con.execute("SELECT count(*) FROM maturity WHERE snapshot_id = ?", [snapshot_id]).fetchone()[0])
    data = rows.assign(snapshot_id=snapshot_id)
    with transaction(con):
        con.execute("DELETE FROM maturity WHERE snapshot_id = ?", [snapshot_id])
        con.register("_maturity_survey", data)
        try:
            con.execute("INSERT INTO maturity BY NAME SELECT * FROM _maturity_survey")
        finally:
            con.unregister("_maturity_survey")
        decision_log.append(con, "maturity_edit", actor=actor, snapshot_id=snapshot_id, summary=snapshot.label,
                            details={"rows_before": before, "rows_after": len(rows),
                                     "areas": sorted(set(map(str, rows["area"])))})
