"""A team at once: 8 browser sessions reading the pages of a 2,500-project portfolio, against one alone.

    .venv/bin/python bench/team.py --baseline /tmp/h18base       # a baseline tree and this one, same run
    .venv/bin/python bench/team.py --baseline bench/out/team_929f5ff.json
    .venv/bin/python bench/team.py --sessions 4 --size 60          # a quick look

One `streamlit run app.py` (bench/harness.py) on the generated portfolio, one Chromium; three phases:

  alone    one session opens every page in turn through the sidebar, reading each for `--read` s
  team     `--sessions` sessions do the same at once (each starts at another page, 0.5 s apart)
  import   the same sessions while one more session imports a further snapshot on the Data page
           (upload, check, import: 9 files, 2,500 projects)

"Page ready" is the time from the click to the end of the run with every chart drawn. Printed per
phase: median, p90 and slowest page, errors (error boxes, exceptions, pages never ready), the
median's ratio to one session alone in the same run, and the app's resident memory (server and its
children, sampled every 0.5 s; the peak). `--baseline` is a tree measured the same way in the same
run, or the JSON file an earlier run saved; both print side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

IMPORT_SEED = 11  # another portfolio than the one served, so the import is not a duplicate


def import_folder(size: int) -> Path:
    target = harness.OUT / f"team_import_{size}"
    found = sorted(p for p in target.glob("0*_*") if p.is_dir())
    if found:
        return found[0]
    subprocess.run([sys.executable, "-m", "data.generate", "--projects", str(size), "--months", str(harness.MONTHS),
                    "--snapshots", "1", "--seed", str(IMPORT_SEED), "--plain", "--out", str(target)],
                   cwd=harness.ROOT, check=True, stdout=subprocess.DEVNULL)
    return sorted(p for p in target.glob("0*_*") if p.is_dir())[0]


class RssSampler:
    """Samples the server's process tree's resident memory in a thread; `.peak` per phase."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, harness.tree_rss_mb(self.pid))
            self._stop.wait(0.5)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def reader(browser, url: str, order: list[str], rounds: int, read_s: float, delay: float) -> dict:
    """One person: open the app, then every page in `order` through the sidebar, reading each."""
    await asyncio.sleep(delay)
    context, page = await harness.new_page(browser)
    times, errors = [], 0
    try:
        landing = harness.pages()[0][0]
        await harness.open_page(page, url, landing)
        for _ in range(rounds):
            for title in order:
                try:
                    times.append(await harness.click_page(page, title))
                    errors += await harness.error_count(page)
                except Exception:  # never ready within the time-out
                    errors += 1
                await asyncio.sleep(read_s)
    finally:
        await context.close()
    return {"times": times, "errors": errors}


async def importer_session(browser, url: str, folder: Path, delay: float) -> dict:
    """One analyst: the Data page, upload the bundle's files, check, import; seconds to the success line."""
    await asyncio.sleep(delay)
    context, page = await harness.new_page(browser)
    try:
        await harness.open_page(page, url, "data")
        start = time.perf_counter()
        files = sorted(str(f) for f in folder.glob("*.csv"))
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
        button = page.get_by_role("button", name="Import snapshot", exact=True)
        await button.wait_for(timeout=harness.READY_MS)
        await page.wait_for_function("""() => { const b = [...document.querySelectorAll('button')]
            .find(x => x.innerText.trim() === 'Import snapshot'); return b && !b.disabled; }""", timeout=harness.READY_MS)
        checked = time.perf_counter() - start
        await button.click()
        await page.get_by_text("imported", exact=False).first.wait_for(timeout=harness.READY_MS)
        return {"check_s": checked, "import_s": time.perf_counter() - start, "errors": await harness.error_count(page)}
    except Exception as e:
        return {"check_s": None, "import_s": None, "errors": 1, "failure": f"{type(e).__name__}: {e}"[:300]}
    finally:
        await context.close()


async def _phase(url: str, titles: list[str], sessions: int, rounds: int, read_s: float,
                 import_from: Path | None) -> tuple[list[dict], dict | None]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await harness.launch(p)
        try:
            tasks = [reader(browser, url, titles[i % len(titles):] + titles[:i % len(titles)], rounds, read_s, 0.5 * i)
                     for i in range(sessions)]
            if import_from is not None:
                tasks.append(importer_session(browser, url, import_from, 2.0))
            done = await asyncio.gather(*tasks)
        finally:
            await browser.close()
    return (list(done[:-1]), done[-1]) if import_from is not None else (list(done), None)


