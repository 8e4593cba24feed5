"""Users and roles (store/users.py), `cli.py users`, and the signed, append-only decision log."""

from __future__ import annotations

import json

import pytest

import cli
from store import db, decision_log, users
from store.errors import ConstraintViolation, LastAdminError, LogTampered, NotFound, PermissionDenied
from store.users import Actor, InvalidRole, InvalidUser

ADMIN = Actor("admin@example.com", "Ada Admin", "admin")


# --- the users table ---------------------------------------------------------------------------------


def test_add_change_and_list_users(con):
    users.add_user(con, "  Li.Lead@Example.com ", "lead", name="李经理")
    users.add_user(con, "ada@example.com", "admin")
    users.add_user(con, "li.lead@example.com", "viewer", actor=ADMIN)  # a new role for the same person
    listed = users.list_users(con)
    assert [(u["email"], u["name"], u["role"]) for u in listed] == [
        ("ada@example.com", None, "admin"), ("li.lead@example.com", "李经理", "viewer")]
    assert listed[1]["added_by"] == users.local_actor().email  # the first add; a role change keeps it
    assert users.admins(con) == ["ada@example.com"]


# duckdb_only here: refused in Python (normalise_email, check_role, require) before any SQL runs.
@pytest.mark.duckdb_only
@pytest.mark.parametrize("email", ["", "   ", "two words@example.com", "x" * 321])
def test_a_user_id_must_be_one_word(con, email):
    with pytest.raises(InvalidUser):
        users.add_user(con, email, "viewer")


@pytest.mark.duckdb_only
def test_an_unknown_role_is_refused(con):
    with pytest.raises(InvalidRole):
        users.add_user(con, "a@example.com", "owner")


def test_the_last_admin_can_be_neither_removed_nor_demoted(con):
    users.add_user(con, "ada@example.com", "admin")
    with pytest.raises(LastAdminError):
        users.remove_user(con, "ada@example.com", actor=ADMIN)
    with pytest.raises(LastAdminError):
        users.add_user(con, "ada@example.com", "lead", actor=ADMIN)
    assert users.get_user(con, "ada@example.com").role == "admin"
    users.add_user(con, "bo@example.com", "admin", actor=ADMIN)
    users.remove_user(con, "ada@example.com", actor=ADMIN)
    assert users.admins(con) == ["bo@example.com"]


def test_removing_an_unknown_user_is_refused(con):
    with pytest.raises(NotFound):
        users.remove_user(con, "ghost@example.com")


def test_actor_for_a_signed_in_user(con, monkeypatch):
    monkeypatch.delenv(users.DEFAULT_ROLE_ENV, raising=False)
    users.add_user(con, "an@example.com", "analyst", name="Old Name")
    assert users.actor_for(con, "AN@example.com", "安娜") == Actor("an@example.com", "安娜", "analyst")
    assert users.actor_for(con, "an@example.com") == Actor("an@example.com", "Old Name", "analyst")
    assert users.actor_for(con, "stranger@example.com", "S").role is None


# duckdb_only: the default role comes from the environment; the lookup before it runs on PostgreSQL above.
@pytest.mark.duckdb_only
@pytest.mark.parametrize(("value", "role"), [("viewer", "viewer"), ("VIEWER ", "viewer"), ("owner", None), ("", None)])
def test_default_role_grants_everyone_who_signs_in(con, monkeypatch, value, role):
    monkeypatch.setenv(users.DEFAULT_ROLE_ENV, value)
    assert users.actor_for(con, "stranger@example.com", "S").role == role


def test_a_stored_role_wins_over_the_default(con, monkeypatch):
    monkeypatch.setenv(users.DEFAULT_ROLE_ENV, "viewer")
    users.add_user(con, "le@example.com", "lead")
    assert users.actor_for(con, "le@example.com").role == "lead"


def test_language_is_a_per_user_preference(con):
    assert users.language(con, "a@example.com") is None
    users.set_language(con, "a@example.com", "en")
    users.set_language(con, "b@example.com", "zh")
    users.set_language(con, "A@example.com", "zh")
    assert (users.language(con, "a@example.com"), users.language(con, "b@example.com")) == ("zh", "zh")


def test_remember_name_keeps_the_providers_display_name(con):
    users.add_user(con, "a@example.com", "viewer", name="A")
    users.remember_name(con, "a@example.com", "Anna Zhang")
    assert users.get_user(con, "a@example.com").name == "Anna Zhang"


def test_user_changes_are_logged_and_signed(con):
    users.add_user(con, "ada@example.com", "admin", actor=ADMIN)
    users.add_user(con, "bo@example.com", "lead", actor=ADMIN)
    users.remove_user(con, "bo@example.com", actor=ADMIN)
    log = decision_log.entries(con)
    assert list(log["action"]) == ["user_remove", "user_role", "user_role"]
    assert set(log["actor_email"]) == {"admin@example.com"} and set(log["actor"]) == {"Ada Admin <admin@example.com>"}
    assert json.loads(log["details"].iloc[1]) == {"email": "bo@example.com", "from": None, "to": "lead"}


def test_a_non_admin_cannot_manage_users(con):
    with pytest.raises(PermissionDenied):
        users.add_user(con, "me@example.com", "admin", actor=Actor("me@example.com", "Me", "lead"))
    assert users.list_users(con) == []


# --- cli.py users ------------------------------------------------------------------------------------


