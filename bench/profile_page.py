"""Where a page's time goes: cProfile of one page's cold run and its warm rerun, through AppTest.

    .venv/bin/python bench/profile_page.py --page delivery --size 2500
    .venv/bin/python bench/profile_page.py --page overview --size 2500 --root /tmp/h18base --top 25

The page runs in this process (AppTest of `root`'s app.py, on a copy of the portfolio that
bench/harness.py imports with `root`'s own code), once cold (empty caches) and then again warm;
each run's wall time is printed and the warm rerun's profile is listed by cumulative time
(`--sort tottime` for own time). AppTest leaves out the browser: this is the server's share.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="delivery", help="url path of the page (views/<page>.py)")
    parser.add_argument("--size", type=int, default=2500)
    parser.add_argument("--root", default=str(harness.ROOT))
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--runs", type=int, default=2, help="warm reruns (the last is profiled)")
    parser.add_argument("--cold", action="store_true", help="profile the cold run instead")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    db = harness.portfolio_db(root, args.size)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "profile.duckdb"
        shutil.copyfile(db, work)
        os.environ["LODESTAR_DB"] = str(work)
        os.chdir(root)
        sys.path.insert(0, str(root))
        for name in [m for m in sys.modules if m.split(".")[0] in {"ui", "store", "analytics", "i18n", "reports"}]:
            del sys.modules[name]  # harness imported this tree's app; profile `root`'s
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
        from streamlit.testing.v1 import AppTest

        profile = cProfile.Profile()
        profiling = {"on": False}
        original = ScriptRunner._run_script

        def run_script(self, rerun_data):  # the script runs in its own thread: profile it there
            if not profiling["on"]:
                return original(self, rerun_data)
            return profile.runcall(original, self, rerun_data)

        ScriptRunner._run_script = run_script

        at = AppTest.from_file(str(root / "app.py"), default_timeout=600)
        at.session_state["lang"] = "en"
        at.switch_page(f"views/{args.page}.py")
        start = time.perf_counter()
        profiling["on"] = args.cold
        at.run()
        print(f"cold run: {time.perf_counter() - start:.2f} s; exceptions: {len(at.exception)}")
        snapshot = at.session_state["snapshot_id"] if "snapshot_id" in at.session_state else None  # noqa: SIM401 (no .get)
        for i in range(args.runs):
            at.session_state["snapshot_id"] = snapshot
            start = time.perf_counter()
            profiling["on"] = not args.cold and i == args.runs - 1
            at.run()
            print(f"warm rerun {i + 1}: {time.perf_counter() - start:.2f} s")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
