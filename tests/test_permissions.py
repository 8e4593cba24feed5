"""Every write path of the store, called as each role: allowed exactly as docs/roles.md says, and a
refused call leaves the database as it was (no row, no log entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from i18n import error_text, translate
from store import decision_log, scenarios, snapshots, users, weights
from store.errors import PermissionDenied
from store.importer import import_paths
from store.users import Actor
from tests import report_helpers as h
from ui.text import md

VALID = Path(__file__).resolve().parent / "resources" / "valid"
ROLES = ("viewer", "analyst", "lead", "admin")


def actor(role: str | None) -> Actor:
    return Actor(email=f"{role or 'nobody'}@example.com", name=f"{role} user", role=role)


@pytest.fixture(scope="module")
def world_template(tmp_path_factory) -> tuple[Path, dict]:
    """A snapshot with a weight set and two scenarios (one recommended), and two admins; built once."""
    from store import db

    path = tmp_path_factory.mktemp("permissions") / "world.duckdb"
    con = db.connect(path)
    sid = h.make_snapshot(con)
    ids = {
        "sid": sid,
        "set_id": weights.save_weight_set(con, snapshot_id=sid, name="董事会", method="direct",
                                          weights={"O1": 0.5, "O2": 0.5}),
        "recommended": h.make_scenario(con, sid, "方案A", recommend=True),
        "other": h.make_scenario(con, sid, "方案B", recommend=False),
    }
    users.add_user(con, "boss@example.com", "admin")
    users.add_user(con, "second@example.com", "admin")
    con.execute("CHECKPOINT")
    con.close()
    return path, ids


@pytest.fixture
def world(world_template, tmp_path):
    """This test's own copy of the template database, open."""
    import shutil

    from store import db

    template, ids = world_template
    shutil.copyfile(template, tmp_path / "world.duckdb")
    con = db.connect(tmp_path / "world.duckdb")
    yield {"con": con, **ids}
    con.close()


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
    assert by_role["analyst"] == ["change_raise", "import", "mapping_profiles", "read", "snapshot_rename"]
    assert by_role["lead"] == ["change_decide", "change_raise", "gate_decide", "import", "mapping_profiles", "optimise",
                               "read", "recommend", "scenario_rename", "scenario_save", "snapshot_rename", "weights"]
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


# --- AppTest: each page as each role (team mode: an [auth] section in the secrets, st.user set) ----------

AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "lodestar", "client_secret": "s",
                 "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}}
ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "strategy", "optimiser", "scenarios", "delivery", "resources", "maturity", "data",
         "decision_log")


@pytest.fixture
def team_db(db_file, monkeypatch):
    """A database with one snapshot, a recommended scenario and one user per role (names = roles)."""
    from store import db

    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    monkeypatch.delenv(users.DEFAULT_ROLE_ENV, raising=False)
    con = db.connect(db_file)
    sid = h.make_snapshot(con, "团队快照")
    h.make_scenario(con, sid, "方案A", recommend=True)
    for role in ROLES:
        users.add_user(con, f"{role}@example.com", role, name=f"{role} user")
    con.close()
    yield db_file
    db.close_shared(db_file)


