"""Lessons learned: tags, the text the full-text index reads, and the filters of the Lessons page.

- `tag_list(text)`: tags as typed ("vendor; 数据迁移，testing") -> ("vendor", "数据迁移", "testing"),
  trimmed, case kept, duplicates dropped;
- `index_text(text)`: what the BM25 index reads. DuckDB's fts tokenises on non-letters, which would keep a
  whole Chinese sentence as one token; so every run of CJK characters is also written as its overlapping
  character bigrams ("供应商延期" -> "供应 应商 商延 延期"), the usual way to index Chinese without a
  dictionary. A query goes through the same function, so "供应商" matches "供应 应商";
- `filter_lessons(frame, ...)`: the page's filters (lesson category, tag, project category, department,
  project status), each empty = no filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

_TAG_SPLIT = re.compile(r"[;；,，、|]+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_LESSON_CHARS = 4000


def tag_list(text: object) -> tuple[str, ...]:
    if text is None or (isinstance(text, float) and text != text):
        return ()
    return tuple(dict.fromkeys(t.strip() for t in _TAG_SPLIT.split(str(text)) if t.strip()))


def cjk_bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i:i + 2] for i in range(len(run) - 1)]


def index_text(text: object) -> str:
    """`text` lower-cased, with every CJK run replaced by its character bigrams (see the module docstring)."""
    if text is None:
        return ""
    return _CJK_RUN.sub(lambda m: " " + " ".join(cjk_bigrams(m.group(0))) + " ", str(text).lower())


def filter_lessons(frame: pd.DataFrame, *, categories: Iterable[str] = (), tags: Iterable[str] = (),
                   project_categories: Iterable[str] = (), departments: Iterable[str] = (),
                   statuses: Iterable[str] = ()) -> pd.DataFrame:
    """Rows matching every non-empty filter; a lesson matches `tags` when it carries any of them."""
    keep = pd.Series(True, index=frame.index)
    for column, wanted in (("category", categories), ("project_category", project_categories),
                           ("department", departments), ("status", statuses)):
        wanted = set(wanted)
        if wanted:
            keep &= frame[column].isin(wanted)
    wanted_tags = set(tags)
    if wanted_tags:
        keep &= frame["tags"].map(lambda v: bool(wanted_tags & set(tag_list(v))))
    return frame[keep]
