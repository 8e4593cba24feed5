"""Plausibility warnings (issue 15): allowed but rarely true values, each warned (never refused) with
its rows named, counted exactly and translated; missing demand and scores warned with or without
their files."""

from __future__ import annotations

import datetime as dt

import pytest

from store.importer import check_files, problem_text

PROJECTS = (
    "project_id,name,status,start_month,duration_months,budget\n"
    "P1,One,active,2026-01,240,50\n"     # 20 years exactly: fine
    "P2,Two,active,2026-01,241,50\n"     # over 20 years
    "P3,Three,completed,2026-01,12,50\n"
)
STATUS = (
    "project_id,report_date,planned_value,earned_value,actual_cost,forecast_finish\n"
    "P1,2026-03-31,100,90,1001,2027-01-31\n"   # row 2: more than 10x the planned value
    "P1,2026-02-28,100,90,1000,2027-01-31\n"   # row 3: exactly 10x: fine
    "P1,2026-01-31,100,90,9,2025-12-31\n"      # row 4: below a tenth; finish before the 2026-01 start
    "P2,2026-03-31,100,90,10,2026-01-01\n"     # row 5: a tenth exactly; finish in the start month: fine
    "P3,2026-03-31,0,0,501,2026-12-31\n"       # row 6: no planned value: more than 10x the budget 50
    "P3,2026-04-30,0,0,500,2026-12-31\n"       # row 7: 10x the budget: fine; after the as-of date
)


def _found(report, code):
    return [(p.file, p.row, p.column, p.value) for p in report.warnings if p.code == code]


def _check(**extra):
    files = [("projects.csv", PROJECTS.encode()), ("status_reports.csv", STATUS.encode())]
    files += [(f"{name}.csv", text.encode()) for name, text in extra.items()]
    return check_files(files, as_of=dt.date(2026, 3, 31))


def test_each_plausibility_warning_names_its_rows_and_blocks_nothing():
    report = _check()
    assert report.ok and report.errors == ()
    assert _found(report, "duration_over_20_years") == [("projects.csv", 3, "duration_months", "241")]
    assert _found(report, "cost_over_10x") == [("status_reports.csv", 2, "actual_cost", "1001")]
    assert _found(report, "cost_under_tenth") == [("status_reports.csv", 4, "actual_cost", "9")]
    assert _found(report, "cost_over_10x_budget") == [("status_reports.csv", 6, "actual_cost", "501")]
    assert _found(report, "finish_before_start") == [("status_reports.csv", 4, "forecast_finish", "2025-12-31")]
    assert _found(report, "report_after_as_of") == [("status_reports.csv", 7, "report_date", "2026-04-30")]


@pytest.mark.parametrize(("lang", "code", "text"), [
    ("en", "cost_over_10x", "Actual cost is more than 10 times the planned value to date (100)."),
    ("zh", "cost_over_10x", "实际成本超过截至目前计划价值的 10 倍（100）。"),
    ("en", "cost_over_10x_budget", "Actual cost is more than 10 times the project's budget (50)."),
    ("en", "cost_under_tenth", "Actual cost is below a tenth of the planned value to date (100)."),
    ("en", "finish_before_start", "Forecast finish is before the project's start month (2026-01)."),
    ("zh", "finish_before_start", "预计完成日期早于项目开始月份（2026-01）。"),
    ("en", "duration_over_20_years", "A duration of more than 240 months (20 years): is it in months?"),
    ("zh", "duration_over_20_years", "工期超过 240 个月（20 年）：单位是否为月？"),
])
def test_warnings_are_translated(lang, code, text):
    problem = next(p for p in _check().warnings if p.code == code)
    assert problem_text(problem, lang) == text


def test_missing_demand_and_scores_warn_without_their_files():
    report = _check()
    # The two open projects (P3 is completed), named once for demand and once for scores.
    assert _found(report, "no_demand") == [("projects.csv", 2, "project_id", "P1"), ("projects.csv", 3, "project_id", "P2")]
    assert [p.row for p in report.warnings if p.code == "no_scores"] == [2, 3]


def test_missing_demand_warns_with_its_file_too():
    report = _check(demand="project_id,role,month_offset,fte\nP1,Dev,0,1\n")
    assert _found(report, "no_demand") == [("projects.csv", 3, "project_id", "P2")]


def test_many_implausible_rows_are_counted_exactly():
    rows = "".join(f"P1,2026-03-{1 + i % 28:02d},100,90,2000,2027-01-31\n" for i in range(28))
    rows += "".join(f"P2,2026-{1 + i // 28:02d}-{1 + i % 28:02d},100,90,5000,2027-01-31\n" for i in range(28 * 2, 28 * 6))
    files = [("projects.csv", PROJECTS.encode()),
             ("status_reports.csv", ("project_id,report_date,planned_value,earned_value,actual_cost,forecast_finish\n"
                                     + rows).encode())]
    report = check_files(files, as_of=dt.date(2026, 12, 31))
    group = next(g for g in report.groups if g.code == "cost_over_10x")
    assert (group.total, group.shown) == (28 + 112, 100)
    assert report.warning_total == 140 + 1 + 2 + 2  # costs, the long project, no demand and no scores of P1, P2
