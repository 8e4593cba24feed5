"""Two app servers share one PostgreSQL database (issue 17): a scenario saved in the browser on one
server appears on the other's Scenarios page, while the command line lists it beside both."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT
from tests.browser.streamlit_ui import TIMEOUT_MS, error_texts, go_to, open_app, wait_idle

pytestmark = pytest.mark.browser

NAME = "Shared plan 共享方案"


@pytest.fixture
def pg_sample(pg_cluster):
    from store.importer import load_sample
    from tests.pg import release

    target = pg_cluster.create()
    pg_cluster.copy_template("sample", load_sample, target)
    yield target
    release(target)


def test_a_scenario_saved_on_one_server_appears_on_the_other(start_app, pg_sample, browser):
    with start_app(str(pg_sample)) as first, start_app(str(pg_sample)) as second:
        saving = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        page = saving.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        open_app(page, first)
        go_to(page, "Optimiser")
        page.get_by_role("spinbutton", name="Total budget over the horizon", exact=True).fill("6000")
        page.get_by_role("button", name="Optimise", exact=True).click()
        wait_idle(page)
        page.get_by_role("textbox", name="Scenario name", exact=True).fill(NAME)
        page.get_by_role("button", name="Save scenario", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text(f"Saved as “{NAME}”", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
        saving.close()

        reading = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        other = reading.new_page()
        other.set_default_timeout(TIMEOUT_MS)
        open_app(other, second)
        go_to(other, "Scenarios")
        picked = other.get_by_role("combobox", name="Scenario", exact=True)  # the newest scenario is picked first
        expect(picked).to_have_value(re.compile(re.escape(NAME)), timeout=TIMEOUT_MS)
        assert error_texts(other) == []
        reading.close()

        # the command line, beside both running servers (no "in use by another program")
        listed = subprocess.run([sys.executable, "cli.py", "snapshots", "--db", str(pg_sample), "--json"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 6
