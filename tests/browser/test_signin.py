"""Team mode in a real browser against a real OpenID provider (oidc-provider-mock on 127.0.0.1).

The app runs from a temporary folder holding a copy of `.streamlit/config.toml` and a
`secrets.toml` whose `[auth]` section points at the provider, so Streamlit's own sign-in
(`st.login`) is what is tested. Users and roles are set in the database beforehand, as an admin
would with `cli.py users add`. The provider's login form takes the subject (here an email) typed in.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from store import db, snapshots, users
from tests.browser.conftest import PAGE_TIMEOUT_MS, _free_port, _python, _stop, _wait_healthy, require_browser
from tests.browser.streamlit_ui import TIMEOUT_MS, choose, error_texts, go_to, sidebar, wait_idle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "resources" / "valid"
PEOPLE = {  # email -> (display name the provider sends, role in Lodestar or None)
    "ana@example.com": ("Ana Analyst", "analyst"),
    "lee@example.com": ("Lee Lead", "lead"),
    "ada@example.com": ("Ada Admin", "admin"),
    "sam@example.com": ("Sam Stranger", None),
}
SCENARIO = "Baseline 基准"
RATIONALE = "Best value within capacity"


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """A real OpenID provider on a free port of 127.0.0.1; yields its base URL."""
    import httpx
    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server("127.0.0.1", _free_port(), oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        for email, (name, _) in PEOPLE.items():
            httpx.put(f"{base}/users/{email}", json={"email": email, "name": name}).raise_for_status()
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _prepare_database(template: Path, target: Path) -> dict:
    """A copy of the sample with a saved (not recommended) scenario and the users above."""
    shutil.copyfile(template, target)
    con = db.connect(target)
    try:
        latest = snapshots.latest_snapshot_id(con)
        snapshot = snapshots.get_snapshot(con, latest)
        label, as_of = snapshot.label, snapshot.as_of
        project_name = con.execute("SELECT name FROM projects WHERE snapshot_id = ? ORDER BY project_id LIMIT 1",
                                   [latest]).fetchone()[0]
        for email, (name, role) in PEOPLE.items():
            if role is not None:
                users.add_user(con, email, role, name=name)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    subprocess.run([_python(), "cli.py", "optimize", "--db", str(target), "--snapshot", str(latest),
                    "--save-as", SCENARIO, "--time-limit", "60"], cwd=ROOT, check=True, capture_output=True)
    return {"snapshot_label": label, "project_name": project_name,
            "snapshot_option": f"{label} · {as_of} (#{latest})"}


@pytest.fixture(scope="module")
def team_app(browser, sample_template_db, tmp_path_factory) -> Iterator[dict]:
    """The app in team mode on a prepared database; yields its URL and what the database holds."""
    require_browser()
    folder = tmp_path_factory.mktemp("team_app")
    facts = _prepare_database(sample_template_db, folder / "team.duckdb")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with oidc_provider() as provider:
        (folder / ".streamlit").mkdir()
        shutil.copyfile(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
        (folder / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "{url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "lodestar-tests"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        env = {**os.environ, "LODESTAR_DB": str(folder / "team.duckdb"), "PYTHONUNBUFFERED": "1"}
        env.pop(users.DEFAULT_ROLE_ENV, None)
        command = [_python(), str(ROOT / "cli.py"), "serve", "--", "--server.port", str(port),
                   "--server.headless", "true", "--server.fileWatcherType", "none"]
        log_file = folder / "streamlit.log"
        with log_file.open("wb") as log:
            process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            try:
                _wait_healthy(url, process, log_file)
                yield {"url": url, "db": folder / "team.duckdb", **facts}
            finally:
                _stop(process)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    yield ctx
    ctx.close()


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in", exact=True).click(timeout=TIMEOUT_MS)
    page.locator('input[name="sub"]').fill(email, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{url}/**", timeout=TIMEOUT_MS)


def _signed_in(page, email: str) -> None:
    name = PEOPLE[email][0]
    local, domain = email.split("@")
    shown = re.compile(f"^Signed in as {name} <{local}@\u2060?{re.escape(domain)}>$")  # (ui.text breaks autolinks)
    expect(sidebar(page).get_by_text(shown)).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(page)


def test_signed_out_sees_only_the_sign_in_page_and_no_data(team_app, context):
    page = context.new_page()
    page.goto(team_app["url"], wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Sign in to Lodestar")).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(page)
    source = page.content()
    for secret in (team_app["snapshot_label"], team_app["project_name"], SCENARIO, "ada@example.com"):
        assert secret not in source
    assert page.get_by_test_id("stSidebarNavLink").count() == 0
    page.goto(f"{team_app['url']}/data", wait_until="domcontentloaded")  # a deep link shows the same
    expect(page.get_by_role("heading", name="Sign in to Lodestar")).to_be_visible(timeout=TIMEOUT_MS)
    assert team_app["snapshot_label"] not in page.content()


def test_chinese_browser_gets_the_sign_in_page_in_chinese(team_app, browser):
    ctx = browser.new_context(locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(team_app["url"], wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="登录 Lodestar")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    finally:
        ctx.close()


def test_a_user_without_a_role_sees_the_no_access_page(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app["url"], "sam@example.com")
    expect(page.get_by_role("heading", name="You have no access yet")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"^ada@\u2060?example\.com$"))).to_be_visible()  # (ui.text breaks autolinks)
    assert team_app["snapshot_label"] not in page.content()
    assert page.get_by_test_id("stSidebarNavLink").count() == 0
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("button", name="End session", exact=True).click(timeout=TIMEOUT_MS)  # the provider's own page
    expect(page.get_by_role("heading", name="Sign in to Lodestar")).to_be_visible(timeout=TIMEOUT_MS)


def test_analyst_imports_but_cannot_recommend(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app["url"], "ana@example.com")
    _signed_in(page, "ana@example.com")
    go_to(page, "Scenarios")
    expect(page.get_by_role("heading", name="Manage a scenario")).to_be_visible(timeout=TIMEOUT_MS)
    assert page.get_by_role("button", name="Mark as recommended").count() == 0
    go_to(page, "Data")
    # files the sample database has not seen (re-uploading its own files is refused, naming them)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(sorted(str(f) for f in VALID.glob("*.csv")))
    wait_idle(page)
    expect(page.get_by_text("What was recognised", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    label = page.get_by_role("textbox", name="Snapshot label", exact=True)
    label.fill("Ana import")
    label.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Import snapshot", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("“Ana import” imported", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
    assert error_texts(page) == []
    assert sidebar(page).get_by_role("link", name="Admin").count() == 0


def test_lead_recommends_and_the_log_is_signed_with_the_leads_email(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app["url"], "lee@example.com")
    _signed_in(page, "lee@example.com")
    choose(page, "Snapshot", team_app["snapshot_option"], within=sidebar(page))  # not the analyst's import
    go_to(page, "Scenarios")
    page.get_by_role("textbox", name="Why this scenario is recommended", exact=True).fill(RATIONALE)
    page.get_by_role("button", name="Mark as recommended", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text(RATIONALE, exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    assert error_texts(page) == []
    go_to(page, "Decision log")
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV").get_by_role("button").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    recommend = [r for r in rows if r["What"] == "Recommendation"]
    assert recommend and recommend[0]["Who"] == "Lee Lead <lee@example.com>"


def test_language_choice_is_kept_for_the_next_sign_in(team_app, browser):
    for expected_heading in ("Portfolio overview", "组合总览"):
        ctx = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        ctx.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            page = ctx.new_page()
            _sign_in(page, team_app["url"], "ada@example.com")
            expect(page.get_by_role("heading", name=expected_heading).first).to_be_visible(timeout=TIMEOUT_MS)
            wait_idle(page)
            if expected_heading == "Portfolio overview":
                bar = sidebar(page)
                bar.get_by_role("combobox", name="Language", exact=True).click()
                page.get_by_role("option", name="简体中文", exact=True).click()
                wait_idle(page)
                expect(page.get_by_role("heading", name="组合总览").first).to_be_visible(timeout=TIMEOUT_MS)
        finally:
            ctx.close()
