"""Spawned worker processes that never run the parent's `__main__` again.

`multiprocessing`'s spawn start method re-runs the parent's main script in every child (as
`__mp_main__`) so that objects defined there can be unpickled. In the app's server the main module
is whatever Streamlit installed for the script run that started the child: app.py itself, so each
worker (the upload check, the optimiser's jobs, a solver race) would first run the whole app
without a browser — the router, the sidebar's queries, a page — and under AppTest a test's
generated script, which fails outright. Every target the app spawns is a function of an importable
module, so the children need nothing from `__main__`.

`spawn_context()` is the one way the app gets a spawn context: it installs, once, a wrapper around
`multiprocessing.spawn.get_preparation_data` that leaves the main module out of the data a child
is prepared from. It applies to every process this interpreter spawns, which is what the app
wants; the standard library has no per-context switch for it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.spawn as _spawn
import threading
from typing import Any

_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")
_lock = threading.Lock()


def _without_main(original):
    def get_preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        for key in _MAIN_KEYS:
            data.pop(key, None)
        return data

    get_preparation_data.lodestar_without_main = True
    return get_preparation_data


def spawn_context() -> multiprocessing.context.SpawnContext:
    """The spawn context, with children prepared without the parent's main module."""
    with _lock:
        if not getattr(_spawn.get_preparation_data, "lodestar_without_main", False):
            _spawn.get_preparation_data = _without_main(_spawn.get_preparation_data)
    return multiprocessing.get_context("spawn")
