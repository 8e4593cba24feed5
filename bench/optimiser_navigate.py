"""While one person's optimiser run goes on, how long do pages take, in a real server and browser?
Before (the run on the page's script thread) and after (in the optimiser's worker process).

    git worktree add --detach /tmp/h18opt/base <commit> && ln -s "$PWD/.venv" /tmp/h18opt/base/.venv
    .venv/bin/python bench/optimiser_navigate.py --baseline /tmp/h18opt/base [--db FILE] [--wait 5] [--repeat 1]

For each tree: `streamlit run app.py` on the 2,500-project portfolio (bench/harness.py), one
Chromium. Session A opens the Optimiser and presses Optimise (the form's defaults: 60 s limit);
`--wait` seconds later (the model is being built or solved) session B opens the Overview by its URL,
then session A follows the sidebar to the Overview. Printed: seconds until each is ready, and the
load average. Before, A's own navigation waits for its run (Streamlit can stop a script only at its
next Streamlit call); after, the run goes on in the worker and A's page comes at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    click_page,
    launch,
    load_average,
    new_page,
    open_page,
    portfolio_db,
    serve,
)


async def _measure(url: str, wait: float) -> dict[str, float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            _, a = await new_page(browser)
            _, b = await new_page(browser)
            await open_page(a, url, "optimiser")
            await open_page(b, url, "decision_log")   # B's session exists and is warm
            await a.get_by_role("button", name="Optimise", exact=True).click()
            await asyncio.sleep(wait)
            other = await open_page(b, url, "overview")
            own = await click_page(a, "Overview")
            return {"other": other, "own": own}
        finally:
            await browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a worktree of the commit to compare with")
    parser.add_argument("--db", type=Path, help="a DuckDB file holding the 2,500-project portfolio")
    parser.add_argument("--wait", type=float, default=5.0, help="seconds after Optimise before the clicks")
    parser.add_argument("--repeat", type=int, default=1, help="rounds, each tree in turn (the load drifts)")
    args = parser.parse_args(argv)
    db = args.db or portfolio_db(ROOT, 2500)
    roots = ([("before", args.baseline)] if args.baseline else []) + [("after", ROOT)]
    print(f"2,500 projects; Optimise pressed, then {args.wait:g} s later: session B opens Overview by URL, "
          "session A follows the sidebar to Overview (seconds until ready)")
    for label, root in roots * args.repeat:
        with serve(root, db) as (url, _pid):
            times = asyncio.run(_measure(url, args.wait))
        print(f"{label:6}  other session {times['other']:6.2f} s   same session {times['own']:6.2f} s   "
              f"(load {load_average()})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
