"""The data contract: consistent with itself, with the database schema, the templates and the docs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from store.contract import (
    COLUMN_TYPES,
    KIND_ORDER,
    KINDS,
    Column,
    column_rule,
    contract_markdown,
    enum_lookup,
    header_candidates,
    kind_from_file_name,
    normalise_header,
    normalise_token,
    template_csv,
    template_file_name,
    templates_zip,
)
from store.importer import check_files
from store.snapshots import DATA_TABLES

ROOT = Path(__file__).resolve().parent.parent
DB_TYPES = {
    "id": "VARCHAR", "text": "VARCHAR", "enum": "VARCHAR", "bool": "BOOLEAN", "int": "INTEGER",
    "number": "DOUBLE", "score": "DOUBLE", "date": "DATE", "month": "DATE", "list": "VARCHAR[]",
}


def test_eight_kinds_in_table_order():
    assert KIND_ORDER == DATA_TABLES


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_kind_is_consistent(kind):
    spec = KINDS[kind]
    names = [c.name for c in spec.columns]
    assert len(names) == len(set(names))
    assert len({normalise_header(c.zh) for c in spec.columns}) == len(names)
    assert all(spec.column(k).required for k in spec.key)
    for ref in spec.references:
        assert ref.column in names
        assert ref.target_column in [c.name for c in KINDS[ref.target].columns]


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_contract_matches_database_columns_and_types(con, kind):
    described = {row[0]: row[1] for row in con.execute(f"DESCRIBE {kind}").fetchall()}
    described.pop("snapshot_id")
    assert set(described) == {c.name for c in KINDS[kind].columns}
    for column in KINDS[kind].columns:
        assert described[column.name] == DB_TYPES[column.type], column.name


def test_bad_column_type_is_refused():
    assert "score" in COLUMN_TYPES
    with pytest.raises(ValueError):
        Column("x", "某列", "decimal")


def test_header_normalisation():
    assert normalise_header("Project ID") == "projectid" == normalise_header("project_id")
    assert normalise_header("工期（月）") == normalise_header("工期(月)") == "工期月"
    assert normalise_header("  ＢＵＤＧＥＴ ") == "budget"
    assert header_candidates("预算 (budget)") == ["预算budget", "预算", "budget"]
    assert normalise_token("On Hold") == "on_hold" == normalise_token("on-hold")


@pytest.mark.parametrize(
    ("file_name", "kind"),
    [
        ("projects.csv", "projects"),
        ("项目.csv", "projects"),
        ("项目评分.csv", "project_scores"),
        ("2026-03_status_reports.csv", "status_reports"),
        ("march.zip/流程指标.csv", "process_kpis"),
        ("notes.csv", None),
    ],
)
def test_kind_from_file_name(file_name, kind):
    assert kind_from_file_name(file_name) == kind


def test_enum_spellings():
    status = enum_lookup("status")
    assert status[normalise_token("进行中")] == "active"
    assert status[normalise_token("On Hold")] == "on_hold"
    assert status[normalise_token("已取消")] == "cancelled"
    assert enum_lookup("rag")[normalise_token("黄")] == "amber"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KIND_ORDER)
def test_template_is_recognised_as_its_kind(kind, lang):
    data = template_csv(kind, lang)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Chinese headers correctly
    header = data.decode("utf-8-sig").strip().split(",")
    expected = [c.zh if lang == "zh" else c.name for c in KINDS[kind].columns]
    assert header == expected
    report = check_files([(template_file_name(kind, lang), data)])
    assert [f.kind for f in report.files] == [kind]
    codes = {p.code for p in report.problems}
    assert "no_rows" in codes and codes <= {"no_rows", "needs_kind"}  # headers all known, nothing missing


def test_templates_zip_holds_every_kind():
    with zipfile.ZipFile(io.BytesIO(templates_zip("zh"))) as archive:
        assert archive.namelist() == [template_file_name(k, "zh") for k in KIND_ORDER]
    assert template_file_name("projects", "zh") == "项目.csv"


def test_column_rules_in_words():
    projects = KINDS["projects"]
    assert column_rule(projects.column("risk_score"), "en") == "1 to 5"
    assert column_rule(projects.column("budget"), "zh") == "不小于 0；以快照的货币单位计"
    assert column_rule(KINDS["objectives"].column("weight"), "en") == "at least 0; 45% is read as 0.45"
    assert column_rule(projects.column("status"), "en").startswith("proposed (提议) / approved (已批准)")


def test_docs_are_generated_from_the_contract():
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert text == contract_markdown(), "run: python -m store.contract > docs/data-contract.md"
    assert "| **project_id** | 项目编号 |" in text
