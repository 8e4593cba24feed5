"""What bench/scale.py and bench/team.py share: generated portfolios, a real server, page readiness.

- `portfolio_folders(size)`: a generated bundle of `size` projects (data.generate, lifecycle mix,
  24 months, two month-end snapshots, all nine tables, plain CSV), written once to bench/out/.
- `portfolio_db(root, size)`: that bundle imported by the `cli.py import` of the code at `root`
  (the tree being measured, or a baseline worktree), cached per commit of `root`.
- `serve(root, db)`: `streamlit run app.py` of `root` on a free port (the browser tests' start and stop).
- `open_page` / `click_page`: open a page in a Playwright (async) page and wait until it is ready:
  the script run has ended, the page's title is drawn and every Plotly chart has drawn its SVG.
- `tree_rss_mb(pid)`: resident memory of the server and its children (e.g. the upload check worker).

Numbers are wall-clock seconds seen by the browser, from the navigation to "ready".
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _stop, _wait_healthy  # noqa: E402
from tests.browser.streamlit_ui import IDLE  # noqa: E402

READY_MS = 180_000
MONTHS = 24
SNAPSHOTS = 2
# Every chart on the page has drawn (Plotly puts its SVG in .main-svg once it has laid out).
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector('.main-svg'))"""
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def pages() -> list[tuple[str, str]]:
    """(url path, English navigation title) of every page the router shows, in its order."""
    from app import PAGES
    from i18n import translate

    return [(Path(file).stem, translate("en", title_key)) for _, file, title_key, _ in PAGES]


def page_paths(root: Path) -> set[str]:
    """The url paths of the pages `root`'s router shows (read from its app.py, not imported)."""
    return set(re.findall(r'"views/(\w+)\.py"', (root / "app.py").read_text(encoding="utf-8")))


def commit_of(root: Path) -> str:
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return out.stdout.strip() + ("+" if dirty else "")


def portfolio_folders(size: int) -> list[Path]:
    """The generated bundle of `size` projects (made once, then reused)."""
    target = OUT / f"scale_{size}"
    found = sorted(p for p in target.glob("0*_*") if p.is_dir())
    if len(found) == SNAPSHOTS:
        return found
    command = [sys.executable, "-m", "data.generate", "--projects", str(size), "--months", str(MONTHS),
               "--snapshots", str(SNAPSHOTS), "--plain", "--out", str(target)]
    print("generating:", " ".join(command[1:]), flush=True)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return sorted(p for p in target.glob("0*_*") if p.is_dir())


def portfolio_db(root: Path, size: int) -> Path:
    """The portfolio imported by `root`'s own code into a DuckDB file (cached per commit and size)."""
    commit = commit_of(root).rstrip("+")
    path = OUT / "db" / f"scale_{size}_{commit}.duckdb"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    for folder in portfolio_folders(size):
        meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
        subprocess.run([str(root / ".venv" / "bin" / "python"), "cli.py", "import", "--db", str(partial),
                        "--label", meta["label"], "--as-of", meta["as_of"], str(folder)],
                       cwd=root, check=True, stdout=subprocess.DEVNULL)
    Path(str(partial) + ".wal").unlink(missing_ok=True)
    partial.rename(path)
    return path


@contextlib.contextmanager
def serve(root: Path, db_path: Path, log_dir: Path | None = None) -> Iterator[tuple[str, int]]:
    """`streamlit run app.py` of `root` on a private copy of `db_path`; yields (URL, server pid)."""
    log_dir = log_dir or OUT / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    work = log_dir / f"serve_{os.getpid()}.duckdb"
    work.write_bytes(db_path.read_bytes())
    Path(str(work) + ".wal").unlink(missing_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LODESTAR_DB": str(work), "PYTHONUNBUFFERED": "1"}
    command = launch_command(root, port)
    log_file = log_dir / f"streamlit-{port}.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            _wait_healthy(url, process, log_file)
            yield url, process.pid
        finally:
            _stop(process)
            work.unlink(missing_ok=True)
            Path(str(work) + ".wal").unlink(missing_ok=True)


def launch_command(root: Path, port: int) -> list[str]:
    """How `root` starts its server, the way `make run` does: `cli.py serve` (modules loaded before the first
    visit) where the tree has it, else `streamlit run app.py`. LODESTAR_BENCH_LAUNCH=streamlit forces the
    latter, to measure what `cli.py serve` saves."""
    python = str(root / ".venv" / "bin" / "python")
    options = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    if (root / "commands" / "serve.py").exists() and os.environ.get("LODESTAR_BENCH_LAUNCH") != "streamlit":
        return [python, "cli.py", "serve", "--", *options]
    return [python, "-m", "streamlit", "run", "app.py", *options]


async def launch(playwright):
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


async def new_page(browser):
    context = await browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(READY_MS)
    return context, await context.new_page()


async def _ready(page, title: str | None = None) -> None:
    """Wait for the end of the run, the page's heading and every chart drawn."""
    main_h1 = page.get_by_test_id("stMain").locator("h1").first
    await main_h1.wait_for(timeout=READY_MS)
    await page.wait_for_selector(IDLE, timeout=READY_MS)
    if title is not None:
        await page.get_by_test_id("stSidebar").get_by_test_id("stSidebarNavLink").filter(
            has=page.get_by_text(title, exact=True)).first.wait_for(timeout=READY_MS)
    await page.wait_for_function(CHARTS_DRAWN, timeout=READY_MS)


async def open_page(page, url: str, path: str) -> float:
    """Open one page by its URL in this (fresh) browser page: seconds until ready."""
    landing = pages()[0][0]  # the router serves the first page at "/", not under its name
    start = time.perf_counter()
    await page.goto(f"{url}/{'' if path == landing else path}", wait_until="domcontentloaded", timeout=READY_MS)
    await page.get_by_test_id("stSidebar").wait_for(timeout=READY_MS)
    await _ready(page)
    return time.perf_counter() - start


async def click_page(page, title: str) -> float:
    """Follow the sidebar link `title` in this session: seconds until the new page is ready."""
    link = page.get_by_test_id("stSidebar").get_by_test_id("stSidebarNavLink").filter(
        has=page.get_by_text(title, exact=True)).first
    heading = page.get_by_test_id("stMain").locator("h1").first
    before = await heading.inner_text() if await heading.count() else None
    start = time.perf_counter()
    await link.click()
    await page.wait_for_function(
        """([before]) => { const h = document.querySelector('[data-testid="stMain"] h1');
                           return h && h.innerText !== before; }""", arg=[before], timeout=READY_MS)
    await page.wait_for_selector(f'{IDLE}', timeout=READY_MS)
    await page.wait_for_function(CHARTS_DRAWN, timeout=READY_MS)
    return time.perf_counter() - start


async def error_count(page) -> int:
    return await page.locator(ERRORS).count()


def tree_rss_mb(pid: int) -> float:
    """Resident memory (MB) of process `pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        child = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(child)
        rss[child] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024 if "VmRSS" in fields else 0.0
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0.0)
        stack.extend(children.get(current, []))
    return total


def peak_rss_mb(pid: int) -> float:
    """The server process's own peak resident memory (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p90(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def save(name: str, payload: dict) -> Path:
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return path