def _summary(readers: list[dict], rss: float, imported: dict | None = None) -> dict:
    times = [s for r in readers for s in r["times"]]
    pages = sum(len(r["times"]) for r in readers)
    return {"median": harness.median(times), "p90": harness.p90(times), "slowest": max(times, default=float("nan")),
            "pages": pages, "errors": sum(r["errors"] for r in readers), "peak_rss_mb": rss, "import": imported,
            "times": times}


def measure(root: Path, size: int, sessions: int, rounds: int, read_s: float, paths: set[str]) -> dict:
    db = harness.portfolio_db(root, size)
    folder = import_folder(size)
    # the landing page is where each session starts; it is clicked into again at the end of the turn
    shown = [title for path, title in harness.pages() if path in paths]
    titles = shown[1:] + shown[:1]
    result = {"commit": harness.commit_of(root), "size": size, "sessions": sessions, "phases": {},
              "pages": sorted(paths)}
    with harness.serve(root, db) as (url, pid):
        for name, count, imports in (("alone", 1, False), ("team", sessions, False), ("import", sessions, True)):
            load = harness.load_average()
            with RssSampler(pid) as rss:
                readers, imported = asyncio.run(_phase(url, titles, count, rounds, read_s, folder if imports else None))
            result["phases"][name] = {**_summary(readers, rss.peak, imported), "load_before": load}
            s = result["phases"][name]
            print(f"  {result['commit']:>10} {name:<7} median {s['median']:.2f} p90 {s['p90']:.2f} slowest "
                  f"{s['slowest']:.2f} errors {s['errors']} RSS {s['peak_rss_mb']:.0f} MB (load {load})"
                  + (f" import {imported}" if imported else ""), flush=True)
        result["server_peak_rss_mb"] = harness.peak_rss_mb(pid)
    result["load_after"] = harness.load_average()
    return result


def print_table(after: dict, before: dict | None) -> None:
    print(f"\n{after['sessions']} sessions on {after['size']:,} projects, seconds from click to ready; "
          f"before = {before['commit'] if before else '–'}, after = {after['commit']}")
    print(f"{'phase':<8} {'':>6} {'median':>7} {'p90':>6} {'slowest':>8} {'errors':>6} {'x alone':>8} "
          f"{'RSS MB':>7} {'import s':>9}")
    for label, run in (("before", before), ("after", after)):
        if run is None:
            continue
        alone = run["phases"]["alone"]["median"]
        for name, s in run["phases"].items():
            imported = (s.get("import") or {}).get("import_s")
            print(f"{name:<8} {label:>6} {s['median']:7.2f} {s['p90']:6.2f} {s['slowest']:8.2f} {s['errors']:6d} "
                  f"{s['median'] / alone:8.2f} {s['peak_rss_mb']:7.0f} "
                  f"{'–' if imported is None else f'{imported:.1f}':>9}")
    print(f"load average after the run: {after['load_after']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2500, help="portfolio size in projects")
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="turns through every page per session")
    parser.add_argument("--read", type=float, default=3.0, help="seconds of reading per page")
    parser.add_argument("--root", default=str(harness.ROOT), help="the tree to measure (default this one)")
    parser.add_argument("--baseline", help="a baseline tree to measure too, or the JSON file of an earlier run")
    args = parser.parse_args(argv)
    before = None
    root = Path(args.root).resolve()
    # the pages both trees have: a baseline without a page would count a failed click as an error
    paths = harness.page_paths(root)
    if args.baseline and Path(args.baseline).is_dir():
        paths &= harness.page_paths(Path(args.baseline))
    elif args.baseline:   # an earlier run: the pages it walked
        paths &= set(json.loads(Path(args.baseline).read_text(encoding="utf-8")).get("pages", paths))
    if args.baseline:
        base = Path(args.baseline)
        if base.is_file():
            before = json.loads(base.read_text(encoding="utf-8"))
        else:
            before = measure(base.resolve(), args.size, args.sessions, args.rounds, args.read, paths)
            print("saved", harness.save(f"team_{before['commit']}.json", before))
    after = measure(root, args.size, args.sessions, args.rounds, args.read, paths)
    print("saved", harness.save(f"team_{after['commit']}.json", after))
    print_table(after, before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
