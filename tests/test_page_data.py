"""AppTest of the Data page in both languages: templates, upload and check, import, rename, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import db, snapshots
from store.importer import import_paths
from tests.markdown_text import shown

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).resolve().parent / "resources"
VALID = RESOURCES / "valid"

TEXT = {
    "en": {
        "title": "Data",
        "empty_upload": "Upload files to see what was recognised and what needs fixing. Nothing is written until you press Import.",
        "no_snapshots": "No snapshots yet.",
        "clean": "All files are valid.",
        "imported": "Snapshot #1 “2026-03” imported: 48 rows from 8 files. It is now selected in the sidebar.",
        "errors": "33 problems must be fixed before this can be imported. Nothing has been written.",
        "bad_budget": "Expected a number, such as 1200, 1,200 or 12.5.",
        "kind_projects": "Projects",
        "error": "Error",
        "duplicate": "These files were imported before, as snapshot #1. Importing them again would add nothing.",
        "renamed": "Snapshot #1 renamed to “Q1 close”.",
        "deleted": "Snapshot #1 “Q1 close” deleted.",
    },
    "zh": {
        "title": "数据",
        "empty_upload": "上传文件后即可查看识别结果和需要修改的地方。点击“导入”之前不会写入任何数据。",
        "no_snapshots": "尚无数据快照。",
        "clean": "所有文件均校验通过。",
        "imported": "快照 #1“2026-03”已导入：8 个文件共 48 行。侧边栏已切换到该快照。",
        "errors": "有 33 个问题需要修正后才能导入。尚未写入任何数据。",
        "bad_budget": "应为数字，例如 1200、1,200 或 12.5。",
        "kind_projects": "项目",
        "error": "错误",
        "duplicate": "这些文件已导入过（快照 #1），再次导入不会新增任何内容。",
        "renamed": "快照 #1 已重命名为“Q1 close”。",
        "deleted": "快照 #1“Q1 close”已删除。",
    },
}


@pytest.fixture
def app(data_page):
    return data_page  # conftest: the Data page through the router


@pytest.fixture
def imported(db_file, templates) -> int:
    """`db_file` holds tests/resources/valid imported as snapshot "2026-03"; its id."""
    return templates.copy("valid", lambda con: import_paths(con, [VALID], label="2026-03").snapshot_id, db_file)


def _files(folder: Path) -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.iterdir())]


def _snapshot_count(db_file: Path) -> int:
    return snapshots.snapshot_count(db.cursor(db_file))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_empty_page_offers_templates_and_upload(app, lang):
    at = app(lang)
    text = TEXT[lang]
    assert [x.value for x in at.title] == [text["title"]]
    assert [x.value for x in at.main.info] == [text["empty_upload"], text["no_snapshots"]]
    downloads = at.get("download_button")
    assert len(downloads) == 6  # per header language: one kind's CSV, all CSVs in a zip, the .xlsx workbook
    contract = at.main.dataframe[0].value
    assert len(contract) == 22 and list(contract.iloc[:, 0])[:2] == ["project_id", "name"]   # 16 + six three-point columns (issue 19)
    assert list(contract.iloc[:, 1])[:2] == ["项目编号", "项目名称"]
    assert at.file_uploader[0].accept_multiple_files


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_upload_check_and_import(app, db_file, lang):
    at = app(lang)
    text = TEXT[lang]
    at.file_uploader[0].set_value(_files(VALID)).run()
    assert not at.exception
    assert [m.value for m in at.main.metric] == ["8", "48", "0", "0"]
    assert [s.value for s in at.main.success] == [text["clean"]]
    recognised = at.main.dataframe[1].value
    assert len(recognised) == 8 and text["kind_projects"] in set(recognised.iloc[:, 1])
    assert _snapshot_count(db_file) == 0  # the preview writes nothing
    at.button(key="data_import").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.main.success] == [text["imported"]]
    assert _snapshot_count(db_file) == 1
    assert at.session_state["snapshot_id"] == 1  # the new snapshot becomes the current one
    listing = at.main.dataframe[-1].value
    assert list(listing.iloc[:, 1]) == ["2026-03"] and int(listing.iloc[0, 6]) == 4  # label, projects rows
    assert text["empty_upload"] in [x.value for x in at.main.info]  # the uploader was emptied


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_files_show_every_problem_and_write_nothing(app, db_file, lang):
    at = app(lang)
    text = TEXT[lang]
    at.file_uploader[0].set_value(_files(RESOURCES / "every_error")).run()
    assert not at.exception
    assert [m.value for m in at.main.metric][2:] == ["33", "14"]
    assert [e.value for e in at.main.error] == [text["errors"]]
    groups = at.main.dataframe[2].value  # one row per problem and column, with its exact count
    assert int(groups.iloc[:, 4].sum()) == 33 + 14 and len(groups) == 43
    report = at.main.dataframe[3].value
    assert len(report) == 47
    assert set(report.iloc[:33, 0]) == {text["error"]}  # errors first
    budget = report[(report.iloc[:, 1] == "projects.csv") & (report.iloc[:, 4] == "abc")]
    assert budget.iloc[0, 2] == "4" and budget.iloc[0, 3] == "budget" and budget.iloc[0, 5] == text["bad_budget"]
    assert at.button(key="data_import").disabled
    assert _snapshot_count(db_file) == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_duplicate_upload_is_named(imported, app, db_file, lang):
    at = app(lang, snapshot_id=imported)
    at.file_uploader[0].set_value(("bundle.zip", (RESOURCES / "valid_bundle.zip").read_bytes(), "application/zip")).run()
    assert not at.exception
    assert [w.value for w in at.main.warning] == [TEXT[lang]["duplicate"]]
    assert at.button(key="data_import").disabled


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rename_then_delete_after_confirmation(imported, app, db_file, lang):
    at = app(lang, snapshot_id=imported)
    at.text_input(key="data_new_label_1").set_value("Q1 close")
    at.button(key="data_rename").click().run()
    assert [s.value for s in at.main.success] == [TEXT[lang]["renamed"]]
    assert snapshots.get_snapshot(db.cursor(db_file), 1).label == "Q1 close"
    at.button(key="data_delete").click().run()
    assert len(at.main.warning) == 1 and "Q1 close" in at.main.warning[0].value  # asks first
    assert _snapshot_count(db_file) == 1
    at.button(key="data_delete_no").click().run()
    assert len(at.main.warning) == 0 and _snapshot_count(db_file) == 1
    at.button(key="data_delete").click().run()
    at.button(key="data_delete_yes").click().run()
    assert not at.exception
    assert [s.value for s in at.main.success] == [TEXT[lang]["deleted"]]
    assert _snapshot_count(db_file) == 0


ONE_PROBLEM = {
    "en": ("1 problem must be fixed before this can be imported. Nothing has been written.", "The file is empty."),
    "zh": ("有 1 个问题需要修正后才能导入。尚未写入任何数据。", "文件为空。"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_empty_file_is_one_problem_without_a_row_number(app, db_file, lang):
    at = app(lang)
    at.file_uploader[0].set_value([("empty.csv", b"", "text/csv")]).run()
    assert not at.exception
    assert [e.value for e in at.main.error] == [ONE_PROBLEM[lang][0]]
    report = at.main.dataframe[-1].value
    assert list(report.iloc[0]) == [TEXT[lang]["error"], "empty.csv", "—", "", "", ONE_PROBLEM[lang][1]]
    assert len(report) == 1
    cells = report.astype(str).to_numpy().ravel().tolist()
    assert not any(c in ("None", "<NA>", "nan") for c in cells)
    assert _snapshot_count(db_file) == 0


@pytest.mark.parametrize(
    ("lang", "plural", "singular"),
    [
        ("en", ["8 files", "1,200 rows", "3 warnings were noted during the import.",
                "The import was refused (2 problems). Nothing was written."],
         ["1 file", "1 row", "1 warning was noted during the import.",
          "The import was refused (1 problem). Nothing was written."]),
        ("zh", ["8 个文件", "1,200 行", "导入时记录了 3 条警告。", "导入被拒绝（2 个问题），未写入任何数据。"],
         ["1 个文件", "1 行", "导入时记录了 1 条警告。", "导入被拒绝（1 个问题），未写入任何数据。"]),
    ],
)
def test_count_messages_agree_with_their_number(lang, plural, singular):
    from i18n import translate
    from ui import data as view

    def texts(files: int, rows: int, warnings: int, problems: int) -> list[str]:
        return [
            view.count_phrase("files", files), view.count_phrase("rows", rows),
            translate(lang, view.count_key("data.import.with_warnings", warnings), count=warnings),
            translate(lang, view.count_key("data.import.refused", problems), count=problems),
        ]

    import streamlit as st

    st.session_state["lang"] = lang
    try:
        assert texts(8, 1200, 3, 2) == plural
        assert texts(1, 1, 1, 1) == singular
    finally:
        del st.session_state["lang"]
