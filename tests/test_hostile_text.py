"""What people typed is shown as text on every page, and arrives as text in every file we write.

A real snapshot (the seeded generator's portfolio, imported through the importer) whose project
names, categories, departments, objective names, roles, maturity areas, processes, snapshot labels,
currency unit, weight-set name, scenario name and rationale and actor names are hostile: Markdown
images and links, raw HTML, emphasis, Streamlit colour directives, maths, and spreadsheet formulas.
Every page is rendered with AppTest; no Markdown-bearing element may hold an active image, link,
HTML tag, emphasis, directive or formula of ours, and no Plotly figure a raw `<a ` or `<img`.
Downloads (problem report, decision log, pack) are opened and each hostile cell checked exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.message import Message
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from store import db
from tests.hostile_data import (
    AT_FORMULA,
    FORMULA,
    HOSTILE,
    IMAGE,
    IMG_TAG,
    LABELS,
    LINK,
    OTHER_SCENARIO,
    RATIONALE,
    RENAMED,
    SCENARIO,
    UNIT,
    WEIGHT_SET,
    HostileDb,
    build,
)
from tests.markdown_text import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
RESOURCES = Path(__file__).resolve().parent / "resources"

# Active Markdown once CommonMark's backslash escapes are taken out (an escaped character is inert).
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
ACTIVE_MARKDOWN = ("![", "](", "<img", "<a ", "**bold**", ":red[", "$x$")
# GFM's bare autolinks, which the renderer finds after escapes are resolved.
_BARE_LINK = re.compile(r"https?://|www\.|[-.\w+]+@[-\w]+\.[-\w]", re.IGNORECASE)
# Proto fields Streamlit renders as Markdown (bodies, labels, tooltips, metric values and deltas);
# selectbox and multiselect options, text-input values and placeholders are plain text.
_MARKDOWN_FIELDS = frozenset({"body", "label", "help", "delta"})
_PLAIN_PROTOS = frozenset({"Code", "Text", "Json", "PageLink"})


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> HostileDb:
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def hostile_db(hostile_template: HostileDb, tmp_path: Path, monkeypatch) -> Iterator[HostileDb]:
    """A private copy for one test (pages may write: rename, decision log)."""
    target = tmp_path / "hostile.duckdb"
    shutil.copyfile(hostile_template.path, target)
    monkeypatch.setenv("LODESTAR_DB", str(target))
    yield HostileDb(target, hostile_template.snapshot_id, hostile_template.scenario_id)
    db.close_shared(target)


def _open(page: str, snapshot_id: int | None, language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = language
    at.session_state["snapshot_id"] = snapshot_id
    if page != "views/overview.py":
        at.switch_page(page)
    return _run(at)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------------------------ what is shown


def _strings(message: Message, prefix: str = "") -> Iterator[tuple[str, str]]:
    for field, value in message.ListFields():
        values = value if hasattr(value, "__len__") and not isinstance(value, str | bytes | Message) else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item, f"{prefix}{field.name}.")
            elif isinstance(item, str):
                yield f"{prefix}{field.name}", item


def _protos(node) -> Iterator[Message]:
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message):
        yield proto
    for child in getattr(node, "children", {}).values():
        yield from _protos(child)


def markdown_texts(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    texts = []
    for proto in _protos(at._tree):
        kind = proto.DESCRIPTOR.name
        if kind in _PLAIN_PROTOS or kind == "PlotlyChart":
            continue
        for field, text in _strings(proto):
            name = field.rsplit(".", 1)[-1]
            if name in _MARKDOWN_FIELDS or (kind == "Radio" and name == "options"):
                texts.append(text)
    return texts


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def figure_texts(at: AppTest) -> list[str]:
    """Every string inside every Plotly figure of the page (titles, ticks, texts, hovers, customdata)."""
    return [text for chart in at.get("plotly_chart") for text in _json_strings(json.loads(chart.proto.spec))]


def active_markdown(text: str) -> list[str]:
    inert = _ESCAPED.sub("\x00", text)
    resolved = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return [pattern for pattern in ACTIVE_MARKDOWN if pattern in inert] + _BARE_LINK.findall(resolved)


def assert_shown_as_text(at: AppTest, *, shows: tuple[str, ...], figures_show_names: bool) -> None:
    texts = markdown_texts(at)
    offending = [(text, active_markdown(text)) for text in texts if active_markdown(text)]
    assert not offending, offending
    visible = [shown(text) for text in texts]
    for typed in shows:
        assert any(typed in text for text in visible), (typed, visible)
    strings = figure_texts(at)
    raw_html = [text for text in strings if "<a " in text.lower() or "<img" in text.lower()]
    assert not raw_html, raw_html
    if figures_show_names:
        assert any("&lt;img src=x onerror=alert(1)&gt;" in text or '&lt;a href="http://evil.example"&gt;' in text
                   for text in strings), strings


# -------------------------------------------------------------------------------------------- pages


def test_overview(hostile_db):
    at = _open("views/overview.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(LABELS[1], SCENARIO, UNIT), figures_show_names=True)  # UNIT: the sidebar


def test_strategy_direct_and_pairwise(hostile_db):
    at = _open("views/strategy.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(WEIGHT_SET,), figures_show_names=True)
    at.radio(key="strategy.method").set_value("ahp")
    _run(at)
    assert_shown_as_text(at, shows=(WEIGHT_SET, f"{IMAGE} vs {LINK}"), figures_show_names=True)


def test_optimiser_form_and_a_loaded_scenario(hostile_db):
    at = _open("views/optimiser.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(), figures_show_names=False)
    at = _open("views/scenarios.py", hostile_db.snapshot_id)
    at.selectbox(key="scen.pick").set_value(hostile_db.scenario_id)
    _run(at)
    at.button(key="scen.load").click()  # the Scenarios page hands the scenario over to the optimiser
    _run(at)
    assert [title.value for title in at.title] == ["Portfolio optimiser"]
    assert_shown_as_text(at, shows=(SCENARIO, WEIGHT_SET, f"{UNIT} + new proposals"), figures_show_names=True)


def test_scenarios(hostile_db):
    at = _open("views/scenarios.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(SCENARIO, RATIONALE), figures_show_names=True)
    at.selectbox(key="scen.pick").set_value(hostile_db.scenario_id)
    _run(at)
    at.button(key="scen.delete").click()
    _run(at)
    assert_shown_as_text(at, shows=(SCENARIO,), figures_show_names=True)
    assert any(SCENARIO in shown(w.value) for w in at.warning)


def test_delivery(hostile_db):
    at = _open("views/delivery.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(LABELS[0],), figures_show_names=True)


def test_resources_with_the_scenario(hostile_db):
    at = _open("views/resources.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(), figures_show_names=True)
    at.selectbox(key="rs.scenario").set_value(hostile_db.scenario_id)
    _run(at)
    assert_shown_as_text(at, shows=(SCENARIO,), figures_show_names=True)


def test_maturity(hostile_db):
    at = _open("views/maturity.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(), figures_show_names=True)


def test_data_rename_and_delete(hostile_db):
    at = _open("views/data.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(), figures_show_names=False)
    at.selectbox(key="data_manage_pick").set_value(hostile_db.snapshot_id)
    _run(at)
    at.text_input(key=f"data_new_label_{hostile_db.snapshot_id}").set_value(RENAMED)
    at.button(key="data_rename").click()
    _run(at)
    assert_shown_as_text(at, shows=(RENAMED,), figures_show_names=False)   # the "renamed" message
    at.button(key="data_delete").click()
    _run(at)
    assert_shown_as_text(at, shows=(RENAMED,), figures_show_names=False)   # "delete ...?" asks first


def test_decision_log(hostile_db):
    at = _open("views/decision_log.py", hostile_db.snapshot_id)
    assert_shown_as_text(at, shows=(LABELS[1],), figures_show_names=False)  # the snapshot filter's tooltip


def test_chinese_overview_and_scenarios(hostile_db):
    for page, shows in (("views/overview.py", (LABELS[1], SCENARIO)), ("views/scenarios.py", (SCENARIO, RATIONALE))):
        assert_shown_as_text(_open(page, hostile_db.snapshot_id, "zh"), shows=shows, figures_show_names=True)


def test_a_domain_error_shows_its_parameters_as_text(hostile_db):
    at = _open("views/scenarios.py", hostile_db.snapshot_id)
    at.selectbox(key="scen.pick").set_value(hostile_db.scenario_id)
    _run(at)
    at.text_input(key=f"scen.new_name.{hostile_db.scenario_id}").set_value(OTHER_SCENARIO)  # taken
    at.button(key="scen.rename").click()
    _run(at)
    assert [shown(e.value) for e in at.error] == [f'Another scenario of this snapshot is already called "{OTHER_SCENARIO}".']
    assert_shown_as_text(at, shows=(SCENARIO, OTHER_SCENARIO), figures_show_names=True)


# -------------------------------------------------------------------------------------------- files


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_problem_report_csv_neutralises_cell_values_and_file_names(db_file, monkeypatch, downloads):
    files = []
    for path in sorted((RESOURCES / "valid").iterdir()):
        data = path.read_bytes()
        if path.name == "projects.csv":
            lines = data.decode("utf-8").splitlines()
            assert ',"1,200",' in lines[1] and ",450.5," in lines[2]
            lines[1] = lines[1].replace(',"1,200",', ',"=HYPERLINK(""http://evil"",""x"")",')
            lines[2] = lines[2].replace(",450.5,", f",{AT_FORMULA},")
            data = ("\n".join(lines) + "\n").encode("utf-8")
        files.append((path.name, data, "text/csv"))
    files.append(("=cmd.csv", b"a,b\n1,2\n", "text/csv"))
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = _open("views/data.py", None)
    at.file_uploader[0].set_value(files)
    _run(at)
    rows = _csv_rows(downloads["lodestar_import_report.csv"])
    assert rows[0] == ["Severity", "File", "Row", "Column", "Value", "Problem"]
    body = {(r[1], r[2], r[3]): r[4] for r in rows[1:]}
    assert body[("projects.csv", "2", "budget")] == "'" + FORMULA
    assert body[("projects.csv", "3", "budget")] == "'" + AT_FORMULA
    assert body[("'=cmd.csv", "1", "")] == ""
    assert len(rows) == 4
    db.close_shared(db_file)


def test_decision_log_exports_keep_hostile_names_as_text(hostile_db, downloads):
    at = _open("views/decision_log.py", hostile_db.snapshot_id)
    assert at.download_button(key="log.export_csv")
    csv_name = next(name for name in downloads if name.endswith(".csv"))
    xlsx_name = next(name for name in downloads if name.endswith(".xlsx"))
    rows = _csv_rows(downloads[csv_name])
    actors = {r[2] for r in rows[1:]}
    assert {"'" + FORMULA, "'" + AT_FORMULA, LINK, IMG_TAG}.issubset(actors), actors
    sheet = load_workbook(io.BytesIO(downloads[xlsx_name])).active
    cells = {cell.value: cell for cell in sheet["C"][1:]}
    for typed in (FORMULA, AT_FORMULA):
        assert cells[typed].data_type == "s" and cells[typed].quotePrefix


def test_pack_csv_keeps_hostile_project_names_as_text(hostile_db, downloads):
    _open("views/overview.py", hostile_db.snapshot_id)
    pack = next(data for name, data in downloads.items() if name.endswith(".csv"))
    names = [row[1] for row in _csv_rows(pack)[1:]]
    assert not [name for name in names if name[0] in "=@"], names
    assert {"'" + FORMULA, "'" + AT_FORMULA} & set(names), names
    assert all(name.lstrip("'").split(" <img")[0] in HOSTILE for name in names), names