def _team_app(user: dict, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = AUTH
    at.user = user
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    return at


def _signed_in(role: str) -> dict:
    return {"is_logged_in": True, "email": f"{role}@example.com", "name": f"{role} user", "sub": role}


def _texts(at) -> str:
    """Every text the run drew (titles, markdown, captions, alerts, widget labels), for 'nothing of X shown'."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [e.label for e in at.button] + [str(o) for s in at.selectbox for o in s.options]
    return "\n".join(parts)


@pytest.mark.parametrize(("lang", "title", "button"), [("en", "Sign in to Lodestar", "Sign in"),
                                                        ("zh", "登录 Lodestar", "登录")])
def test_signed_out_sees_only_the_sign_in_page(team_db, lang, title, button):
    at = _team_app({"is_logged_in": False}, lang)
    assert [t.value for t in at.title] == [title]
    assert [b.label for b in at.button] == [button]
    assert len(at.sidebar.selectbox) == 0 and "团队快照" not in _texts(at) and "方案A" not in _texts(at)


def test_several_named_providers_get_a_button_each(team_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = {"auth": {"redirect_uri": AUTH["auth"]["redirect_uri"], "cookie_secret": "x" * 32,
                           "microsoft": {"client_id": "a", "client_secret": "b", "server_metadata_url": "u"},
                           "google": {"client_id": "c", "client_secret": "d", "server_metadata_url": "v"}}}
    at.user = {"is_logged_in": False}
    at.session_state["lang"] = "en"
    at.run()
    assert [b.label for b in at.button] == ["Sign in with Google", "Sign in with Microsoft"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_user_without_a_role_sees_who_the_admins_are(team_db, lang):
    at = _team_app({"is_logged_in": True, "email": "stranger@example.com", "name": "S"}, lang)
    assert [t.value for t in at.title] == [{"en": "You have no access yet", "zh": "您暂无访问权限"}[lang]]
    assert md("admin@example.com") in _texts(at)
    assert "团队快照" not in _texts(at) and len(at.sidebar.selectbox) == 0


def test_default_role_lets_a_stranger_read(team_db, monkeypatch):
    monkeypatch.setenv(users.DEFAULT_ROLE_ENV, "viewer")
    at = _team_app({"is_logged_in": True, "email": "stranger@example.com", "name": "S"})
    assert at.session_state["actor"] == Actor("stranger@example.com", "S", "viewer")
    assert "Role: Viewer" in [c.value for c in at.sidebar.caption]


def _on(at, page: str):
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, (page, at.exception)
    return at


def en(key: str) -> str:
    return translate("en", key)


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _uploader_disabled(at) -> bool:
    uploader = at.get("file_uploader")[0]
    return bool(uploader.proto.disabled)


@pytest.mark.parametrize("role", ROLES)
def test_each_page_as_each_role(team_db, role):
    at = _team_app(_signed_in(role))
    assert at.session_state["actor"] == Actor(f"{role}@example.com", f"{role} user", role)
    assert f"Signed in as {md(f'{role} user <{role}@example.com>')}" in [c.value for c in at.sidebar.caption]
    for page in PAGES:  # everyone reads every page
        _on(at, page)
        assert at.title, page
    rank = ROLES.index(role)
    _on(at, "data")
    assert _uploader_disabled(at) == (rank < 1)
    assert _button(at, en("data.snapshots.rename")).disabled == (rank < 1)
    assert _button(at, en("data.snapshots.delete")).disabled == (rank < 3)
    _on(at, "strategy")
    assert _button(at, en("strategy.save.button")).disabled == (rank < 2)
    _on(at, "optimiser")
    assert _button(at, en("optimiser.form.run")).disabled == (rank < 2)
    _on(at, "scenarios")
    assert any(b.label == en("scenarios.manage.recommend") for b in at.button) == (rank >= 2)
    assert _button(at, en("scenarios.manage.delete")).disabled == (rank < 3)
    if rank == 3:
        _on(at, "admin")
        assert at.error == [] and "lead@example.com" in list(at.dataframe[0].value.iloc[:, 0])
    else:  # not in the navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("views/admin.py")


@pytest.mark.parametrize("role", ["viewer", "analyst", "lead"])
def test_the_admin_page_itself_refuses_others(team_db, role):
    """Reached some other way than the navigation (which lists it only for admins), it still refuses."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "views" / "admin.py"), default_timeout=60)
    at.secrets = AUTH
    at.session_state["lang"] = "en"
    at.session_state["actor"] = actor(role)
    at.run()
    assert [e.value for e in at.error] == [
        "Not allowed: this needs the Admin role or higher. Ask an admin if you need it."]
    assert not at.dataframe and not at.text_input


def test_language_is_remembered_for_the_user(team_db):
    """A first sign-in keeps the browser's language for the user; a later session (a browser in
    another language) gets the user's own. (AppTest reruns only the page, not app.py, so changing
    it in the sidebar is covered by tests/browser/test_signin.py.)"""
    from store import db

    _team_app(_signed_in("lead"), "zh")
    assert users.language(db.cursor(team_db), "lead@example.com") == "zh"
    again = _team_app(_signed_in("lead"), "en")
    assert again.session_state["lang"] == "zh"
    assert again.title[0].value == translate("zh", "overview.title")
    other = _team_app(_signed_in("analyst"), "en")  # each user their own
    assert other.title[0].value == translate("en", "overview.title")


def test_in_team_mode_a_write_without_its_caller_is_refused(con):
    import contextvars

    sid = h.make_snapshot(con)

    def as_team_mode_run() -> None:
        users.require_named_actor(True)  # what ui.auth.gate does for each run in team mode
        snapshots.rename_snapshot(con, sid, "无名改名")

    with pytest.raises(PermissionDenied):
        contextvars.copy_context().run(as_team_mode_run)
    snapshots.rename_snapshot(con, sid, "本地改名")  # this context (local, CLI) is unchanged
    assert snapshots.get_snapshot(con, sid).label == "本地改名"


def test_an_unverified_email_is_not_taken_as_the_identity(team_db):
    at = _team_app({"is_logged_in": True, "email": "admin@example.com", "email_verified": False,
                    "sub": "opaque-123", "name": "Mallory"})
    assert [t.value for t in at.title] == ["You have no access yet"]
    assert md("opaque-123") in _texts(at)


def test_a_team_mode_run_leaves_the_test_process_in_local_mode(team_db, con):
    _team_app(_signed_in("viewer"))
    sid = h.make_snapshot(con)
    snapshots.rename_snapshot(con, sid, "改名")  # no actor: the local user, as on the command line
    assert decision_log.entries(con, limit=1).iloc[0]["actor_email"] == users.local_actor().email


def test_admin_page_adds_a_user_and_refuses_to_remove_the_last_admin(team_db):
    from store import db

    at = _on(_team_app(_signed_in("admin")), "admin")
    assert "Decision log: 7 signed entries checked, none changed or removed." in [c.value for c in at.main.caption]  # import, save, recommend, 4 users
    at.text_input(key="admin.email").input("New.Person@example.com")
    at.selectbox(key="admin.role").select("analyst")
    _button(at, en("auth.admin.add.submit")).click()
    at.run()
    assert not at.exception
    con = db.cursor(team_db)
    assert users.get_user(con, "new.person@example.com").role == "analyst"
    newest = decision_log.entries(con, limit=1).iloc[0]
    assert (newest["action"], newest["actor_email"]) == ("user_role", "admin@example.com")
    at.selectbox(key="admin.remove_email").select("admin@example.com")
    _button(at, en("auth.admin.remove.submit")).click()
    at.run()
    assert len(at.error) == 1 and at.error[0].value.endswith(
        "is the last admin and stays one: make someone else admin first.")  # (the email escaped for Markdown)
    assert users.admins(con) == ["admin@example.com"]


def test_a_sign_in_without_any_user_id_is_refused_in_words(team_db):
    at = _team_app({"is_logged_in": True, "name": "No Id"})
    assert len(at.error) == 1 and at.error[0].value.endswith(
        "is not a user id: give the email address the identity provider sends.")
    assert "团队快照" not in _texts(at) and len(at.sidebar.selectbox) == 0


def test_a_disabled_button_forced_anyway_is_refused_by_the_store(team_db):
    """A lead's Delete button is disabled; a session that reaches the confirm step anyway (a crafted
    message, stale state) still reaches the store, which refuses."""
    from store import db
    from ui.scenarios import CONFIRM_DELETE_KEY

    at = _on(_team_app(_signed_in("lead")), "scenarios")
    assert _button(at, en("scenarios.manage.delete")).disabled
    at.session_state[CONFIRM_DELETE_KEY] = int(scenarios.list_scenarios(db.cursor(team_db))["scenario_id"].iloc[0])
    at.run()
    _button(at, en("scenarios.manage.confirm")).click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [en("auth.permission_denied.admin")]
    assert len(scenarios.list_scenarios(db.cursor(team_db))) == 1


def test_an_auth_section_without_a_provider_says_what_is_missing(team_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = {"auth": {"redirect_uri": AUTH["auth"]["redirect_uri"], "cookie_secret": "x" * 32}}
    at.user = {"is_logged_in": False}
    at.session_state["lang"] = "en"
    at.run()
    assert [e.value for e in at.error] == [en("auth.signin.no_provider")] and not at.button


@pytest.mark.parametrize("role", ["viewer", "analyst", None])
def test_an_optimiser_run_is_refused_before_it_solves(con, role):
    """No data at all: the refusal must come before the solver would fail on it."""
    from store import optimiser_runs

    for call in (
        lambda: optimiser_runs.run_optimiser(con, None, h.params(), snapshot_id=1, actor=actor(role)),
        lambda: optimiser_runs.add_marginal_values(con, None, h.params(), None, snapshot_id=1, actor=actor(role)),
        lambda: optimiser_runs.add_frontier(con, None, h.params(), None, snapshot_id=1, actor=actor(role)),
        lambda: optimiser_runs.add_prices(con, None, h.params(), None, ["P1"], snapshot_id=1, actor=actor(role)),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert decision_log.entries(con).empty
