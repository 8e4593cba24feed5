"""AppTest of the Data page's partial import (issue 15): exact totals, the checkbox with its counts,
the import of the rows that pass and the list of the rows left out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import db, snapshots
from tests.test_import_partial import bundle

ROOT = Path(__file__).resolve().parent.parent
TEXT = {
    "en": {
        "checkbox": "Import the 13 rows that pass and leave out 12 rows (download the list)",
        "followed": "Of those left out, 10 rows only because a row they refer to was refused.",
        "rows": "They are in 2 rows of the 25 rows read.",
        "done": "Partial import: 13 rows imported, 12 rows left out (download the list below).",
        "reason": "Left out: its project P2 was refused.",
    },
    "zh": {
        "checkbox": "导入通过校验的 13 行，不导入 12 行（可下载清单）",
        "followed": "未导入的行中，有 10 行仅因其引用的行被拒绝。",
        "rows": "涉及已读取的 25 行中的 2 行。",
        "done": "部分导入：已导入 13 行，未导入 12 行（清单可在下方下载）。",
        "reason": "未导入：所属项目 P2 被拒绝。",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_partial_import_from_the_data_page(db_file, tmp_path, monkeypatch, downloads, lang):
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    folder = bundle(tmp_path / "b")
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.iterdir())]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/data.py")
    at.run()
    at.file_uploader[0].set_value(files).run()
    assert not at.exception
    text = TEXT[lang]
    assert [m.value for m in at.main.metric][2:] == ["2", "0"]
    assert text["rows"] in [c.value for c in at.main.caption]
    box = at.checkbox[0]
    assert box.label == text["checkbox"] and not box.value
    assert text["followed"] in [c.value for c in at.main.caption]
    assert at.button(key="data_import").disabled  # all or nothing unless chosen
    assert any(text["reason"] in row for row in _csv(downloads["lodestar_import_rejects.csv"]))
    box.check().run()
    assert not at.button(key="data_import").disabled
    at.button(key="data_import").click().run()
    assert not at.exception
    assert text["done"] in [i.value for i in at.main.info]
    assert snapshots.snapshot_count(db.cursor(db_file)) == 1
    rejects = _csv(downloads["lodestar_import_rejects.csv"])
    assert len(rejects) == 1 + 12 and any(text["reason"] in row for row in rejects)
    db.close_shared(db_file)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_page_counts_every_bad_row_and_downloads_them_all(db_file, monkeypatch, downloads):
    from tests.test_import_totals import BAD, projects_csv

    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/data.py")
    at.run()
    at.file_uploader[0].set_value([("projects.csv", projects_csv(), "text/csv")]).run()
    assert not at.exception
    assert [m.value for m in at.main.metric][2:] == ["2,506", "0"]
    assert [e.value for e in at.main.error] == ["2,506 problems must be fixed before this can be imported. "
                                                "Nothing has been written."]
    assert "They are in 2,506 rows of the 2,540 rows read." in [c.value for c in at.main.caption]
    groups = at.main.dataframe[2].value
    assert [tuple(r) for r in groups.iloc[:, [2, 4, 5]].itertuples(index=False)] == [
        ("start_month", BAD, 100), ("budget", 3, 3)]
    assert len(at.main.dataframe[3].value) == 100 + 3 + 1  # the listed rows and one "…and 2403 more" line
    every = _csv(downloads["lodestar_import_report.csv"])
    assert len(every) == 1 + BAD + 3
    assert at.checkbox[0].label == "Import the 34 rows that pass and leave out 2,506 rows (download the list)"
    db.close_shared(db_file)
