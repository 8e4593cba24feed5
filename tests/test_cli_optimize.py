"""`python cli.py optimize` on a real DuckDB file: JSON answer, decision log, scenarios, exit codes.

The stored portfolio (tests/selection_cases.store_small_portfolio), objective "benefit", dev capacity 2:
C1 (committed) holds one dev until May; P3 (40, group G) can only start in May; P1 (50, 3 months)
therefore starts in June; P2 (20) follows P1. Optimum 50 + 40 + 20 = 110. The greedy rule takes P1
first at its earliest start (April), which shuts P3 out: 50 + 20 + P4's 5 = 75.
"""

from __future__ import annotations

import json

import pytest

import cli
from store import db, decision_log
from store.scenarios import get_scenario
from store.users import local_actor
from tests.selection_cases import store_small_portfolio


@pytest.fixture
def stored(db_file):
    con = db.connect(db_file)
    snapshot_id = store_small_portfolio(con)
    con.close()
    return db_file, snapshot_id


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = cli.main(["optimize", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_json_answer(stored, capsys, solver):
    db_file, snapshot_id = stored
    code, answer = run_json(capsys, "--db", str(db_file), "--objective", "benefit", "--solver", solver,
                            "--horizon-months", "12")
    assert code == 0
    assert answer["status"] == "optimal" and answer["solver"] == solver
    assert answer["objective"] == pytest.approx(110) and answer["bound"] == pytest.approx(110)
    assert answer["gap"] == pytest.approx(0)
    assert answer["greedy_objective"] == pytest.approx(75)
    starts = {p["project_id"]: p["start_month"] for p in answer["selected"]}
    assert set(starts) == {"C1", "P1", "P2", "P3"}
    assert starts["P1"] == "2026-06" and starts["P3"] == "2026-05" and starts["C1"] == "2026-02"
    assert starts["P2"] >= "2026-09"
    assert answer["build_seconds"] >= 0 and answer["solve_seconds"] >= 0 and answer["snapshot_id"] == snapshot_id
    assert "scenario_id" not in answer


def test_budget_force_and_the_decision_log(stored, capsys):
    db_file, snapshot_id = stored
    # committed C1 spends 20 inside the horizon; 40 more buys P1 (50) + P4 (5)
    code, answer = run_json(capsys, "--db", str(db_file), "--objective", "benefit", "--budget", "60")
    assert code == 0 and answer["objective"] == pytest.approx(55) and answer["total_cost"] == pytest.approx(60)
    code, forced = run_json(capsys, "--db", str(db_file), "--objective", "benefit", "--budget", "60",
                            "--force-in", "P3", "--force-out", "P1")
    assert {p["project_id"] for p in forced["selected"]} == {"C1", "P3"}
    con = db.connect(db_file)
    log = decision_log.entries(con, actions=["optimize"])
    con.close()
    assert len(log) == 2
    details = json.loads(log.iloc[0]["details"])
    assert details["objective"] == pytest.approx(40) and details["solver"] == "highs"
    assert details["params"]["force_in"] == ["P3"] and details["params"]["budget"] == 60
    assert log.iloc[0]["snapshot_id"] == snapshot_id


def test_save_as_stores_a_scenario_with_explanations(stored, capsys):
    db_file, snapshot_id = stored
    code, answer = run_json(capsys, "--db", str(db_file), "--objective", "benefit", "--budget", "60",
                            "--save-as", "预算 60")
    assert code == 0
    con = db.connect(db_file)
    scenario = get_scenario(con, answer["scenario_id"])
    con.close()
    assert scenario.name == "预算 60" and scenario.snapshot_id == snapshot_id and scenario.created_by == local_actor().name  # the OS user: never a typed name
    assert scenario.result.objective == pytest.approx(55)
    assert scenario.payload["greedy_objective"] == pytest.approx(55)
    left_out = {item["project_id"] for item in scenario.payload["explanations"]}
    assert left_out == {"P2", "P3"}
    assert scenario.params.budget == 60


def test_infeasible_run_names_the_constraint_and_exits_1(stored, capsys):
    db_file, _ = stored
    code, answer = run_json(capsys, "--db", str(db_file), "--budget", "10")
    assert code == 1
    assert answer["status"] == "infeasible" and answer["objective"] is None and answer["selected"] == []
    assert answer["violated"] == ["budget_total"]
    assert answer["violated_reasons"] == [{"code": "infeasible_budget", "params": {"budget": 10.0, "committed": 20.0, "short": 10.0}}]
    # C1 (active, 40 over four months from 2026-02) spends 20 inside the horizon: 10 more than the budget
    assert cli.main(["optimize", "--db", str(db_file), "--budget", "10", "--lang", "zh"]) == 1
    assert "  总预算 10.00：已承诺工作在规划期内已支出 20.00；最接近可行的方案（含必选和强制纳入的项目）还需多 10.00。" in capsys.readouterr().out.splitlines()


def test_refused_input_exits_2(stored, capsys):
    db_file, _ = stored
    assert cli.main(["optimize", "--db", str(db_file), "--force-in", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert cli.main(["optimize", "--db", str(db_file), "--horizon-start", "2026/04"]) == 2
    assert cli.main(["optimize", "--db", str(db_file), "--annual-cap", "2026:5"]) == 2
    assert cli.main(["optimize", "--db", str(db_file), "--snapshot", "99"]) == 1


def test_text_output_in_chinese(stored, capsys):
    db_file, _ = stored
    code = cli.main(["optimize", "--db", str(db_file), "--objective", "benefit", "--budget", "60", "--explain",
                     "--lang", "zh"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("最优：价值 55.00")
    assert "贪心排序法可达 55.00" in out
    assert "未入选 P3：互斥组 G 已选了 P4。" in out


def test_empty_database_exits_2(db_file, capsys):
    assert cli.main(["optimize", "--db", str(db_file)]) == 2
    assert "import data first" in capsys.readouterr().err


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_time_limit_before_any_portfolio_exits_1_and_is_logged(stored, capsys, solver):
    # a limit far below the solver's first check stops it before any portfolio; the zero portfolio is
    # not feasible (P3 forced in), so neither solver can return it as a trivial solution
    db_file, snapshot_id = stored
    code, answer = run_json(capsys, "--db", str(db_file), "--objective", "benefit", "--solver", solver,
                            "--time-limit", "1e-9", "--force-in", "P3")
    assert code == 1
    assert answer["status"] == "no_solution"
    assert answer["objective"] is None and answer["bound"] is None and answer["gap"] is None
    assert answer["selected"] == [] and answer["greedy_objective"] is None
    con = db.connect(db_file)
    try:
        log = decision_log.entries(con, actions=["optimize"], snapshot_id=snapshot_id)
    finally:
        con.close()
    assert len(log) == 1
    details = json.loads(log.iloc[0]["details"])
    assert details["status"] == "no_solution" and details["objective"] is None and details["solver"] == solver


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "  no portfolio can be worth more than 58.50 (the solver's bound)"),
    ("zh", "  任何组合的价值都不会超过 58.50（求解器给出的上界）"),
])
def test_text_of_a_solve_stopped_before_its_proof_names_the_bound(stored, capsys, lang, line):
    """A time-limited answer prints the solver's bound under the result; a proven one does not."""
    from commands import optimize

    db_file, _ = stored
    assert cli.main(["optimize", "--db", str(db_file), "--objective", "benefit", "--budget", "60", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    optimize._print_text(summary, (), lang)
    assert "58.50" not in capsys.readouterr().out
    optimize._print_text({**summary, "status": "feasible", "bound": 58.5, "gap": 3.5 / 58.5}, (), lang)
    lines = capsys.readouterr().out.splitlines()
    assert "5.983%" in lines[0] and "55.00" in lines[0]
    assert lines[1] == line
