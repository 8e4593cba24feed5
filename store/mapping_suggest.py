"""Best guesses for mapping a file that is not in the contract's shape (pure: no database).

- `kind_guess(headers, file_name)`: the kind the headers come closest to (most headers the contract
  knows; then the file name's kind; then most columns named by words exports use), the columns recognised
  (header -> column) and the required columns still missing; it makes the refusal of an unknown file
  say what it did recognise (`unrecognised_problem`).
- `suggest_columns(headers, kind)`: for each contract column the file's header most like it, with a
  confidence from 0 to 1: 1 for a header the contract knows (name or Chinese alias), 0.8 for a
  header holding a word exports use for that column ("Investment Title" -> name), else difflib's
  similarity of the normalised spellings. Each header is suggested for one column at most.
- `suggest_values(values, column)`: for an enum column, the contract value each distinct file value
  most likely means ("Ongoing" -> active), or None.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from store.contract import (
    HEADER_INDEX,
    KINDS,
    Column,
    Kind,
    enum_lookup,
    header_candidates,
    kind_from_file_name,
    normalise_header,
    normalise_token,
)
from store.import_types import Problem

SUGGEST_CUTOFF = 0.7  # below this similarity a column is left unmapped rather than guessed
HINT_CONFIDENCE = 0.8  # a header holding a word exports use for the column
# Words exports use for a contract column (normalised spellings, compared as parts of the header).
HINTS: dict[str, tuple[str, ...]] = {
    "project_id": ("id", "code", "编号", "代码", "number", "no"),
    "name": ("title", "name", "名称", "标题"),
    "category": ("category", "type", "portfolio", "类别", "类型"),
    "department": ("department", "bureau", "agency", "division", "unit", "部门", "单位"),
    "sponsor": ("sponsor", "发起"),
    "manager": ("manager", "owner", "lead", "负责人", "经理"),
    "status": ("status", "state", "stage", "phase", "状态", "阶段"),
    "start_month": ("start", "begin", "开始", "启动"),
    "duration_months": ("duration", "months", "工期"),
    "budget": ("budget", "cost", "amount", "investment", "预算", "投资", "金额"),
    "expected_benefit": ("benefit", "savings", "saving", "return", "收益", "效益"),
    "risk_score": ("risk", "风险"),
}
# Words that mean a status, beyond the contract's own spellings (normalised tokens).
STATUS_HINTS: dict[str, tuple[str, ...]] = {
    "active": ("ongoing", "in_progress", "underway", "open", "running", "implementation", "execution", "实施中"),
    "completed": ("finished", "closed", "complete", "delivered", "done", "竣工", "结束"),
    "approved": ("planned", "approved_not_started", "not_started", "pipeline"),
    "proposed": ("proposed", "draft", "idea", "submitted", "candidate", "申报"),
    "on_hold": ("suspended", "paused", "delayed", "frozen"),
    "cancelled": ("cancelled", "canceled", "terminated", "dropped", "withdrawn", "abandoned", "终止"),
}


@dataclass(frozen=True)
class KindGuess:
    kind: Kind
    recognised: dict[str, str]  # header as written -> contract column
    missing: tuple[Column, ...]  # required columns no header gives


@dataclass(frozen=True)
class Suggestion:
    column: str
    header: str | None
    confidence: float  # 0-1


def _known_column(header: str, kind: Kind) -> str | None:
    for candidate in header_candidates(header)[:3]:
        name = HEADER_INDEX.get(candidate, {}).get(kind.name)
        if name is not None:
            return name
    return None


def kind_guess(headers: list[str], file_name: str = "") -> KindGuess | None:
    """The kind with the most recognised headers (ties: the file name's kind, then fewest missing)."""
    hinted = kind_from_file_name(file_name) if file_name else None
    best: tuple | None = None
    for kind in KINDS.values():
        recognised = {h: c for h in headers if h.strip() and len(h) <= 200 and (c := _known_column(h, kind))}
        missing = tuple(c for c in kind.required if c.name not in recognised.values())
        score = (len(recognised), kind.name == hinted, _hinted_columns(headers, kind), -len(missing))
        if best is None or score > best[0]:
            best = (score, KindGuess(kind, recognised, missing))
    if best is not None and (best[0][0] > 0 or best[0][1]):
        return best[1]
    # Nothing recognised exactly: the kind most of whose columns the headers' words suggest.
    by_hints = max((_hinted_columns(headers, kind), kind.name) for kind in KINDS.values())
    if by_hints[0] < 2:
        return None
    kind = KINDS[by_hints[1]]
    return KindGuess(kind, {}, kind.required)


def unrecognised_problem(file_name: str, headers: list[str], problem: Problem) -> Problem:
    """An "unknown kind" refusal made explicit: the closest kind, what it recognised, what is missing.
    Any other problem is returned as it is."""
    if problem.code not in ("unknown_kind", "unknown_kind_named"):
        return problem
    guess = kind_guess(headers, file_name)
    if guess is None:
        return problem
    params = {
        **problem.params,
        "kind": guess.kind.name,
        "recognised": ", ".join(f"{h} → {c}" if normalise_header(h) != normalise_header(c) else c
                                for h, c in guess.recognised.items()) or "–",
        "missing": ", ".join(c.name for c in guess.missing) or "–",
    }
    return Problem(problem.file, problem.row, problem.column, problem.value, "unknown_kind_guess", params, problem.severity)


def _hinted_columns(headers: list[str], kind: Kind) -> int:
    """How many columns of `kind` some header names with a word exports use for it."""
    return sum(1 for c in kind.columns if any(_hint_score(h, c.name) for h in headers if len(h) <= 200))


def _hint_score(header: str, column: str) -> float:
    norm = normalise_header(header)
    words = {normalise_header(w) for w in header.replace("(", " ").replace(")", " ").split()}
    for hint in HINTS.get(column, ()):
        if hint in words or (len(hint) > 2 and hint in norm) or (not hint.isascii() and hint in norm):
            return HINT_CONFIDENCE
    return 0.0


def _similarity(header: str, column: Column) -> float:
    norm = normalise_header(header)
    return max(difflib.SequenceMatcher(None, norm, normalise_header(s)).ratio() for s in (column.name, column.zh))


def suggest_columns(headers: list[str], kind: Kind) -> list[Suggestion]:
    """One suggestion per column of `kind`, in its order; each header used for one column at most."""
    scored = []
    for column in kind.columns:
        for header in headers:
            if not header.strip() or len(header) > 200:
                continue
            if _known_column(header, kind) == column.name:
                score = 1.0
            else:
                score = max(_hint_score(header, column.name), _similarity(header, column))
            scored.append((score, column.name, header))
    taken_columns: dict[str, Suggestion] = {}
    taken_headers: set[str] = set()
    for score, column_name, header in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if score < SUGGEST_CUTOFF or column_name in taken_columns or header in taken_headers:
            continue
        taken_columns[column_name] = Suggestion(column_name, header, round(score, 2))
        taken_headers.add(header)
    return [taken_columns.get(c.name, Suggestion(c.name, None, 0.0)) for c in kind.columns]


def suggest_value(value: str, column: str) -> str | None:
    """The contract value an enum cell most likely means (None when no guess is good enough)."""
    token = normalise_token(value)
    lookup = enum_lookup(column)
    if token in lookup:
        return lookup[token]
    if column == "status":
        for status, words in STATUS_HINTS.items():
            if token in words or any(w in token for w in words if len(w) > 3):
                return status
    close = difflib.get_close_matches(token, list(lookup), n=1, cutoff=0.75)
    return lookup[close[0]] if close else None
