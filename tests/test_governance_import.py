"""The two governance file kinds through the real importer: Chinese headers and values, refusals."""

from __future__ import annotations

import datetime as dt

from store import changes
from store import scorecard as store_scorecard
from store.importer import import_files

PROJECTS = ("项目编号,项目名称,状态,开始月份,工期（月）,预算\r\n"
            "P1,ERP,进行中,2026-01,6,100\r\nP2,CRM,已完成,2025-06,6,50\r\n").encode("utf-8-sig")
CHANGES = ("变更编号,项目编号,提出日期,变更标题,预算变化,工期变化（月）,状态,决定日期\r\n"
           "CR-1,P1,2026/2/1,增加报表,\"1,000\",1,已批准,2026年2月15日\r\n"
           "CR-2,P1,2026-03-10,新模块,-20,-1,已提交,\r\n").encode("gb18030")
TARGETS = "年度,指标,目标值\r\n2026,按期完成率,80%\r\n2026,项目成功率,0.7\r\n".encode("utf-8-sig")


def test_targets_and_change_requests_import_in_chinese(con):
    report = import_files(con, [("项目.csv", PROJECTS), ("变更申请.csv", CHANGES), ("年度目标.csv", TARGETS)],
                          label="governance", as_of=dt.date(2026, 3, 31))
    assert not report.errors, report.errors
    listed = changes.list_requests(con, report.snapshot_id).set_index("cr_id")
    assert listed.loc["CR-1", ["status", "budget_delta", "schedule_delta_months"]].tolist() == ["approved", 1000.0, 1]
    assert listed.loc["CR-1", "decided_on"] == dt.date(2026, 2, 15)
    assert listed.loc["CR-2", ["status", "budget_delta", "schedule_delta_months"]].tolist() == ["submitted", -20.0, -1]
    targets = store_scorecard.targets(con, report.snapshot_id)
    assert targets.to_dict("records") == [{"year": 2026, "metric": "on_time_rate", "target": 0.8},
                                          {"year": 2026, "metric": "project_success_rate", "target": 0.7}]


def test_bad_values_are_listed(con):
    bad_changes = (b"cr_id,project_id,raised_on,title,status\r\nCR-1,P9,2026-02-01,x,pending\r\n")
    bad_targets = b"year,metric,target\r\n2026,speed,0.5\r\n2026,on_time_rate,80\r\n"
    report = import_files(con, [("projects.csv", PROJECTS), ("change_requests.csv", bad_changes),
                                ("targets.csv", bad_targets)], label="bad")
    assert report.snapshot_id is None
    codes = sorted((p.file, p.column, p.code) for p in report.errors)
    assert codes == [("change_requests.csv", "project_id", "unknown_project"),
                     ("change_requests.csv", "status", "bad_enum"),
                     ("targets.csv", "metric", "bad_enum"),
                     ("targets.csv", "target", "out_of_range")]
