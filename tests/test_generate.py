"""The sample-data generator: determinism, internal consistency, the bundle on disk, the writer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.months import month_index
from analytics.vocabulary import SCORECARD_METRICS
from data import generate as gen
from data.generate import (
    EXCEL_ZH,
    PLAIN,
    TSV_ZH,
    FileStyle,
    format_column,
    generate,
    write_bundle,
)
from store import snapshots as snap_store
from store.contract import KINDS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
STATUSES = {"proposed", "approved", "active", "on_hold", "completed", "cancelled"}


@pytest.fixture(scope="module")
def sample() -> list[gen.GeneratedSnapshot]:
    return generate()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".gitattributes"}


def _month(d: dt.date) -> int:
    return month_index(d)


# --- determinism and the committed bundle ---------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    write_bundle(generate(projects=30, months=3, seed=11), tmp_path / "a")
    write_bundle(generate(projects=30, months=3, seed=11), tmp_path / "b")
    write_bundle(generate(projects=30, months=3, seed=12), tmp_path / "c")
    first, second, other = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert len(first) == 3 * (len(gen.TABLES) + 1)  # three snapshots of thirteen CSV files and snapshot.json
    assert len(gen.TABLES) == 13
    assert first == second
    assert first["03_2026-10/projects.csv"] != other["03_2026-10/projects.csv"]


def test_bundle_on_disk_equals_a_fresh_generation(tmp_path, sample):
    write_bundle(sample, tmp_path)
    fresh, committed = _files(tmp_path), _files(SAMPLE)
    assert sorted(fresh) == sorted(committed), "regenerate with: python -m data.generate --out data/sample"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"data/sample is stale ({changed[:3]}): python -m data.generate --out data/sample"


def test_sample_shape(sample):
    assert [s.as_of for s in sample] == [dt.date(2026, m, d) for m, d in
                                         ((5, 31), (6, 30), (7, 31), (8, 31), (9, 30), (10, 31))]
    assert all(set(s.frames) == set(gen.TABLES) for s in sample)
    assert len(sample[-1].frames["projects"]) == 60
    assert sample[-1].label == "2026-10 月度快照 Monthly snapshot"
    roles = set(sample[-1].frames["capacity"]["role"])
    assert 8 <= len(roles) <= 10 and {"产品经理", "架构师", "开发工程师", "测试工程师"} <= roles
    objectives = sample[-1].frames["objectives"]
    assert 5 <= len(objectives) <= 7 and objectives["weight"].sum() == pytest.approx(1.0)


# --- internal consistency ------------------------------------------------------------------------


def test_every_reference_names_an_existing_project_or_objective(sample):
    for snap in sample:
        f = snap.frames
        ids = set(f["projects"]["project_id"])
        assert f["projects"]["project_id"].is_unique
        assert set(f["project_scores"]["project_id"]) <= ids
        assert set(f["project_scores"]["objective_id"]) <= set(f["objectives"]["objective_id"])
        assert set(f["demand"]["project_id"]) <= ids
        assert set(f["demand"]["role"]) <= set(f["capacity"]["role"])
        assert set(f["status_reports"]["project_id"]) <= ids
        assert {d for deps in f["projects"]["depends_on"] for d in deps} <= ids
        assert set(f["projects"]["status"]) <= STATUSES
        assert not f["capacity"].duplicated(["role", "month"]).any()
        assert not f["project_scores"].duplicated(["project_id", "objective_id"]).any()
        assert f["project_scores"]["score"].between(0, 5).all()


def test_dependencies_are_acyclic_and_constraints_are_present(sample):
    projects = sample[-1].frames["projects"].set_index("project_id")
    graph = {pid: list(deps) for pid, deps in projects["depends_on"].items()}
    assert sum(map(len, graph.values())) >= 3
    visiting, done = set(), set()

    def visit(node):
        assert node not in visiting, f"cycle through {node}"
        if node in done:
            return
        visiting.add(node)
        for dep in graph[node]:
            visit(dep)
        visiting.discard(node)
        done.add(node)

    for node in graph:
        visit(node)
    groups = projects["exclusive_group"].dropna().value_counts()
    assert len(groups) >= 2 and (groups >= 2).all()
    mandatory = projects[projects["mandatory"]]
    assert 1 <= len(mandatory) <= 3 and set(mandatory["status"]) == {"proposed"}
    assert set(mandatory["category"]) == {"合规"}


def test_proposals_have_start_windows_of_at_most_six_months(sample):
    for snap in sample:
        p = snap.frames["projects"]
        proposals = p[p["status"] == "proposed"]
        window = [_month(latest) - _month(start) for start, latest in
                  zip(proposals["start_month"], proposals["latest_start_month"], strict=True)]
        assert min(window) >= 0 and max(window) <= 6
        assert all(_month(s) > _month(snap.as_of) for s in proposals["start_month"])
        assert p.loc[p["status"] != "proposed", "latest_start_month"].isna().all()
    assert {"completed", "active", "approved", "on_hold", "proposed", "cancelled"} == set(
        sample[-1].frames["projects"]["status"])


def _load(frames, chosen: pd.Series) -> pd.DataFrame:
    """FTE by role x month of the chosen projects at their start months."""
    projects = frames["projects"].set_index("project_id")
    demand = frames["demand"][frames["demand"]["project_id"].isin(projects.index[chosen])]
    start = demand["project_id"].map(lambda pid: _month(projects.at[pid, "start_month"]))
    return demand.assign(month=start + demand["month_offset"]).pivot_table(
        index="role", columns="month", values="fte", aggfunc="sum", fill_value=0.0)


def _capacity(frames) -> pd.DataFrame:
    c = frames["capacity"]
    return c.assign(month=c["month"].map(_month)).pivot(index="role", columns="month", values="capacity_fte")


def test_committed_work_fits_capacity_from_every_as_of_month(sample):
    for snap in sample:
        f = snap.frames
        p = f["projects"].set_index("project_id")
        committed = p["status"].isin(["active", "approved"]) | (p["mandatory"] & (p["status"] == "proposed"))
        load, capacity = _load(f, committed), _capacity(f)
        months = [m for m in load.columns if m >= _month(snap.as_of)]
        over = load[months].sub(capacity.reindex(index=load.index, columns=months)) > 1e-9
        assert not over.any().any(), f"{snap.as_of}: committed work over capacity"


def test_open_proposals_clearly_do_not_all_fit(sample):
    f = sample[-1].frames
    p = f["projects"].set_index("project_id")
    now = _month(sample[-1].as_of)
    horizon = list(range(now, now + 24))
    capacity = _capacity(f)
    assert capacity.columns.min() <= _month(sample[0].as_of) and capacity.columns.max() >= _month(sample[0].as_of) + 36
    committed = _load(f, p["status"].isin(["active", "approved"]) | p["mandatory"]).reindex(
        index=capacity.index, columns=horizon, fill_value=0.0)
    proposals = _load(f, (p["status"] == "proposed") & ~p["mandatory"]).reindex(
        index=capacity.index, columns=horizon, fill_value=0.0)
    spare = (capacity[horizon] - committed).clip(lower=0).sum(axis=1)
    ratio = proposals.sum(axis=1) / spare
    assert ratio["开发工程师"] > 1.3
    assert (ratio > 1.0).sum() >= 3


def test_status_reports_cover_each_projects_delivery_month_by_month(sample):
    last = sample[-1]
    p = last.frames["projects"].set_index("project_id")
    reports = last.frames["status_reports"]
    as_of = _month(last.as_of)
    for pid, rows in reports.groupby("project_id"):
        months = [_month(d) for d in rows["report_date"]]
        start = _month(p.at[pid, "start_month"])
        assert months == list(range(start, months[-1] + 1)), pid
        assert all(d == gen.month_end(m) for d, m in zip(rows["report_date"], months, strict=True))
        if p.at[pid, "status"] == "completed":
            assert rows["percent_complete"].iloc[-1] == 100 and rows["benefit_realized"].iloc[-1] > 0
            assert rows["benefit_realized"].iloc[:-1].isna().all()
        else:
            assert months[-1] == as_of
    reporting = set(p.index[p["status"].isin(["active", "on_hold", "completed"])])
    assert set(reports["project_id"]) == reporting
    budget = reports["project_id"].map(p["budget"])
    assert (reports["earned_value"] <= budget + 1e-9).all() and (reports["planned_value"] <= budget + 1e-9).all()
    assert (reports["milestones_met"] <= reports["milestones_due"]).all()


def test_history_is_the_same_rows_in_every_later_snapshot(sample):
    for earlier, later in zip(sample, sample[1:], strict=False):
        old, new = earlier.frames["status_reports"], later.frames["status_reports"]
        kept = new[new["report_date"] <= earlier.as_of].reset_index(drop=True)
        assert len(new) > len(old)
        pd.testing.assert_frame_equal(kept, old.reset_index(drop=True))


def _latest_ratios(snap) -> pd.DataFrame:
    r = snap.frames["status_reports"].groupby("project_id").tail(1).set_index("project_id")
    return pd.DataFrame({"spi": r["earned_value"] / r["planned_value"], "cpi": r["earned_value"] / r["actual_cost"],
                         "forecast": r["forecast_finish"], "rag": r["rag"]})


def test_some_projects_slip_some_are_healthy(sample):
    last = sample[-1]
    p = last.frames["projects"].set_index("project_id")
    ratios = _latest_ratios(last).join(p["status"])
    active = ratios[ratios["status"] == "active"]
    assert ((active["spi"] < 0.9) | (active["cpi"] < 0.9)).sum() >= 3
    assert ((active["spi"] >= 0.95) & (active["cpi"] >= 0.95)).sum() >= 5
    assert {"green", "amber", "red"} <= set(last.frames["status_reports"]["rag"])
    first = _latest_ratios(sample[0])
    both = active.index.intersection(first.index)
    slipped = [pid for pid in both if active.at[pid, "forecast"] > first.at[pid, "forecast"]]
    assert len(slipped) >= 3


def test_the_portfolio_moves_on_across_snapshots(sample):
    status = pd.DataFrame({s.as_of: s.frames["projects"].set_index("project_id")["status"] for s in sample})
    first, last = status.columns[0], status.columns[-1]
    assert ((status[first] == "active") & (status[last] == "completed")).sum() >= 1
    assert ((status[first].isin(["approved", "proposed"])) & (status[last] == "active")).sum() >= 1
    assert status[first].isna().sum() >= 5  # new proposals appeared during the window
    budgets = pd.DataFrame({s.as_of: s.frames["projects"].set_index("project_id")["budget"] for s in sample})
    grown = budgets.dropna()
    assert (grown[last] > grown[first]).sum() >= 2 and (grown[last] >= grown[first]).all()


def test_maturity_covers_ten_areas_and_improves(sample):
    first, last = sample[0].frames["maturity"], sample[-1].frames["maturity"]
    assert set(first["area"]) == {"立项", "计划", "监控", "变更", "风险", "资源", "收尾", "知识管理", "绩效评价", "人才培养"}
    assert set(first["level"]) == {1, 2, 3, 4, 5}
    assert (last["score"].to_numpy() >= first["score"].to_numpy()).all()
    crossed = (first["score"] < 80) & (last["score"] >= 80)
    assert crossed.sum() >= 2


def test_process_kpis_improve_after_the_change_and_stay_flat_elsewhere(sample):
    kpis = sample[-1].frames["process_kpis"]
    change = dt.date(2026, 2, 1)  # 8 months before the last month (2026-10)

    def before_after(process):
        rows = kpis[kpis["process"] == process]
        after = rows["month"] >= change
        return rows.loc[~after, "cycle_time_days"].mean(), rows.loc[after, "cycle_time_days"].mean()

    before, after = before_after("立项审批")
    assert after < 0.7 * before
    before, after = before_after("月度状态报告")
    assert after == pytest.approx(before, rel=0.15)
    assert len(kpis) == 6 * 24 and kpis["error_rate"].between(0, 1).all()


# --- the PMO's registers: cash flows, lessons, targets, change requests ------------------------------


def test_every_snapshot_holds_the_registers_and_the_last_shows_each(sample):
    assert set(gen.REGISTERS) <= set(gen.TABLES)
    last = sample[-1].frames
    assert {t: len(last[t]) for t in gen.REGISTERS} == {"cash_flows": 383, "lessons": 13, "targets": 12,
                                                        "change_requests": 7}
    for snap in sample:
        for table in gen.REGISTERS:
            key = [c.name for c in KINDS[table].columns if c.name in KINDS[table].key]
            assert not snap.frames[table].duplicated(key).any(), (snap.as_of, table)


def test_lessons_are_of_projects_closed_by_then(sample):
    for snap in sample:
        status = snap.frames["projects"].set_index("project_id")["status"]
        lessons = snap.frames["lessons"]
        assert set(status[lessons["project_id"]]) <= {"completed", "cancelled"}
        assert (lessons["recorded_on"] <= snap.as_of).all()
        closed = set(status[status.isin(["completed", "cancelled"])].index)
        assert set(lessons["project_id"]) == closed  # every closed project wrote one down


def test_targets_rise_over_the_last_three_years(sample):
    targets = sample[-1].frames["targets"].pivot(index="metric", columns="year", values="target")
    assert list(targets.columns) == [2024, 2025, 2026]
    assert set(targets.index) == set(SCORECARD_METRICS)
    assert (targets.diff(axis=1).iloc[:, 1:] > 0).all().all()
    assert targets.loc["on_time_rate", 2026] == 0.75


def test_change_requests_grow_consistently_and_are_decided_after_they_are_raised(sample):
    for earlier, later in zip(sample, sample[1:], strict=False):
        before = earlier.frames["change_requests"].set_index("cr_id")
        after = later.frames["change_requests"].set_index("cr_id")
        assert set(before.index) <= set(after.index)
        same = ["project_id", "raised_on", "title", "budget_delta", "schedule_delta_months"]
        assert before[same].to_dict("index") == after.loc[list(before.index), same].to_dict("index")
        decided = before[before["status"] != "submitted"]
        assert (after.loc[decided.index, "status"] == decided["status"]).all()  # a decision stays
    for snap in sample:
        requests = snap.frames["change_requests"]
        decided = requests["status"] != "submitted"
        assert requests.loc[~decided, "decided_on"].isna().all()
        assert (requests.loc[decided, "decided_on"] >= requests.loc[decided, "raised_on"]).all()
        assert (requests.loc[decided, "decided_on"] <= snap.as_of).all()
        status = snap.frames["projects"].set_index("project_id")["status"]
        assert set(status[requests["project_id"]]) <= {"active", "completed", "on_hold"}
    assert sorted(sample[-1].frames["change_requests"]["status"]) == [
        "approved", "approved", "approved", "rejected", "submitted", "submitted", "withdrawn"]


def test_cash_flows_spend_each_budget_then_bring_benefits(sample):
    for snap in sample:
        projects = snap.frames["projects"].set_index("project_id")
        for project_id, flows in snap.frames["cash_flows"].groupby("project_id"):
            months = int(projects.loc[project_id, "duration_months"])
            assert list(flows["month_offset"]) == list(range(months + gen.BENEFIT_MONTHS))
            assert flows["cost"].iloc[:months].sum() == pytest.approx(projects.loc[project_id, "budget"], abs=0.005)
            assert (flows["benefit"].iloc[:months] == 0).all() and (flows["benefit"].iloc[months:] > 0).all()
            assert projects.loc[project_id, "status"] in ("proposed", "approved")
    groups = sample[-1].frames["projects"].set_index("project_id")["exclusive_group"]
    with_flows = set(sample[-1].frames["cash_flows"]["project_id"])
    assert set(groups.dropna().index) <= with_flows  # both alternatives of each exclusive group have a case


def test_benchmark_shape_gives_projects_times_months_status_rows():
    snaps = generate(projects=40, months=15, seed=3, snapshots=1, all_reporting=True,
                     tables=["projects", "status_reports"])
    assert len(snaps) == 1 and set(snaps[0].frames) == {"projects", "status_reports"}
    assert len(snaps[0].frames["status_reports"]) == 40 * 15
    assert set(snaps[0].frames["projects"]["status"]) <= {"active", "on_hold"}


def test_tables_do_not_change_the_data():
    full = generate(projects=25, months=2, seed=5)[-1].frames
    part = generate(projects=25, months=2, seed=5, tables=["status_reports"])[-1].frames
    pd.testing.assert_frame_equal(full["status_reports"], part["status_reports"])


@pytest.mark.parametrize(
    "kwargs",
    [{"projects": 9}, {"months": 0}, {"months": 3, "snapshots": 4}, {"snapshots": 0}, {"tables": ["budget"]},
     {"end_month": "2026/10"}],
)
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        generate(**kwargs)


# --- the writer --------------------------------------------------------------------------------


def test_format_column_writes_what_chinese_exports_look_like():
    march = dt.date(2026, 3, 1)
    assert format_column([1200.0, 35.5, np.nan], "money", EXCEL_ZH) == ["1,200", "35.5", ""]
    assert format_column([1200.0], "money", TSV_ZH) == ["1，200"]
    assert format_column([1200.0], "money", PLAIN) == ["1200"]
    assert format_column([march], "date", EXCEL_ZH) == ["2026年3月1日"]
    assert format_column([march], "month", EXCEL_ZH) == ["2026年3月"]
    assert format_column([march], "month", FileStyle(month_format="slash")) == ["2026/3"]
    assert format_column([march, None], "month", PLAIN) == ["2026-03", ""]
    assert format_column([0.0, 3.0, 4.0, 5.0], "score", EXCEL_ZH) == ["无", "3", "高", "极高"]
    assert format_column([0.035, 0.25], "fraction", EXCEL_ZH) == ["3.5%", "25%"]
    assert format_column([0.035], "fraction", PLAIN) == ["0.035"]
    assert format_column([45.5], "points", EXCEL_ZH) == ["45.5%"]
    assert format_column(["active", "on_hold"], "status", EXCEL_ZH) == ["进行中", "暂停"]
    assert format_column(["red"], "rag", EXCEL_ZH) == ["红"]
    assert format_column([True, False], "bool", EXCEL_ZH) == ["是", "否"]
    assert format_column([["PRJ-1", "PRJ-2"], []], "list", EXCEL_ZH) == ["PRJ-1；PRJ-2", ""]


def test_sample_files_use_the_encoding_mix():
    raw = (SAMPLE / "03_2026-07" / "projects.csv").read_bytes()
    assert raw.decode("gb18030").startswith("项目编号,项目名称") and b"\r\n" in raw
    assert (SAMPLE / "02_2026-06" / "status_reports.csv").read_bytes().startswith(b"\xef\xbb\xbfproject_id")
    assert "年" in (SAMPLE / "03_2026-07" / "status_reports.csv").read_bytes().decode("gb18030")
    plain = (SAMPLE / "01_2026-05" / "projects.csv").read_text(encoding="utf-8")
    assert plain.startswith("project_id,name,category")


def test_write_bundle_replaces_old_snapshot_folders_only(tmp_path):
    (tmp_path / "09_2020-01").mkdir()
    (tmp_path / "notes").mkdir()
    folders = write_bundle(generate(projects=12, months=1, seed=1), tmp_path, plain=True)
    assert [f.name for f in folders] == ["01_2026-10"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_2026-10", "notes"]


def test_cli_writes_the_bundle_and_refuses_bad_sizes(tmp_path, capsys):
    assert gen.main(["--projects", "15", "--months", "2", "--seed", "4", "--plain", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_2026-09", "02_2026-10"]
    assert "status_reports" in capsys.readouterr().out
    assert gen.main(["--projects", "5", "--out", str(tmp_path)]) == 2


# --- through the real importer -----------------------------------------------------------------


def _comparable(value):
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.ndarray | list):
        return tuple(value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    return round(value, 9) if isinstance(value, float) else value


def test_the_importer_reads_the_sample_back_exactly(sample_con, sample):
    listing = snap_store.list_snapshots(sample_con).sort_values("as_of")
    assert [d.date() if hasattr(d, "date") else d for d in listing["as_of"]] == [s.as_of for s in sample]
    for snapshot_id, snap in zip(listing["snapshot_id"], sample, strict=True):
        for table, frame in snap.frames.items():
            stored = snap_store.read_table(sample_con, table, int(snapshot_id))
            assert len(stored) == len(frame), table
            for column in frame.columns:
                got = [_comparable(v) for v in stored[column].tolist()]
                want = [_comparable(v) for v in frame[column].tolist()]
                assert got == want, f"{snap.as_of} {table}.{column}"
