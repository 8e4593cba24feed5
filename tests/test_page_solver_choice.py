"""Optimiser page: the solver select defaults to `auto`, and a run says which solver it chose and why.

The hand portfolio of tests/optimiser_pages_data.py lets proposals start in several months (P2 from
June, P6 once P2 has finished), so `auto` picks HiGHS as for a scheduling model.
"""

from __future__ import annotations

import pytest

from tests import optimiser_pages_data
from tests.optimiser_pages_data import open_page, rerun

PAGE = "views/optimiser.py"


@pytest.mark.parametrize(("language", "auto", "line"), [
    ("en", "Automatic (by model)", "Solver HiGHS, chosen automatically: "),
    ("zh", "自动（按模型选择）", "求解器 HiGHS（自动选择）："),
])
def test_auto_is_the_default_and_the_run_says_why(monkeypatch, db_file, optimiser_snapshot, language, auto, line):
    at = open_page(monkeypatch, db_file, PAGE, language, optimiser_snapshot)
    select = at.selectbox(key="opt.solver.0")
    assert select.value == "auto" and select.options[0] == auto
    at.number_input(key="opt.budget.0").set_value(optimiser_pages_data.BUDGET)
    at.button(key="opt.submit").click()
    rerun(at)
    notes = [c.value for c in at.caption if c.value.startswith(line)]
    assert len(notes) == 1
    assert ("scheduling model" if language == "en" else "排程模型") in notes[0]


def test_progress_names_the_automatic_choice_not_the_word_auto():
    from i18n import translate
    from ui.optimiser.runs import _status_writer
    from ui.session import lang

    written: list[str] = []

    class Status:
        def write(self, text: str) -> None:
            written.append(text)

    _status_writer(Status())("solving", {"solver": "auto"})
    expected = translate(lang(), "optimiser.progress.solving", solver=translate(lang(), "solverchoice.progress_solver"))
    assert written == [expected] and "auto" not in written[0]
