"""analytics/spawning.py: a worker spawned while Streamlit's script module is `__main__` (as in every
page run of the server, and under AppTest) does not run that script again."""

from __future__ import annotations

import sys
import time
import types

from analytics.spawning import spawn_context


def test_a_spawned_child_does_not_run_the_parents_main_script(tmp_path):
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    # what Streamlit installs as __main__ for a run: a module whose __file__ is the page script
    script.write_text(f"open({str(marker)!r}, 'w').write('the page ran in the worker')\n", encoding="utf-8")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(script)
    real = sys.modules["__main__"]
    sys.modules["__main__"] = fake
    try:
        child = spawn_context().Process(target=time.sleep, args=(0,))
        child.start()
    finally:
        sys.modules["__main__"] = real
    child.join(120)
    assert child.exitcode == 0
    assert not marker.exists()
