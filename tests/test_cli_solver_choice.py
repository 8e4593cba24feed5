"""`cli.py optimize` with the default solver `auto` and with `--race` on a real DuckDB file.

The stored portfolio (tests/selection_cases.store_small_portfolio, objective "benefit") is a
scheduling model (P1 and P2 may start in several months): `auto` picks HiGHS and says why; its
optimum is 110 (tests/test_cli_optimize.py).
"""

from __future__ import annotations

import json

import pytest

import cli
from store import db, decision_log
from tests.selection_cases import store_small_portfolio


@pytest.fixture
def stored(db_file):
    con = db.connect(db_file)
    snapshot_id = store_small_portfolio(con)
    con.close()
    return db_file, snapshot_id


def test_auto_is_the_default_and_says_what_it_chose(stored, capsys):
    db_file, _ = stored
    assert cli.main(["optimize", "--db", str(db_file), "--objective", "benefit", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["objective"] == pytest.approx(110) and answer["solver"] == "highs"
    choice = answer["solver_choice"]
    assert (choice["requested"], choice["solver"], choice["code"]) == ("auto", "highs", "scheduling")
    assert choice["multi_start"] >= 1 and choice["projects"] >= choice["multi_start"]
    con = db.connect(db_file)
    details = json.loads(decision_log.entries(con, actions=["optimize"]).iloc[0]["details"])
    con.close()
    assert details["solver"] == "highs" and details["params"]["solver"] == "auto"


@pytest.mark.parametrize(("lang", "start"), [
    ("en", "  Solver HiGHS, chosen automatically: "),
    ("zh", "  求解器 HiGHS（自动选择）："),
])
def test_text_output_names_the_choice(stored, capsys, lang, start):
    db_file, _ = stored
    assert cli.main(["optimize", "--db", str(db_file), "--objective", "benefit", "--lang", lang]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(start)]
    assert len(lines) == 1 and ("scheduling model" in lines[0] or "排程模型" in lines[0])


def test_named_solver_prints_no_choice(stored, capsys):
    db_file, _ = stored
    assert cli.main(["optimize", "--db", str(db_file), "--objective", "benefit", "--solver", "cbc", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["solver"] == "cbc" and answer["solver_choice"] == {} and answer["objective"] == pytest.approx(110)


def test_race_keeps_the_first_proof(stored, capsys):
    """Both solvers in their own processes: whichever proves 110 first wins; the log keeps that solver."""
    db_file, _ = stored
    assert cli.main(["optimize", "--db", str(db_file), "--objective", "benefit", "--race", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["status"] == "optimal" and answer["objective"] == pytest.approx(110)
    race = answer["solver_choice"]["race"]
    assert race["proved"] is True and race["winner"] == answer["solver"] in ("highs", "cbc")
