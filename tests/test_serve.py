"""`cli.py serve`: the app's launch with the pages' modules loaded before the first visit (commands/serve.py).

The warm-up itself runs in every browser test: their servers start with `cli.py serve`
(tests/browser/conftest.py run_app, test_signin.py)."""

from __future__ import annotations

import argparse

from commands import serve


def test_page_modules_are_what_the_router_and_pages_import():
    modules = serve.page_modules()
    # app.py's own imports, and every page's ui module (views/strategy.py: `from ui import strategy as strat`)
    for name in ("store.snapshots", "ui.session", "ui.strategy", "ui.delivery", "ui.optimiser", "ui.data"):
        assert name in modules
    assert all(name.split(".")[0] in {"analytics", "i18n", "reports", "store", "ui"} for name in modules)
    assert not [name for name in modules if name.startswith(("views", "tests", "bench"))]


def test_streamlit_command_passes_options_through():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    serve.register(sub)
    args = parser.parse_args(["serve", "--port", "8600", "--address", "0.0.0.0", "--",
                              "--server.headless", "true"])
    assert serve.streamlit_command(args) == ["run", str(serve.APP), "--server.port", "8600",
                                             "--server.address", "0.0.0.0", "--server.headless", "true"]
    bare = parser.parse_args(["serve"])
    assert serve.streamlit_command(bare) == ["run", str(serve.APP)]

