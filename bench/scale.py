"""Page speed at portfolio scale: every page, cold and warm, at 60 / 2,500 / 10,000 projects, in Chromium.

    .venv/bin/python bench/scale.py --baseline /tmp/h18base            # measure a baseline tree and this one
    .venv/bin/python bench/scale.py --baseline bench/out/scale_929f5ff.json --sizes 60,2500
    .venv/bin/python bench/scale.py --sizes 60 --pages overview,delivery   # a quick look

For each size (bench/harness.py: generated lifecycle portfolio, 24 months, two snapshots, all nine
tables, imported by the measured tree's own `cli.py import`) and each page:

  cold   a fresh `streamlit run app.py` (no caches, nothing imported yet), a fresh browser session
         opening the page by its URL: seconds until the run has ended and every chart is drawn
  warm   in that session, away to the Decision log and back through the sidebar, `--warm` times:
         the median of those reruns (the page's caches are warm)

`--baseline` names another tree (e.g. a `git worktree` at the session-start commit, with .venv
linked), measured the same way in the same run, page by page in turn with this one (so both
columns of a row saw the same load), or a JSON file a previous run saved; the table prints both
side by side. Every run saves its own figures to bench/out/scale_<commit>.json.
The load average is printed with the figures: on a shared machine, compare columns of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

AWAY = "decision_log"


async def _measure_page(root: Path, db: Path, path: str, title: str, away_title: str, warm: int) -> dict:
    from playwright.async_api import async_playwright

    with harness.serve(root, db) as (url, pid):
        async with async_playwright() as p:
            browser = await harness.launch(p)
            context, page = await harness.new_page(browser)
            try:
                cold = await harness.open_page(page, url, path)
                errors = await harness.error_count(page)
                reruns = []
                for _ in range(warm):
                    await harness.click_page(page, away_title)
                    reruns.append(await harness.click_page(page, title))
                    errors = max(errors, await harness.error_count(page))
            finally:
                await context.close()
                await browser.close()
        rss = harness.peak_rss_mb(pid)
    return {"cold": cold, "warm": harness.median(reruns), "warm_runs": reruns, "errors": errors, "peak_rss_mb": rss}


def _one(root: Path, db: Path, size: int, path: str, warm: int) -> dict:
    titles = dict(harness.pages())
    away = AWAY if path != AWAY else "data"
    load = harness.load_average()
    try:
        result = asyncio.run(_measure_page(root, db, path, titles[path], titles[away], warm))
    except Exception as e:  # a page that never became ready is a result, not a crash of the bench
        result = {"cold": None, "warm": None, "errors": 1, "failure": f"{type(e).__name__}: {e}"[:300]}
    result["load_before"] = load
    print(f"  {harness.commit_of(root):>10} {size:>6} {path:<14} {_fmt(result['cold'])} cold "
          f"{_fmt(result['warm'])} warm  (load {load})", flush=True)
    return result


def measure(roots: list[Path], sizes: list[int], chosen: list[str], warm: int) -> list[dict]:
    """Every root on every size and page; with several roots, interleaved page by page so that
    both columns of a row are measured under the same load."""
    results = [{"commit": harness.commit_of(root), "root": str(root), "sizes": {}} for root in roots]
    for size in sizes:
        dbs = [harness.portfolio_db(root, size) for root in roots]
        for result in results:
            result["sizes"][str(size)] = {}
        for path in chosen:
            for root, db, result in zip(roots, dbs, results, strict=True):
                result["sizes"][str(size)][path] = _one(root, db, size, path, warm)
    for result in results:
        result["load_after"] = harness.load_average()
    return results


def _fmt(value: float | None) -> str:
    return "   fail" if value is None else f"{value:7.2f}"


def _ratio(after: float | None, before: float | None) -> str:
    if after is None or before is None or before == 0:
        return "     –"
    return f"{after / before:6.2f}"


def print_table(after: dict, before: dict | None) -> None:
    b_name = before["commit"] if before else "–"
    print(f"\nseconds until ready (cold: first render after a server start; warm: median rerun); "
          f"before = {b_name}, after = {after['commit']}")
    print(f"{'size':>6} {'page':<14} {'cold before':>11} {'cold after':>10} {'ratio':>6} "
          f"{'warm before':>11} {'warm after':>10} {'ratio':>6} {'RSS MB':>7}")
    for size, per_page in after["sizes"].items():
        for path, a in per_page.items():
            b = (before or {}).get("sizes", {}).get(size, {}).get(path, {})
            print(f"{size:>6} {path:<14} {_fmt(b.get('cold')):>11} {_fmt(a['cold']):>10} {_ratio(a['cold'], b.get('cold'))} "
                  f"{_fmt(b.get('warm')):>11} {_fmt(a['warm']):>10} {_ratio(a['warm'], b.get('warm'))} "
                  f"{a.get('peak_rss_mb', float('nan')):7.0f}" + ("  errors" if a.get("errors") else ""))
    sizes = sorted(after["sizes"], key=int)
    if len(sizes) > 1:
        small, big = after["sizes"][sizes[0]], after["sizes"][sizes[-1]]
        print(f"\ngrowth {sizes[-1]} vs {sizes[0]} projects (cold, after):")
        for path in big:
            if big[path].get("cold") and small.get(path, {}).get("cold"):
                print(f"  {path:<14} {big[path]['cold'] / small[path]['cold']:.2f}x")
    print(f"load average after the run: {after['load_after']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="60,2500,10000", help="portfolio sizes (projects), comma-separated")
    parser.add_argument("--pages", default="", help="url paths of pages to measure (default every page)")
    parser.add_argument("--warm", type=int, default=3, help="warm reruns per page (the median is shown)")
    parser.add_argument("--root", default=str(harness.ROOT), help="the tree to measure (default this one)")
    parser.add_argument("--baseline", help="a baseline tree to measure too, or the JSON file of an earlier run")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    all_pages = [path for path, _ in harness.pages()]
    chosen = [p.strip() for p in args.pages.split(",") if p.strip()] or all_pages
    unknown = set(chosen) - set(all_pages)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; known: {all_pages}")
    root = Path(args.root).resolve()
    base = Path(args.baseline) if args.baseline else None
    if base is not None and base.is_file():
        before, (after,) = json.loads(base.read_text(encoding="utf-8")), measure([root], sizes, chosen, args.warm)
    elif base is not None:
        before, after = measure([base.resolve(), root], sizes, chosen, args.warm)
        print("saved", harness.save(f"scale_{before['commit']}.json", before))
    else:
        before, (after,) = None, measure([root], sizes, chosen, args.warm)
    print("saved", harness.save(f"scale_{after['commit']}.json", after))
    print_table(after, before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
