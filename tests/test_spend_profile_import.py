"""Spend profiles through the store: the contract, the importer's checks (file, row, column, both
languages), migration 030, snapshots, `load_portfolio`, the CLI `optimize` on an imported snapshot
and the recommendation pack built from it. Real files, a real DuckDB file, the real solver."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import cli
from i18n import has_key
from reports.pack import build_pack
from store import db, snapshots
from store.contract import KINDS, kind_from_file_name
from store.importer import check_paths, import_paths, problem_text
from store.portfolio import load_portfolio

AS_OF = dt.date(2026, 4, 30)
# C1 is active since 2026-03 (3 months, budget 1,200); P1 and P2 are proposals that may start in 2026-04.
PROJECTS = (
    "project_id,name,category,status,start_month,latest_start_month,duration_months,budget,expected_benefit\n"
    "C1,Data centre,基础设施,active,2026-03,,3,\"1,200\",0\n"
    "P1,Portal,数字化转型,proposed,2026-04,2026-04,2,400,500\n"
    "P2,Rollout,数字化转型,proposed,2026-04,2026-04,3,300,350\n"
    "Z0,Study,研发创新,proposed,2026-05,2026-05,2,0,10\n"
)
# C1 typed as amounts (800 + 200 + 200 = its budget), P2 as percentages (20/30/50), Z0 all zero (budget 0).
PROFILE_ZH = "项目编号,相对月份,月度支出\r\nC1,0,800\r\nC1,1,200\r\nC1,2,200\r\nP2,0,20%\r\nP2,1,30%\r\nP2,2,50%\r\nZ0,0,0\r\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    write(folder, "projects.csv", PROJECTS)
    write(folder, "支出计划.csv", PROFILE_ZH, "gb18030")
    return folder


# --- contract ---------------------------------------------------------------------------------------


def test_the_kind_is_optional_keyed_and_named_in_both_languages(con):
    kind = KINDS["spend_profile"]
    assert [c.name for c in kind.columns] == ["project_id", "month_offset", "planned_spend"]
    assert [c.zh for c in kind.columns] == ["项目编号", "相对月份", "月度支出"]
    assert kind.key == ("project_id", "month_offset") and kind.column("planned_spend").money
    assert [kind_from_file_name(n) for n in ("spend_profile.csv", "支出计划.csv", "2026年月度支出.csv")] == ["spend_profile"] * 3
    assert "spend_profile" in snapshots.DATA_TABLES
    assert con.execute("SELECT name FROM schema_version WHERE version = 30").fetchone() == ("030_spend_profile",)
    described = {row[0]: row[1] for row in con.execute("DESCRIBE spend_profile").fetchall()}
    assert described == {"snapshot_id": "INTEGER", "project_id": "VARCHAR", "month_offset": "INTEGER",
                         "planned_spend": "DOUBLE"}


# --- import -----------------------------------------------------------------------------------------


def test_gb18030_chinese_headers_amounts_and_percentages_are_imported(con, bundle):
    report = import_paths(con, [bundle], label="2026-04", as_of=AS_OF)
    assert report.snapshot_id is not None, report.texts()
    info = next(f for f in report.files if f.name == "支出计划.csv")
    assert (info.kind, info.encoding, info.rows) == ("spend_profile", "gb18030", 7)
    assert info.columns == (("项目编号", "project_id"), ("相对月份", "month_offset"), ("月度支出", "planned_spend"))
    stored = con.execute("SELECT project_id, month_offset, planned_spend FROM spend_profile WHERE snapshot_id = ?"
                         " ORDER BY project_id, month_offset", [report.snapshot_id]).fetchall()
    assert stored == [("C1", 0, 800.0), ("C1", 1, 200.0), ("C1", 2, 200.0),
                      ("P2", 0, 20.0), ("P2", 1, 30.0), ("P2", 2, 50.0), ("Z0", 0, 0.0)]
    # P2's percentages add up to 100, not its budget of 300: used as shares, with a warning
    spend_warnings = [(p.file, p.row, p.column, p.code) for p in report.warnings if p.file == "支出计划.csv"]
    assert spend_warnings == [("支出计划.csv", 5, "月度支出", "profile_total_differs")]
    warning = next(p for p in report.warnings if p.code == "profile_total_differs")
    assert warning.params == {"project": "P2", "total": "100", "budget": "300"}
    assert problem_text(warning, "zh") == "项目 P2 的支出计划合计为 100，与预算 300 不一致：预算将按支出计划的比例分摊到各月。"
    assert problem_text(warning, "en").startswith("The spend profile of project P2 adds up to 100, not its budget of 300")
    listing = snapshots.list_snapshots(con)
    assert int(listing.loc[0, "spend_profile"]) == 7


def test_within_half_a_percent_of_the_budget_is_no_warning(tmp_path):
    folder = tmp_path / "b"
    write(folder, "projects.csv", PROJECTS)
    # C1: 1,205 against 1,200 is 0.42 % off (no warning); P1: 402.4 against 400 is 0.6 % off (warning)
    write(folder, "spend_profile.csv", "project_id,month_offset,planned_spend\nC1,0,\"1,005\"\nC1,2,200\n"
                                       "P1,0,200\nP1,1,202.4\n")
    report = check_paths([folder], as_of=AS_OF)
    assert not report.errors
    assert [(p.row, p.code, p.params["project"]) for p in report.warnings if p.file == "spend_profile.csv"] == \
        [(4, "profile_total_differs", "P1")]


ERRORS = (
    "项目编号,相对月份,月度支出\n"
    "C1,0,800\n"        # row 2
    "NOPE,0,10\n"       # row 3: unknown project
    "C1,0,300\n"        # row 4: duplicate of row 2
    "C1,1,-5\n"         # row 5: negative
    "C1,3,100\n"        # row 6: C1 lasts 3 months: offsets 0-2
    "P1,0,0\n"          # row 7: all-zero profile of a project with budget 400 ...
    "P1,1,0\n"          # row 8: ... (reported once, at its first row)
    "P2,0,abc\n"        # row 9: not a number
)


def test_each_error_names_file_row_and_column_and_nothing_is_written(con, tmp_path):
    folder = tmp_path / "bad"
    write(folder, "projects.csv", PROJECTS)
    write(folder, "支出计划.csv", ERRORS, "gb18030")
    report = import_paths(con, [folder], label="bad", as_of=AS_OF)
    found = {(p.row, p.column, p.code) for p in report.errors if p.file == "支出计划.csv"}
    assert found == {
        (3, "项目编号", "unknown_project"),
        (4, "项目编号", "duplicate_key"),
        (5, "月度支出", "below_minimum"),
        (6, "相对月份", "profile_after_end"),
        (7, "月度支出", "profile_all_zero"),
        (9, "月度支出", "bad_number"),
    }
    assert report.snapshot_id is None
    assert con.execute("SELECT count(*) FROM spend_profile").fetchone()[0] == 0
    late = next(p for p in report.errors if p.code == "profile_after_end")
    assert (late.value, late.params) == ("3", {"duration": 3, "last": 2})
    assert problem_text(late, "en") == ("After the project's last month: its duration is 3 months, "
                                        "so the month offset must be 0 to 2.")
    assert problem_text(late, "zh") == "超出项目工期：该项目工期为 3 个月，相对月份应为 0 至 2。"
    zero = next(p for p in report.errors if p.code == "profile_all_zero")
    assert zero.params == {"project": "P1", "budget": "400"}
    assert problem_text(zero, "zh") == "项目 P1 的计划支出全部为 0，但其预算为 400：请至少为一个月份填写大于 0 的金额。"
    duplicate = next(p for p in report.errors if p.code == "duplicate_key")
    assert duplicate.params == {"first_row": 2, "key": "项目编号, 相对月份"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_profile_problem_reads_in_both_languages(tmp_path, lang):
    folder = tmp_path / "bad"
    write(folder, "projects.csv", PROJECTS)
    write(folder, "支出计划.csv", ERRORS + "P2,0,1\n", "gb18030")
    report = check_paths([folder], as_of=AS_OF, lang=lang)
    codes = {p.code for p in report.problems if p.file == "支出计划.csv"}
    assert {"profile_after_end", "profile_all_zero", "profile_total_differs"} <= codes
    for problem in report.problems:
        assert has_key(lang, f"data.problem.{problem.code}")
        assert "{" not in problem_text(problem, lang)


def test_a_profile_needs_the_projects_file(tmp_path):
    path = write(tmp_path, "spend_profile.csv", "project_id,month_offset,planned_spend\nC1,0,5\n")
    report = check_paths([path])
    assert [(p.file, p.code, p.params) for p in report.errors] == [("spend_profile.csv", "needs_kind", {"kind": "projects"})]


# --- store --------------------------------------------------------------------------------------------


def test_load_portfolio_passes_the_profile_and_delete_removes_it(con, bundle, tmp_path):
    sid = import_paths(con, [bundle], label="with", as_of=AS_OF).snapshot_id
    data = load_portfolio(con, sid)
    rows = data.spend_profile.sort_values(["project_id", "month_offset"])
    assert list(rows.itertuples(index=False, name=None))[:3] == [("C1", 0, 800.0), ("C1", 1, 200.0), ("C1", 2, 200.0)]
    plain = write(tmp_path / "plain", "projects.csv", PROJECTS.replace("Portal", "Portal 2"))
    other = import_paths(con, [plain], label="without", as_of=AS_OF).snapshot_id
    assert load_portfolio(con, other).spend_profile is None
    snapshots.delete_snapshot(con, sid)
    assert con.execute("SELECT count(*) FROM spend_profile").fetchone()[0] == 0


# --- the CLI optimiser on the imported snapshot, and its pack -----------------------------------------
#
# Horizon 2026-04 + 12 months, objective benefit, budget 1,100.
# C1 (committed) spends its months 1 and 2 inside the horizon: 200 + 200 = 400 (even: 400 + 400 = 800).
# P1 (500) costs 400, P2 (350) costs 300 (shares 20/30/50 of 300: 60/90/150), Z0 (10) costs nothing.
# Profiled: 400 + 400 + 300 = 1,100 fits: objective 500 + 350 + 10 = 860.
# Even: 800 leaves 300: P2 + Z0 = 360 (P1 does not fit).


def run_json(capsys, *args: str) -> dict:
    assert cli.main(["optimize", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_optimize_on_an_imported_snapshot_with_profiles(db_file, bundle, tmp_path, capsys):
    con = db.connect(db_file)
    sid = import_paths(con, [bundle], label="with", as_of=AS_OF).snapshot_id
    even_folder = tmp_path / "even"
    write(even_folder, "projects.csv", PROJECTS + "E9,Spare,ops,cancelled,2025-01,,1,1,1\n")
    even = import_paths(con, [even_folder], label="even", as_of=AS_OF).snapshot_id
    con.close()
    common = ["--db", str(db_file), "--objective", "benefit", "--budget", "1100", "--horizon-start", "2026-04",
              "--horizon-months", "12"]
    answer = run_json(capsys, *common, "--snapshot", str(sid), "--save-as", "profiled")
    assert answer["status"] == "optimal" and answer["objective"] == pytest.approx(860.0)
    assert answer["total_cost"] == pytest.approx(1100.0)
    assert {p["project_id"] for p in answer["selected"]} == {"C1", "P1", "P2", "Z0"}
    flat = run_json(capsys, *common, "--snapshot", str(even))
    assert flat["objective"] == pytest.approx(360.0) and {p["project_id"] for p in flat["selected"]} == {"C1", "P2", "Z0"}
    con = db.connect(db_file)
    pack = build_pack(con, answer["scenario_id"])
    con.close()
    assert (pack.summary.committed_spend, pack.summary.new_spend) == pytest.approx((400.0, 700.0))
    # the horizon runs to 2027-03, but every month with spend is in 2026
    year, next_year = pack.budget_by_year
    assert (year.fiscal_year, next_year.fiscal_year, next_year.spend) == (2026, 2027, 0.0)
    assert year.spend == pytest.approx(1100.0)
    assert year.by_category == pytest.approx({"数字化转型": 700.0, "基础设施": 400.0, "研发创新": 0.0})


# --- the bundled sample ---------------------------------------------------------------------------------


def test_sample_profiles_add_up_to_each_snapshots_budgets_and_are_front_or_back_loaded():
    from data.generate import generate

    for snap in generate():
        profile = snap.frames["spend_profile"]
        projects = snap.frames["projects"].set_index("project_id")
        totals = profile.groupby("project_id")["planned_spend"].sum()
        assert 3 <= len(totals) <= 8                      # a handful of the sample's projects
        assert totals.to_dict() == pytest.approx(projects.loc[totals.index, "budget"].to_dict())
        durations = projects.loc[profile["project_id"], "duration_months"].to_numpy()
        assert (profile["month_offset"].to_numpy() < durations).all()
    shapes = {pid: list(rows) for pid, rows in profile.groupby("project_id")["planned_spend"]}
    front = [pid for pid, s in shapes.items() if s[0] > 2 * s[-1]]
    back = [pid for pid, s in shapes.items() if s[-1] > 2 * s[0]]
    assert front and back and not set(front) & set(back)


def test_the_imported_sample_feeds_its_profiles_to_the_optimiser(sample_con):
    from analytics.prepare import prepare
    from analytics.selection_types import SelectionParams

    sid = snapshots.latest_snapshot_id(sample_con)
    data = load_portfolio(sample_con, sid)
    assert data.spend_profile is not None and len(data.spend_profile) == 35
    prep = prepare(data, SelectionParams(horizon_start=data.as_of))
    first = data.spend_profile.sort_values("month_offset").groupby("project_id").first()["planned_spend"]
    rows = prep.project_spend[prep.project_spend["month_offset"] == 0].set_index("project_id")["spend"]
    assert rows.loc[first.index].to_dict() == pytest.approx(first.to_dict())   # amounts = the budget's shares
    assert not any(p.code.startswith("profile_") for p in check_paths(
        [Path(__file__).resolve().parent.parent / "data" / "sample" / "06_2026-10"], as_of=dt.date(2026, 10, 31)).problems)
