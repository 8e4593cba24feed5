"""Browser fixtures: the real app (`streamlit run app.py`) on a copy of a database, driven by
Playwright in Debian's Chromium (never a downloaded browser).

- `app_url`: the app on a private copy of the sample database (six snapshots), one per test module.
- `empty_app_url`: the app on a fresh, empty database, one per test.
- `read_only_empty_app_url`: the same, one per test module, for tests that only look (no upload, no save).
- `start_app(db_path, warm=True)`: a context manager for any other database (yields the URL).
- `page`: a fresh browser context and page per test (English locale, 1400x1000, 60 s timeouts).

Tests here are marked `@pytest.mark.browser`. Without Chromium they skip with a clear message,
unless `LODESTAR_REQUIRE_BROWSER=1` (CI), where they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LODESTAR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 180  # a cold first start on a busy two-core machine is slow
PAGE_TIMEOUT_MS = 60_000


def require_browser() -> None:
    """Skip (or fail under LODESTAR_REQUIRE_BROWSER=1) when no Chromium is installed."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = (
        f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk; "
        "`.ci/run` does it); set LODESTAR_CHROMIUM to use another path"
    )
    if os.environ.get("LODESTAR_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _log_tail(log_file: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_healthy(url: str, process: subprocess.Popen, log_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{_log_tail(log_file)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s:\n{_log_tail(log_file)}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextlib.contextmanager
def run_app(db_path: Path, log_dir: Path) -> Iterator[str]:
    """Run the app as `make run` starts it (`cli.py serve`, i.e. `streamlit run app.py` with the pages'
    modules loaded first) on a free port with LODESTAR_DB=db_path; yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LODESTAR_DB": str(db_path), "PYTHONUNBUFFERED": "1"}
    command = [
        _python(), "cli.py", "serve", "--",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]
    log_file = log_dir / f"streamlit-{port}.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            _wait_healthy(url, process, log_file)
            yield url
        finally:
            _stop(process)


def warm_up(browser, url: str) -> None:
    """Open the app once in a throwaway session and let its first run finish.

    The first run of a fresh server pays for imports; tests about something else start after it, and
    test_first_session_after_start_* covers the cold path on purpose (warm=False).
    """
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=STARTUP_TIMEOUT_S * 1000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                               timeout=STARTUP_TIMEOUT_S * 1000)
        page.get_by_test_id("stSidebarNavLink").first.wait_for(timeout=STARTUP_TIMEOUT_S * 1000)
    finally:
        context.close()


@pytest.fixture(scope="session")
def start_app(browser, tmp_path_factory: pytest.TempPathFactory):
    """`with start_app(db_path) as url:` runs the app on that database for the block
    (warmed up unless `warm=False`)."""
    log_dir = tmp_path_factory.mktemp("streamlit_logs")

    @contextlib.contextmanager
    def start(db_path: Path, *, warm: bool = True) -> Iterator[str]:
        with run_app(db_path, log_dir) as url:
            if warm:
                warm_up(browser, url)
            yield url

    return start


@pytest.fixture(scope="module")
def app_url(start_app, sample_template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a private copy of the sample database, shared by the tests of one module."""
    require_browser()
    db_path = tmp_path_factory.mktemp("app_db") / "sample.duckdb"
    shutil.copyfile(sample_template_db, db_path)
    with start_app(db_path) as url:
        yield url


@pytest.fixture
def empty_app_url(start_app, tmp_path: Path) -> Iterator[str]:
    """The app on a brand-new empty database (created and migrated by the app itself)."""
    require_browser()
    with start_app(tmp_path / "empty.duckdb") as url:
        yield url


@pytest.fixture(scope="module")
def read_only_empty_app_url(start_app, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on an empty database shared by a module's tests that write nothing (one server start, not one
    per test)."""
    require_browser()
    with start_app(tmp_path_factory.mktemp("empty_app") / "empty.duckdb") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (headless, system binary, no network side traffic)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh context (English browser locale, no stored state) and page for one test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
