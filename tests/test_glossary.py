"""The catalogues follow docs/glossary.md: no avoided Chinese word, and the glossary's Chinese term
wherever the English text of the same key uses the English term (terms marked *loose* excepted)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
PLACEHOLDER = re.compile(r"\{[^}]*\}")  # {snapshot_id} is not the word "snapshot"


def _catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for file in sorted((ROOT / "i18n" / lang).glob("*.json")):
        merged.update(json.loads(file.read_text(encoding="utf-8")))
    return merged


def glossary() -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(English, 中文, avoided words, loose) for every row of the glossary table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        avoid = tuple(w for w in re.split(r"[、,]", cells[2]) if w.strip())
        rows.append((cells[0], cells[1], avoid, "*loose*" in cells[3]))
    return rows


EN, ZH = _catalogue("en"), _catalogue("zh")
TERMS = glossary()


def test_the_glossary_is_read():
    assert len(TERMS) >= 30
    assert ("efficient frontier", "有效前沿", ("效率前沿", "有效边界"), False) in TERMS


@pytest.mark.parametrize(("english", "chinese", "avoid", "loose"), TERMS, ids=[t[0] for t in TERMS])
def test_catalogues_follow_the_glossary(english, chinese, avoid, loose):
    avoided = [f"{key}: {text}" for key, text in ZH.items() if any(word in text for word in avoid)]
    assert avoided == []
    if loose:
        return
    pattern = re.compile(rf"\b{re.escape(english)}", re.IGNORECASE)
    missing = [f"{key}: {EN[key]} | {ZH.get(key)}" for key in EN
               if pattern.search(PLACEHOLDER.sub("", EN[key])) and chinese not in ZH.get(key, "")]
    assert missing == []
