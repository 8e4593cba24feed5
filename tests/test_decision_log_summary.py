"""Decision log summaries in the reader's language, rebuilt from entries written by the real store functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from store import db, decision_log, mapping_profiles, scenarios, snapshots, weights
from store.importer import import_files, import_paths
from store.mapping import FileMapping, Mapping, from_toml
from tests import report_helpers as h
from ui.log_summary import RENDERERS, details_items, details_text, number, parse_details, summary_text

VALID = Path(__file__).resolve().parent / "resources" / "valid"
MAPPING = Path(__file__).resolve().parent / "resources" / "mapping"
APRIL = (b"Investment ID,Investment Title,Owning Bureau,Approved Cost (k$),Expected Savings (k$),Start Date,"
         b"Planned Finish,Actual Finish,Lifecycle Phase,Agency Code\nINV-5,Records,Finance,75,10,2026-04-15,2026-10-31,,"
         b"Ongoing,017\n")


def _write_every_action(con) -> int:
    """One entry of every action the code base writes, each by the function that writes it in the app."""
    snapshot_id = import_paths(con, [VALID], label="2026-03").snapshot_id
    set_id = weights.save_weight_set(
        con, snapshot_id=snapshot_id, name="AHP 董事会", method="ahp_eigen", weights={"O1": 0.5, "O2": 0.3, "O3": 0.2},
        objective_ids=["O1", "O2", "O3"], matrix=[[1, 2, 2], [0.5, 1, 2], [0.5, 0.5, 1]], consistency_ratio=0.0516,
        actor="", activate=True,
    )
    scenarios.log_solve(con, snapshot_id=snapshot_id, params=h.params(weight_set_id=set_id), result=h.result(),
                        actor="李分析")
    infeasible = dataclasses.replace(h.result(), status="infeasible", objective=None, bound=None, gap=None, selected=(),
                                     violated=("budget_total", "high_risk_cap"))
    scenarios.log_solve(con, snapshot_id=snapshot_id, params=h.params(), result=infeasible)
    # the three follow-up analyses, with the details store/optimiser_runs.py writes
    scenarios.log_analysis(con, "price_of_forcing", snapshot_id=snapshot_id, params=h.params(), seconds=0.5,
                           summary="P4=12.5, P5=-", details={"prices": {"P4": 12.5, "P5": None}, "infeasible": ["P5"]})
    scenarios.log_analysis(
        con, "marginal_values", snapshot_id=snapshot_id, params=h.params(), seconds=0.9, summary="开发=4.2, ...",
        details={"values": [
            {"resource": "开发", "kind": "role", "value_per_unit": 4.2, "method": "resolve"},
            {"resource": "测试", "kind": "role", "value_per_unit": 0.0, "method": "resolve"},
            {"resource": "budget", "kind": "budget", "value_per_unit": 0.0, "method": "resolve"},
            {"resource": "开发", "kind": "role", "value_per_unit": 1234.5678, "method": "lp_dual"},
            {"resource": "budget", "kind": "budget", "value_per_unit": 0.15, "method": "lp_dual"},
        ]},
    )
    scenarios.log_analysis(
        con, "frontier", snapshot_id=snapshot_id, params=h.params(), seconds=0.6, summary="3 points",
        details={"points": [{"budget": p.budget, "status": p.status, "objective": p.objective, "cost": p.cost}
                            for p in h.frontier()]},
    )
    scenario_id = h.make_scenario(con, snapshot_id)  # scenario_save + recommend
    scenarios.clear_recommendation(con, snapshot_id, actor="王经理")
    scenarios.rename_scenario(con, scenario_id, "方案B", actor="王经理")
    scenarios.delete_scenario(con, scenario_id, actor="王经理")
    weights.delete_weight_set(con, set_id, actor="王经理")
    snapshots.rename_snapshot(con, snapshot_id, "一季度 Q1", actor="管理员")
    snapshots.delete_snapshot(con, snapshot_id, actor="管理员")
    # a saved mapping profile, then an import it maps (the profile is named in the import's entry)
    issue = from_toml((MAPPING / "investments.toml").read_text(encoding="utf-8")).files[0]
    headers = tuple(APRIL.decode().splitlines()[0].split(","))
    profile = Mapping((FileMapping(issue.kind, issue.columns, issue.match, issue.values, headers),))
    mapping_profiles.save_profile(con, "投资导出 Investments", profile, actor="ana")
    import_files(con, [("april.csv", APRIL)], label="2026-04", as_of=dt.date(2026, 4, 30), actor="ana", profiles=True)
    return snapshot_id


EXPECTED = {  # oldest first
    "en": [
        ("import", "“2026-03”: 8 files, 48 rows"),
        ("weights_save", "Weight set #1 “AHP 董事会” saved: AHP (eigenvector), 3 objectives, consistency ratio 0.052"),
        ("weights_activate", "Weight set #1 “AHP 董事会” is now active"),
        ("optimize", "Optimal: strategic value 220, gap 0.00%, solver HiGHS, weight set “AHP 董事会” (#1)"),
        ("optimize", "Infeasible: 2 constraints cannot all hold, solver HiGHS"),
        ("price_of_forcing", "P4 costs 12.5; P5 cannot be forced in"),
        ("marginal_values", "Re-solve: 开发 4.2, others 0; LP dual: 开发 1,234.57, budget 0.15"),
        ("frontier", "3 budget points, value 80 to 296"),
        ("scenario_save", "Scenario #1 “方案A” saved: 3 projects selected, objective 220, cost 800"),
        ("recommend", "Scenario #1 “方案A” recommended: 价值最高且人力可行"),
        ("recommend", "Recommendation of scenario #1 withdrawn"),
        ("scenario_rename", "Scenario #1 renamed from “方案A” to “方案B”"),
        ("scenario_delete", "Scenario #1 “方案B” deleted"),
        ("weights_delete",
         "Weight set #1 “AHP 董事会” deleted; it was active, so the objectives file's weights apply again"),
        ("snapshot_rename", "Renamed from “2026-03” to “一季度 Q1”"),
        ("snapshot_delete", "“一季度 Q1” (as of 2026-03-31) deleted with its data, weight sets and scenarios"),
        ("mapping_profile_save", "Mapping profile “投资导出 Investments” saved: Projects"),
        ("import", "“2026-04”: 1 file, 1 row, mapped by profile “投资导出 Investments”"),
    ],
    "zh": [
        ("import", "“2026-03”：8 个文件，共 48 行"),
        ("weights_save", "权重方案 #1“AHP 董事会”已保存：层次分析法（特征向量），3 个目标，一致性比率 0.052"),
        ("weights_activate", "权重方案 #1“AHP 董事会”已启用"),
        ("optimize", "最优：战略价值 220，间隙 0.00%，求解器 HiGHS，权重方案“AHP 董事会”（#1）"),
        ("optimize", "无可行解：2 条约束无法同时满足，求解器 HiGHS"),
        ("price_of_forcing", "P4 代价 12.5；P5 无法强制纳入"),
        ("marginal_values", "重新求解：开发 4.2，其余为 0；线性松弛对偶：开发 1,234.57，预算 0.15"),
        ("frontier", "3 个预算点，价值 80 至 296"),
        ("scenario_save", "情景 #1“方案A”已保存：入选 3 个项目，目标值 220，成本 800"),
        ("recommend", "推荐情景 #1“方案A”：价值最高且人力可行"),
        ("recommend", "撤销对情景 #1 的推荐"),
        ("scenario_rename", "情景 #1 由“方案A”改名为“方案B”"),
        ("scenario_delete", "情景 #1“方案B”已删除"),
        ("weights_delete", "权重方案 #1“AHP 董事会”已删除；它原为启用方案，现恢复使用目标文件中的权重"),
        ("snapshot_rename", "由“2026-03”改名为“一季度 Q1”"),
        ("snapshot_delete", "已删除“一季度 Q1”（截至 2026-03-31）及其数据、权重方案和情景"),
        ("mapping_profile_save", "映射方案“投资导出 Investments”已保存：项目"),
        ("import", "“2026-04”：1 个文件，共 1 行，映射方式：映射方案“投资导出 Investments”"),
    ],
}


@pytest.fixture
def every_action(db_file):
    con = db.connect(db_file)
    _write_every_action(con)
    rows = decision_log.entries(con).iloc[::-1]
    con.close()
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_action_written_reads_in_the_readers_language(every_action, lang):
    rendered = [(r.action, summary_text(lang, r.action, r.summary, r.details)) for r in every_action.itertuples()]
    assert rendered == EXPECTED[lang]


def test_every_action_written_has_a_template():
    assert {action for action, _ in EXPECTED["en"]} == set(RENDERERS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_entries_whose_details_lack_the_fields_keep_their_stored_summary(lang, con):
    snapshot_id = h.make_snapshot(con)
    decision_log.append(con, "optimize", snapshot_id=snapshot_id, summary="optimal objective=5", details={"solver": "cbc"})
    decision_log.append(con, "weights_save", summary="weight set 9 'old'", details=None)
    decision_log.append(con, "retrain", summary="written by a newer module", details={"x": 1})
    rows = decision_log.entries(con).iloc[::-1]
    rendered = [summary_text(lang, r.action, r.summary, r.details) for r in rows.itertuples()]
    assert rendered[1:] == ["optimal objective=5", "weight set 9 'old'", "written by a newer module"]
    assert summary_text(lang, "optimize", None, "not json") == ""


def test_a_feasible_solve_shows_its_gap_and_a_set_without_a_name():
    details = json.dumps({"status": "feasible", "solver": "highs", "objective": 1360.6, "gap": 0.01234,
                          "objective_kind": "net_benefit", "weight_set_id": 4, "weight_set_name": None})
    assert summary_text("en", "optimize", "x", details) == (
        "Feasible (time limit, gap remains): net benefit 1,360.6, gap 1.23%, solver HiGHS, weight set “?” (#4)")
    assert summary_text("zh", "optimize", "x", details) == (
        "可行（已达时间上限，仍有间隙）：净收益 1,360.6，间隙 1.23%，求解器 HiGHS，权重方案“?”（#4）")


def test_one_violated_row_reads_in_the_singular():
    details = json.dumps({"status": "infeasible", "solver": "highs", "objective": None, "violated": ["budget_total"]})
    assert summary_text("en", "optimize", "x", details) == "Infeasible: 1 constraint cannot hold, solver HiGHS"
    assert summary_text("zh", "optimize", "x", details) == "无可行解：1 条约束无法满足，求解器 HiGHS"


@pytest.mark.parametrize(("value", "text"), [(1360.6, "1,360.6"), (5139.364483882131, "5,139.36"),
                                             (32.40000000000009, "32.4"), (0.0, "0"), (-0.001, "0"), (-12.5, "-12.5")])
def test_number(value, text):
    assert number(value) == text


# ----- details (the 详情 column and the selected entry's panel) in the reader's language -------------


def test_every_field_written_has_a_label_in_both_languages(every_action):
    from i18n import has_key

    fields: set[str] = set()
    for value in every_action["details"]:
        parsed = parse_details(value)
        fields |= set(parsed) | set(parsed.get("params") or {})
    fields -= {"weight_set_name", "params"}  # shown with weight_set_id; spread into its own fields
    for lang in ("en", "zh"):
        assert [f for f in sorted(fields) if not has_key(lang, f"log.detail.{f}")] == []


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Weight set: AHP 董事会 (#1)"),
    ("zh", "权重方案：AHP 董事会 (#1)"),
])
def test_details_of_a_weight_save_read_in_the_readers_language(every_action, lang, expected):
    row = every_action[every_action["action"] == "weights_save"].iloc[0]
    text = details_text(lang, row["details"])
    if lang == "en":
        assert text == ("Weight set: #1; Name: AHP 董事会; Method: AHP (eigenvector); Weights: O1 50.0%, O2 30.0%, O3 20.0%;"
                        " Consistency ratio (CR): 0.05")
    else:
        assert text == ("权重方案：#1；名称：AHP 董事会；方法：层次分析法（特征向量）；权重：O1 50.0%，O2 30.0%，O3 20.0%；"
                        "一致性比率（CR）：0.05")
    solve = every_action[every_action["action"] == "optimize"].iloc[0]
    assert expected in details_text(lang, solve["details"])


def test_import_details_name_the_tables_in_chinese(every_action):
    row = every_action[every_action["action"] == "import"].iloc[0]
    text = details_text("zh", row["details"])
    assert "行数：项目 4，战略目标 3，" in text and "projects 4" not in text


def test_solve_details_spread_the_parameters_and_translate_codes(every_action):
    solve = every_action[every_action["action"] == "optimize"].iloc[0]
    items = dict(details_items("zh", solve["details"]))
    assert items["状态"] == "最优" and items["优化目标"] == "战略价值" and items["允许外包"] == "是"
    assert "params" not in items and "params_hash" not in items


def test_unknown_fields_keep_their_stored_name():
    assert details_items("zh", json.dumps({"x_new": 3, "name": "A"})) == [("x_new", "3"), ("名称", "A")]
    assert details_text("zh", "not json") == ""


def test_a_mapped_import_names_its_profile_in_the_details(every_action):
    mapped = every_action[every_action["action"] == "import"].iloc[-1]
    assert parse_details(mapped["details"])["mapping_profiles"] == {"april.csv": "投资导出 Investments"}
    assert "映射方式：april.csv → 映射方案“投资导出 Investments”" in details_text("zh", mapped["details"])
    saved = every_action[every_action["action"] == "mapping_profile_save"].iloc[0]
    assert "Columns mapped: Projects: project_id, name, " in details_text("en", saved["details"])
    assert "mapping_profiles" not in parse_details(every_action[every_action["action"] == "import"].iloc[0]["details"])


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "“May”: 1 file, 4 rows, mapped by a mapping given with the import"),
    ("zh", "“May”：1 个文件，共 4 行，映射方式：导入时提供的映射文件"),
])
def test_an_import_through_a_given_mapping_says_so(lang, expected):
    details = {"files": ["x.csv"], "rows": {"projects": 4}, "mapping_profiles": {"x.csv": ""}}
    assert summary_text(lang, "import", "May", json.dumps(details)) == expected
