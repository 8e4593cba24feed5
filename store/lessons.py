"""Lessons learned: every lesson of every snapshot (imported or captured in the app), captured lessons,
and full-text search with DuckDB's `fts` extension.

`all_lessons(con)`: one row per lesson (imported `lessons` rows and app-captured `captured_lessons`), with
the project's name, category, department and status in that lesson's snapshot; a lesson repeated in later
snapshots (the same project, date and text) is shown once, from the latest.

`search(con, query, ...)`: BM25 relevance (DuckDB's `fts` extension, loaded offline from the PyPI wheel
`duckdb-extension-fts`, see TOOLCHAIN.md) over project id, name, category, tags and the lesson text. The
index is built in a private in-memory DuckDB database on each search: the store itself stays plain SQL
(so it runs on PostgreSQL too), and a few thousand lessons index in milliseconds.

`capture_lesson(...)`: a lesson written in the app for a project completed in the snapshot; role analyst
or above (the `import` right: it adds data), logged in the decision log as `lesson_capture`.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pandas as pd

from analytics.lessons import MAX_LESSON_CHARS, filter_lessons, index_text, tag_list
from store import decision_log
from store.backend import wheel_extension_file
from store.db import transaction
from store.errors import StoreError
from store.users import Actor, require

COLUMNS = ["snapshot_id", "project_id", "recorded_on", "category", "lesson", "tags", "source", "recorded_by",
           "name", "project_category", "department", "status"]
_LOCK = threading.Lock()


class InvalidLesson(StoreError):
    key = "lessons.error.invalid"


class FullTextUnavailable(StoreError):
    key = "lessons.error.fts"


_ALL_SQL = """
WITH every AS (
    SELECT snapshot_id, project_id, recorded_on, category, lesson, tags, 'import' AS source,
           CAST(NULL AS VARCHAR) AS recorded_by FROM lessons
    UNION ALL
    SELECT snapshot_id, project_id, recorded_on, category, lesson, tags, 'app' AS source, recorded_by
    FROM captured_lessons
), latest AS (
    SELECT *, row_number() OVER (PARTITION BY project_id, recorded_on, lesson ORDER BY snapshot_id DESC) AS copy
    FROM every WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots)
)
SELECT l.snapshot_id, l.project_id, l.recorded_on, l.category, l.lesson, l.tags, l.source, l.recorded_by,
       p.name, p.category AS project_category, p.department, p.status
FROM latest l LEFT JOIN projects p ON p.snapshot_id = l.snapshot_id AND p.project_id = l.project_id
WHERE l.copy = 1
ORDER BY l.recorded_on DESC, l.project_id, l.lesson
"""


def all_lessons(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(_ALL_SQL).df()[COLUMNS]


def fts_extension() -> Path:
    """The fts extension file shipped in the `duckdb-extension-fts` wheel (for duckdb 1.5.5)."""
    try:
        import duckdb_extension_fts
    except ImportError as e:
        raise FullTextUnavailable("duckdb-extension-fts is not installed", reason="not installed") from e
    found = wheel_extension_file(duckdb_extension_fts, "fts")
    if found is None:
        raise FullTextUnavailable(f"no fts extension for duckdb {duckdb.__version__}", reason=duckdb.__version__)
    return found


def relevance(texts: pd.Series, query: str) -> pd.Series:
    """BM25 score of each text (index = the caller's ids) for `query`; texts that do not match are left out."""
    if texts.empty or not query.strip():
        return pd.Series(dtype=float)
    index = duckdb.connect()   # private, in memory: the store stays free of extension objects
    try:
        with _LOCK:   # loading an extension file is not something to race on
            index.execute(f"LOAD '{fts_extension().as_posix()}'")
        frame = pd.DataFrame({"doc": range(len(texts)), "body": [index_text(t) for t in texts]})
        index.register("source_docs", frame)
        index.execute("CREATE TABLE docs AS SELECT * FROM source_docs")
        index.execute("PRAGMA create_fts_index('docs', 'doc', 'body', stemmer = 'porter', stopwords = 'english',"
                      " ignore = '(\\.|[^a-z0-9\u3400-\u9fff])+', overwrite = 1)")
        rows = index.execute("SELECT doc, fts_main_docs.match_bm25(doc, ?) AS score FROM docs WHERE score IS NOT NULL",
                             [index_text(query)]).fetchall()
    except duckdb.Error as e:
        raise FullTextUnavailable(str(e), reason=str(e)) from e
    finally:
        index.close()
    positions = [r[0] for r in rows]
    return pd.Series([r[1] for r in rows], index=texts.index[positions], dtype=float)


def search(con: duckdb.DuckDBPyConnection, query: str = "", **filters: list[str]) -> pd.DataFrame:
    """Lessons matching the filters (analytics.lessons.filter_lessons) and, with a query, the full text,
    most relevant first (column `score`; None without a query)."""
    frame = filter_lessons(all_lessons(con), **filters).copy()
    if not query.strip():
        return frame.assign(score=None)
    body = (frame["project_id"].astype(str) + " " + frame["name"].fillna("") + " " + frame["category"].fillna("")
            + " " + frame["tags"].fillna("") + " " + frame["lesson"].astype(str))
    score = relevance(body, query)
    return frame.loc[score.index].assign(score=score).sort_values("score", ascending=False, kind="stable")


def capture_lesson(con: duckdb.DuckDBPyConnection, *, snapshot_id: int, project_id: str, lesson: str,
                   category: str | None = None, tags: str | None = None, actor: Actor | str | None = None,
                   recorded_on: dt.date | None = None) -> None:
    """Write a lesson for a project completed in the snapshot, with a decision-log entry."""
    who = require(actor, "import")
    text = (lesson or "").strip()
    if not text or len(text) > MAX_LESSON_CHARS:
        raise InvalidLesson("a lesson needs 1 to 4000 characters", key="lessons.error.text", limit=MAX_LESSON_CHARS)
    row = con.execute("SELECT status FROM projects WHERE snapshot_id = ? AND project_id = ?",
                      [snapshot_id, project_id]).fetchone()
    if row is None or row[0] != "completed":
        raise InvalidLesson(f"{project_id} is not completed in snapshot {snapshot_id}", key="lessons.error.not_completed",
                            project=project_id)
    when = recorded_on or dt.date.today()
    cleaned_tags = "; ".join(tag_list(tags)) or None
    with transaction(con):
        con.execute("INSERT INTO captured_lessons (snapshot_id, project_id, recorded_on, category, lesson, tags,"
                    " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [snapshot_id, project_id, when, (category or "").strip() or None, text, cleaned_tags, who.label])
        decision_log.append(con, "lesson_capture", actor=who, snapshot_id=snapshot_id, summary=project_id,
                            details={"project_id": project_id, "category": category, "tags": cleaned_tags,
                                     "chars": len(text)})


def lessons_stamp(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a lesson is added (import or capture) or a snapshot goes: the page's cache key."""
    row = con.execute("SELECT (SELECT count(*) FROM lessons), (SELECT count(*) FROM captured_lessons),"
                      " (SELECT max(snapshot_id) FROM snapshots), (SELECT count(*) FROM snapshots)").fetchone()
    return repr(row)


def completed_projects(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, str]:
    """project_id -> name of the projects completed in the snapshot (those a lesson may be captured for)."""
    rows = con.execute("SELECT project_id, name FROM projects WHERE snapshot_id = ? AND status = 'completed'"
                       " ORDER BY project_id", [snapshot_id]).fetchall()
    return {str(pid): str(name) for pid, name in rows}
