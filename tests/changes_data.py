"""A hand-made portfolio for change control (tests/test_changes.py works its figures by hand).

As of 2026-03-31. P1 active 2026-01 for 6 months, budget 100, 1 dev FTE a month; P2 approved 2026-03 for
4 months, budget 50, 1 dev FTE a month; P3 proposed. Capacity: 1.5 dev FTE a month in 2026.
Imported change requests: CR-1 (P1, +10, +1 month, approved 2026-02-15), CR-2 (P1, +20, +2 months,
submitted), CR-3 (P2, +5, rejected).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.months import month_range

D = dt.date

PROJECTS = pd.DataFrame([
    {"project_id": "P1", "name": "ERP", "status": "active", "start_month": D(2026, 1, 1), "duration_months": 6,
     "budget": 100.0},
    {"project_id": "P2", "name": "CRM", "status": "approved", "start_month": D(2026, 3, 1), "duration_months": 4,
     "budget": 50.0},
    {"project_id": "P3", "name": "BI", "status": "proposed", "start_month": D(2026, 2, 1), "duration_months": 3,
     "budget": 30.0},
])
DEMAND = pd.DataFrame(
    [("P1", "dev", k, 1.0) for k in range(6)] + [("P2", "dev", k, 1.0) for k in range(4)]
    + [("P3", "dev", k, 1.0) for k in range(3)],
    columns=["project_id", "role", "month_offset", "fte"],
)
CAPACITY = pd.DataFrame([{"role": "dev", "month": D(2026, m, 1), "capacity_fte": 1.5} for m in range(1, 13)])
CHANGES = pd.DataFrame([
    {"cr_id": "CR-1", "project_id": "P1", "raised_on": D(2026, 2, 1), "title": "More reports", "budget_delta": 10.0,
     "schedule_delta_months": 1, "scope_change": "two reports", "status": "approved", "decided_on": D(2026, 2, 15),
     "decided_by": "CCB"},
    {"cr_id": "CR-2", "project_id": "P1", "raised_on": D(2026, 3, 10), "title": "New module", "budget_delta": 20.0,
     "schedule_delta_months": 2, "scope_change": None, "status": "submitted", "decided_on": None, "decided_by": None},
    {"cr_id": "CR-3", "project_id": "P2", "raised_on": D(2026, 3, 1), "title": "Extra site", "budget_delta": 5.0,
     "schedule_delta_months": 0, "scope_change": None, "status": "rejected", "decided_on": D(2026, 3, 5),
     "decided_by": "CCB"},
])
AS_OF = D(2026, 3, 31)
HORIZON = month_range("2026-03", "2026-12")


def write(con, *, label: str = "2026-03", as_of: dt.date = AS_OF, changes: pd.DataFrame | None = CHANGES) -> int:
    from store.snapshots import create_snapshot

    frames = {"projects": PROJECTS, "demand": DEMAND, "capacity": CAPACITY}
    if changes is not None:
        frames["change_requests"] = changes
    return create_snapshot(con, label=label, as_of=as_of, files=[], frames=frames)