def test_cli_add_list_remove(db_file, capsys):
    assert cli.main(["users", "add", "Ada@Example.com", "--role", "admin", "--db", str(db_file)]) == 0
    assert cli.main(["users", "add", "li@example.com", "--role", "lead", "--name", "李", "--db", str(db_file)]) == 0
    capsys.readouterr()
    assert cli.main(["users", "list", "--json", "--db", str(db_file)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["email"], u["name"], u["role"]) for u in listed] == [
        ("ada@example.com", None, "admin"), ("li@example.com", "李", "lead")]
    assert cli.main(["users", "remove", "li@example.com", "--db", str(db_file)]) == 0
    assert "li@example.com was removed." in capsys.readouterr().err
    assert cli.main(["users", "list", "--db", str(db_file)]) == 0
    assert capsys.readouterr().out == "admin    ada@example.com\n"


def test_cli_refuses_the_last_admin_and_a_bad_role_with_status_2(db_file, capsys):
    assert cli.main(["users", "add", "ada@example.com", "--role", "admin", "--db", str(db_file)]) == 0
    assert cli.main(["users", "remove", "ada@example.com", "--db", str(db_file)]) == 2
    assert "ada@example.com is the last admin" in capsys.readouterr().err
    assert cli.main(["users", "add", "bo@example.com", "--role", "boss", "--lang", "zh", "--db", str(db_file)]) == 2
    assert "未知角色“boss”" in capsys.readouterr().err
    assert cli.main(["users", "remove", "nobody@example.com", "--db", str(db_file)]) == 2


def test_cli_list_of_a_missing_database_is_refused(tmp_path):
    assert cli.main(["users", "list", "--db", str(tmp_path / "none.duckdb")]) == 2


# --- the decision log: signed and append-only -----------------------------------------------------------


def _three_entries(con) -> list[int]:
    return [decision_log.append(con, "import", actor=ADMIN, snapshot_id=1, summary="one", details={"n": 1}),
            decision_log.append(con, "optimize", actor=Actor("l@example.com", "李", "lead"), summary="二",
                                details={"中文": "值"}),
            decision_log.append(con, "recommend", summary="three")]


def test_entries_are_signed_by_the_actor_and_the_chain_verifies(con):
    ids = _three_entries(con)
    log = decision_log.entries(con).sort_values("log_id")
    assert list(log["log_id"]) == ids
    assert list(log["actor_email"]) == ["admin@example.com", "l@example.com", users.local_actor().email]
    assert list(log["actor_name"]) == ["Ada Admin", "李", users.local_actor().name]
    assert decision_log.verify(con) == 3


def test_the_store_offers_no_way_to_change_or_remove_an_entry():
    public = {name for name in dir(decision_log) if not name.startswith("_")}
    assert not {n for n in public if any(w in n for w in ("update", "delete", "remove", "edit", "clear"))}


@pytest.mark.parametrize(("sql", "broken"), [
    ("UPDATE decision_log SET summary = 'forged' WHERE log_id = {second}", "second"),
    ("UPDATE decision_log SET actor_email = 'someone@example.com' WHERE log_id = {first}", "first"),
    ("UPDATE decision_log SET details = '{{\"n\": 2}}' WHERE log_id = {first}", "first"),
    ("DELETE FROM decision_log WHERE log_id = {second}", "third"),
    ("DELETE FROM decision_log WHERE log_id = {first}", "second"),
])
def test_an_entry_changed_or_removed_with_sql_is_detected(con, sql, broken):
    first, second, third = _three_entries(con)
    con.execute(sql.format(first=first, second=second))
    with pytest.raises(LogTampered) as found:
        decision_log.verify(con)
    assert found.value.params["log_id"] == {"first": first, "second": second, "third": third}[broken]


def test_a_second_entry_after_the_same_one_is_refused_by_the_database(con):
    first, *_ = _three_entries(con)
    head = con.execute("SELECT entry_hash FROM decision_log ORDER BY log_id DESC LIMIT 1").fetchone()[0]
    with pytest.raises(ConstraintViolation):  # DuckDB's constraint error, as store.db translates it
        con.execute("INSERT INTO decision_log (action, prev_hash, entry_hash) VALUES ('forged', ?, 'x')",
                    [con.execute("SELECT prev_hash FROM decision_log WHERE log_id = ?", [first]).fetchone()[0]])
    assert decision_log.verify(con) == 3 and head


def test_entries_from_before_the_chain_are_skipped_but_not_after(db_file):
    con = db.connect(db_file)
    con.execute("INSERT INTO decision_log (actor, action) VALUES ('typed name', 'import')")  # as before 050
    _three_entries(con)
    assert decision_log.verify(con) == 3
    con.execute("INSERT INTO decision_log (actor, action) VALUES ('sneaked in', 'recommend')")
    with pytest.raises(LogTampered):
        decision_log.verify(con)
    con.close()


def test_cli_verify_log(db_file, capsys):
    con = db.connect(db_file)
    first, *_ = _three_entries(con)
    con.close()
    assert cli.main(["verify-log", "--json", "--db", str(db_file)]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "checked": 3}
    con = db.connect(db_file)
    con.execute("UPDATE decision_log SET summary = 'forged' WHERE log_id = ?", [first])
    con.close()
    assert cli.main(["verify-log", "--json", "--lang", "zh", "--db", str(db_file)]) == 2
    out = capsys.readouterr()
    assert json.loads(out.out) == {"ok": False, "log_id": first}
    assert f"第 {first} 条与签名链不符" in out.err
