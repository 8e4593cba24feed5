"""Every write path of the store, called as each role: allowed exactly as docs/roles.md says, and a
refused call leaves the database as it was (no row, no log entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from i18n import error_text
from store import decision_log, scenarios, snapshots, users, weights
from store.errors import PermissionDenied
from store.importer import import_paths
from store.users import Actor
from tests import report_helpers as h

VALID = Path(__file__).resolve().parent / "resources" / "valid"
ROLES = ("viewer", "analyst", "lead", "admin")


def actor(role: str | None) -> Actor:
    return Actor(email=f"{role or 'nobody'}@example.com", name=f"{role} user", role=role)


@pytest.fixture
def world(con):
    """A snapshot with a weight set and two scenarios (one recommended), and a second admin."""
    sid = h.make_snapshot(con)
    set_id = weights.save_weight_set(con, snapshot_id=sid, name="董事会", method="direct",
                                     weights={"O1": 0.5, "O2": 0.5})
    recommended = h.make_scenario(con, sid, "方案A", recommend=True)
    other = h.make_scenario(con, sid, "方案B", recommend=False)
    users.add_user(con, "boss@example.com", "admin")
    users.add_user(con, "second@example.com", "admin")
    return {"con": con, "sid": sid, "set_id": set_id, "recommended": recommended, "other": other}


# Each write path: (name, least role, call(world, actor)).
WRITES = [
    ("import", "analyst",
     lambda w, a: import_paths(w["con"], [VALID], label="新快照", actor=a)),
    ("snapshot_rename", "analyst",
     lambda w, a: snapshots.rename_snapshot(w["con"], w["sid"], "改名", actor=a)),
    ("snapshot_delete", "admin",
     lambda w, a: snapshots.delete_snapshot(w["con"], w["sid"], actor=a)),
    ("weights_save", "lead",
     lambda w, a: weights.save_weight_set(w["con"], snapshot_id=w["sid"], name="新权重", method="direct",
                                          weights={"O1": 0.7, "O2": 0.3}, actor=a)),
    ("weights_activate", "lead",
     lambda w, a: weights.activate_weight_set(w["con"], w["set_id"], actor=a)),
    ("weights_delete", "lead",
     lambda w, a: weights.delete_weight_set(w["con"], w["set_id"], actor=a)),
    ("optimise_logged", "lead",
     lambda w, a: scenarios.log_solve(w["con"], snapshot_id=w["sid"], params=h.params(), result=h.result(), actor=a)),
    ("analysis_logged", "lead",
     lambda w, a: scenarios.log_analysis(w["con"], "frontier", snapshot_id=w["sid"], params=h.params(),
                                         summary="3 points", details={}, seconds=1.0, actor=a)),
    ("scenario_save", "lead",
     lambda w, a: scenarios.save_scenario(w["con"], snapshot_id=w["sid"], name="方案C", params=h.params(),
                                          payload=h.payload(), actor=a)),
    ("scenario_rename", "lead",
     lambda w, a: scenarios.rename_scenario(w["con"], w["other"], "方案B2", actor=a)),
    ("recommend", "lead",
     lambda w, a: scenarios.recommend_scenario(w["con"], w["other"], "更稳妥", actor=a)),
    ("recommend_withdraw", "lead",
     lambda w, a: scenarios.clear_recommendation(w["con"], w["sid"], actor=a)),
    ("scenario_delete", "admin",
     lambda w, a: scenarios.delete_scenario(w["con"], w["other"], actor=a)),
    ("user_add", "admin",
     lambda w, a: users.add_user(w["con"], "new@example.com", "viewer", actor=a)),
    ("user_remove", "admin",
     lambda w, a: users.remove_user(w["con"], "boss@example.com", actor=a)),
]


def _state(con) -> tuple:
    """Everything a write may change, to compare before and after a refused call."""
    return tuple(
        con.execute(sql).fetchall()
        for sql in (
            "SELECT snapshot_id, label FROM snapshots ORDER BY 1",
            "SELECT weight_set_id, name, is_active FROM weight_sets ORDER BY 1",
            "SELECT scenario_id, name, is_recommended FROM scenarios ORDER BY 1",
            "SELECT email, role FROM users ORDER BY 1",
            "SELECT count(*) FROM decision_log",
        )
    )


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize(("name", "least", "call"), WRITES, ids=[w[0] for w in WRITES])
def test_each_write_path_as_each_role(world, name, least, call, role):
    con = world["con"]
    before = _state(con)
    allowed = role is not None and ROLES.index(role) >= ROLES.index(least)
    if allowed:
        call(world, actor(role))
        assert _state(con) != before
        newest = decision_log.entries(con, limit=1).iloc[0]
        assert (newest["actor_email"], newest["actor_name"]) == (f"{role}@example.com", f"{role} user")
    else:
        with pytest.raises(PermissionDenied) as refused:
            call(world, actor(role))
        assert refused.value.params["needed"] == least
        assert _state(con) == before


def test_the_role_table_is_the_documented_one():
    assert users.ROLES == ROLES
    by_role = {role: sorted(a for a in users.ACTIONS if users.can(role, a)) for role in ROLES}
    assert by_role["viewer"] == ["read"]
    assert by_role["analyst"] == ["import", "mapping_profiles", "read", "snapshot_rename"]
    assert by_role["lead"] == ["import", "mapping_profiles", "optimise", "read", "recommend", "scenario_rename",
                               "scenario_save", "snapshot_rename", "weights"]
    assert sorted(by_role["admin"]) == sorted(users.ACTIONS)
    assert not any(users.can(None, a) for a in users.ACTIONS)


def test_refusal_is_translated_with_the_role_needed():
    with pytest.raises(PermissionDenied) as refused:
        users.require(actor("analyst"), "recommend")
    assert error_text("en", refused.value) == (
        "Not allowed: this needs the PMO lead role or higher. Ask an admin if you need it.")
    assert error_text("zh", refused.value) == "无权执行此操作：需要“PMO 负责人”或更高的角色。如有需要，请联系管理员。"


def test_no_actor_is_the_local_user_with_every_right(con):
    sid = h.make_snapshot(con)
    snapshots.rename_snapshot(con, sid, "本地改名")
    local = users.local_actor()
    newest = decision_log.entries(con, limit=1).iloc[0]
    assert local.local and local.role == "admin"
    assert (newest["actor_email"], newest["actor"]) == (local.email, local.label)


def test_a_refused_import_does_not_even_read_the_files(con, tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(PermissionDenied):
        import_paths(con, [missing], label="x", actor=actor("viewer"))
