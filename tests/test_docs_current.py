"""Lines of the README and the generated contract document that count the file kinds stay true."""

from __future__ import annotations

import re
from pathlib import Path

from data.generate import TABLES
from store.contract import KINDS, contract_markdown

ROOT = Path(__file__).resolve().parent.parent


def _readme_data_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("\n## Data\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_names_every_file_kind():
    section = _readme_data_section()
    assert [kind for kind in KINDS if not re.search(rf"\b{kind}\b", section)] == []


def test_no_count_of_csv_files_that_the_contract_outgrew():
    for text in (_readme_data_section(), contract_markdown()):
        assert not re.search(r"one to (nine|ten|eleven|twelve) CSV files|一至(九|十|十一)个 CSV", text)
    assert f"at most one of each of the {len(KINDS)} kinds below" in contract_markdown()


def test_the_sample_has_a_file_of_every_kind():
    latest = sorted(p for p in (ROOT / "data" / "sample").iterdir() if p.is_dir())[-1]
    assert set(TABLES) == set(KINDS)
    assert {p.stem for p in latest.glob("*.csv")} == set(KINDS)
