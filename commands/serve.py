"""`python cli.py serve`: start the app with its modules loaded before the first person arrives.

    python cli.py serve [--db PATH|URI] [--port 8501] [--address 127.0.0.1] [-- STREAMLIT OPTIONS]

`streamlit run app.py` loads nothing until the first browser session runs the script; that first
visit then pays for importing pandas, Plotly, DuckDB and every page's modules, which on a two-core
server is most of a cold page (docs/performance.md, *Cold start*). This command imports the modules
the router and every page import, and builds one small figure of each chart kind Plotly serialises
for the pages, in the server process before the server starts listening, then hands over to
Streamlit with the same options `streamlit run` takes, in the same working directory (whose
`.streamlit/` holds the configuration and the sign-in secrets, as for `streamlit run`). `make run` and the documented server start use
it; `streamlit run app.py` still works and gives the same app, only with a slower first page.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import logging
import os
import sys
import time
from pathlib import Path

from store.db import db_target

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
VIEWS = ROOT / "views"
# Never loaded into the app's process: OR-Tools and highspy clash in one process (analytics/solver_race.py
# runs OR-Tools' CP-SAT in a child process for that reason).
NEVER = ("ortools",)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="start the app (streamlit run app.py) with its modules loaded before the first visit")
    parser.add_argument("--db", type=db_target, default=None,
                        help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default Streamlit's, 8501)")
    parser.add_argument("--address", default=None,
                        help="address to listen on (default .streamlit/config.toml's, 127.0.0.1)")
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                        help="after --: further `streamlit run` options, e.g. -- --server.headless true")
    parser.set_defaults(func=run_serve)


def page_modules(root: Path = ROOT) -> list[str]:
    """The project's modules the router and the pages import at their top, in first-seen order."""
    local = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    found: dict[str, None] = {}
    for script in [root / "app.py", *sorted((root / "views").glob("*.py"))]:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from ui import strategy` names the module ui.strategy; `from ui.text import md` names ui.text
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name.split(".")[0] in local and _is_module(root, name):
                    found.setdefault(name)
    return list(found)


def _is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


class _NoRuntimeYet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "No runtime found" not in record.getMessage()


def warm_up(modules: list[str]) -> float:
    """Import `modules` and what they import, and serialise one figure of each trace kind the pages draw;
    returns the seconds it took. Nothing here touches the database or any session."""
    started = time.perf_counter()
    quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    no_runtime = _NoRuntimeYet()  # "No runtime found" for every st.cache_data declared before the server runs
    quiet.addFilter(no_runtime)
    try:
        for name in modules:
            importlib.import_module(name)
        import plotly.graph_objects as go  # noqa: PLC0415  (loaded here on purpose: this is the warm-up)

        figure = go.Figure([go.Scatter(x=[1], y=[1]), go.Scattergl(x=[1], y=[1]), go.Bar(x=[1], y=[1]),
                            go.Heatmap(z=[[1]]), go.Pie(values=[1])])
        figure.to_json()
    finally:
        quiet.removeFilter(no_runtime)
    loaded = [name for name in sys.modules if name.split(".")[0] in NEVER]
    if loaded:  # a page started importing OR-Tools at its top: the solver race would break in this process
        raise RuntimeError(f"the app's pages import {loaded[0]}, which must stay out of the app's process")
    return time.perf_counter() - started


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The `streamlit run` arguments this command hands over."""
    extra = list(args.streamlit_args)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    command = ["run", str(APP)]
    if args.port is not None:
        command += ["--server.port", str(args.port)]
    if args.address is not None:
        command += ["--server.address", args.address]
    return command + extra


def run_serve(args: argparse.Namespace) -> int:
    if args.db is not None:
        os.environ["LODESTAR_DB"] = str(args.db.resolve() if isinstance(args.db, Path) else args.db)
    seconds = warm_up(page_modules())
    print(f"Lodestar: pages loaded in {seconds:.1f} s; starting the server", file=sys.stderr, flush=True)
    from streamlit.web import cli as streamlit_cli  # noqa: PLC0415

    return streamlit_cli.main(args=streamlit_command(args), prog_name="streamlit", standalone_mode=False) or 0
