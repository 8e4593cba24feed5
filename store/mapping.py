"""Column mappings: how a file that is not in the contract's shape becomes one (docs/mapping.md).

A `Mapping` holds one `FileMapping` per source file: the contract kind it becomes, which files it is
for (`match`: a file-name glob such as `Investments_*.csv`, or a workbook sheet name), and one rule
per contract column:

  Source(header)               the column is the file's column `header`
  Constant(value)              every row gets `value` (`status = { constant = "proposed" }`)
  MonthsBetween(start, finish) whole calendar months from start to finish (analytics.derived_fields)
  FromDates(start, finish)     completed / approved / active from the dates and the as-of date

and optional value maps per column (the file's value -> the contract's value, `"Ongoing" = "active"`).
It is read from and written to TOML (`from_toml`, `to_toml`) and stored as a profile
(`store.mapping_profiles`); `store.mapping_apply` turns a file's text into the contract's columns.
Pure: no database. Every malformed mapping raises `MappingError` with a translated message.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import tomli_w

from store.contract import KINDS, Column, enum_lookup, normalise_header, normalise_token
from store.errors import StoreError

FORMAT_VERSION = 1
# A bare word where TOML wants a quoted string (`status = proposed`, as people write it): quoted
# before parsing. Only lines that are invalid TOML as they stand can match, so valid files are untouched.
_BARE_VALUE = re.compile(r"^(\s*[A-Za-z0-9_\-\"' ]+?\s*=\s*)([A-Za-z_][A-Za-z0-9_\-]*)(\s*(?:#.*)?)$")
_TOML_WORDS = frozenset({"true", "false", "inf", "nan"})


class MappingError(StoreError):
    """A mapping that cannot be used; `key` is `mapping.error.<code>`."""

    key = "mapping.error.invalid"


def _error(code: str, message: str, **params: object) -> MappingError:
    return MappingError(message, key=f"mapping.error.{code}", **params)


# --- rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The contract column is the file's column `header` (matched exactly, else by normalised spelling)."""

    header: str

    def to_toml(self) -> Any:
        return self.header

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header,)


@dataclass(frozen=True)
class Constant:
    """Every row gets `value` (as text; it is read by the column's normal rules)."""

    value: str

    def to_toml(self) -> Any:
        return {"constant": self.value}

    @property
    def headers(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class MonthsBetween:
    """Whole months from the date in `start` to the date in `finish` (both months counted, at least 1)."""

    start: str
    finish: str

    def to_toml(self) -> Any:
        return {"months_between": [self.start, self.finish]}

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.start, self.finish)


@dataclass(frozen=True)
class FromDates:
    """A status from a start and a finish date against the as-of date (either may be left out)."""

    start: str | None
    finish: str | None

    def to_toml(self) -> Any:
        dates = {"start": self.start, "finish": self.finish}
        return {"from_dates": {k: v for k, v in dates.items() if v is not None}}

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(h for h in (self.start, self.finish) if h is not None)


Rule = Source | Constant | MonthsBetween | FromDates
DERIVED_TYPES: dict[type, tuple[str, ...]] = {MonthsBetween: ("int",), FromDates: ("enum",)}


def header_signature(headers: list[str] | tuple[str, ...]) -> str:
    """The same for two header rows with the same headers in any order, case, width or spacing."""
    names = sorted({normalise_header(h) for h in headers if h and h.strip()})
    return hashlib.sha256(json.dumps(names, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


# --- one file ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileMapping:
    """How one source file becomes one contract kind. Tuples, not dicts, so it can key a cache."""

    kind: str
    columns: tuple[tuple[str, Rule], ...]  # contract column -> rule, in the contract's order
    match: str = "*"  # file-name glob or sheet name
    values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # column -> ((file value, contract value), ...)
    headers: tuple[str, ...] = ()  # the source file's header row, when known (profiles match on it)
    profile: str = ""  # the saved profile it came from (not written to TOML)

    def rule(self, column: str) -> Rule | None:
        return dict(self.columns).get(column)

    def value_map(self, column: str) -> dict[str, str]:
        return dict(dict(self.values).get(column, ()))

    @property
    def signature(self) -> str | None:
        return header_signature(self.headers) if self.headers else None

    def matches(self, file_name: str) -> bool:
        """Whether `file_name` (or its last part: a zip member, a workbook sheet) fits `match`."""
        pattern = self.match.casefold()
        names = {file_name.casefold(), file_name.replace("\\", "/").rsplit("/", 1)[-1].casefold()}
        return any(fnmatch.fnmatchcase(name, pattern) for name in names)

    def with_match(self, match: str) -> FileMapping:
        return FileMapping(self.kind, self.columns, match, self.values, self.headers, self.profile)

    def from_profile(self, name: str) -> FileMapping:
        return FileMapping(self.kind, self.columns, self.match, self.values, self.headers, name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "match": self.match}
        if self.headers:
            out["headers"] = list(self.headers)
        out["columns"] = {column: rule.to_toml() for column, rule in self.columns}
        if self.values:
            out["values"] = {column: dict(pairs) for column, pairs in self.values if pairs}
        return out


@dataclass(frozen=True)
class Mapping:
    """Every file's mapping, in the order written; the first whose `match` fits a file is used."""

    files: tuple[FileMapping, ...]
    version: int = FORMAT_VERSION
    # Saved profiles offered to every file: one applies only when its header row is the file's.
    profiles: tuple[FileMapping, ...] = ()

    def for_file(self, file_name: str, headers: list[str] | None = None, recognised: bool = False) -> FileMapping | None:
        """The file's mapping: one of `files` whose header row is the file's, else the first whose
        glob fits; else a saved profile whose header row is the file's (order, case and spacing aside).

        An entry without a `match` (`*`) never takes a file the contract already `recognised`, nor,
        when it knows its header row, a file with other headers: it is meant for the export it was
        written for, not for the template files imported with it."""
        signature = header_signature(headers) if headers is not None else None
        for file in self.files:
            if signature is not None and file.signature == signature and file.matches(file_name):
                return file
        for file in self.files:
            if file.match == "*" and (recognised or file.headers):
                continue
            if file.matches(file_name):
                return file
        for file in self.profiles:  # by the header row alone, whatever the file is called this month
            if signature is not None and file.signature == signature:
                return file
        return None

    def with_profiles(self, profiles: tuple[FileMapping, ...]) -> Mapping:
        return Mapping(self.files, self.version, profiles)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "files": [f.to_dict() for f in self.files]}

    def to_toml(self) -> str:
        return tomli_w.dumps(self.to_dict())

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)


# --- reading -------------------------------------------------------------------------------------------


def from_toml(text: str) -> Mapping:
    """A mapping from TOML text (the format of docs/mapping.md); raises MappingError."""
    try:
        data = tomllib.loads(_quote_bare_words(text))
    except tomllib.TOMLDecodeError as e:
        raise _error("toml", f"not valid TOML: {e}", detail=str(e)) from e
    return from_dict(data)


def from_json(text: str) -> Mapping:
    return from_dict(json.loads(text))


def _quote_bare_words(text: str) -> str:
    lines = []
    for line in text.splitlines():
        match = _BARE_VALUE.match(line)
        if match and match.group(2).lower() not in _TOML_WORDS and not match.group(1).lstrip().startswith("["):
            line = f'{match.group(1)}"{match.group(2)}"{match.group(3)}'
        lines.append(line)
    return "\n".join(lines)


def from_dict(data: Any) -> Mapping:
    """A mapping from plain data (parsed TOML or stored JSON); checks every kind, column and rule."""
    if not isinstance(data, dict):
        raise _error("no_files", "a mapping is a table with [[files]]")
    files = data.get("files")
    if isinstance(files, dict):
        files = [files]
    if not isinstance(files, list) or not files:
        raise _error("no_files", "a mapping needs at least one [[files]] entry")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _error("version", f"mapping format version {version!r} is not {FORMAT_VERSION}", version=str(version))
    return Mapping(tuple(_file_from_dict(entry, i + 1) for i, entry in enumerate(files)))


def _file_from_dict(entry: Any, number: int) -> FileMapping:
    if not isinstance(entry, dict):
        raise _error("not_a_table", f"files entry {number} is not a table", number=number)
    kind_name = entry.get("kind")
    if kind_name not in KINDS:
        raise _error("unknown_kind", f"files entry {number}: unknown kind {kind_name!r}", number=number,
                     kind=str(kind_name), kinds=", ".join(KINDS))
    kind = KINDS[kind_name]
    match = entry.get("match", "*")
    if not isinstance(match, str) or not match.strip():
        raise _error("bad_match", f"files entry {number}: match must be a file-name pattern", number=number)
    columns_in = entry.get("columns", {})
    if not isinstance(columns_in, dict) or not columns_in:
        raise _error("no_columns", f"files entry {number}: [files.columns] is empty", number=number)
    known = {c.name: c for c in kind.columns}
    rules: dict[str, Rule] = {}
    for column_name, value in columns_in.items():
        if column_name not in known:
            raise _error("unknown_column", f"{kind.name} has no column {column_name!r}", number=number,
                         kind=kind.name, column=column_name, columns=", ".join(known))
        rules[column_name] = _rule(known[column_name], value, number)
    ordered = tuple((c.name, rules[c.name]) for c in kind.columns if c.name in rules)
    values = _values(entry.get("values", {}), known, number)
    headers = entry.get("headers", [])
    if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
        raise _error("bad_headers", f"files entry {number}: headers must be a list of texts", number=number)
    return FileMapping(kind.name, ordered, match.strip(), values, tuple(headers))


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _rule(column: Column, value: Any, number: int) -> Rule:
    bad = _error("bad_rule", f"column {column.name}: not a header, constant or derived field", number=number,
                 column=column.name)
    if isinstance(value, str):
        if not value.strip():
            raise bad
        return Source(value)
    if not isinstance(value, dict) or len(value) != 1:
        raise bad
    (how, spec), = value.items()
    if how == "header" and isinstance(spec, str) and spec.strip():
        return Source(spec)
    if how == "constant" and _text(spec) is not None:
        return _constant(column, _text(spec) or "", number)
    if how == "months_between":
        if not (isinstance(spec, list) and len(spec) == 2 and all(isinstance(s, str) and s.strip() for s in spec)):
            raise bad
        return _derived(column, MonthsBetween(spec[0], spec[1]), number)
    if how == "from_dates":
        if not isinstance(spec, dict) or set(spec) - {"start", "finish"}:
            raise bad
        start, finish = spec.get("start"), spec.get("finish")
        if not all(h is None or (isinstance(h, str) and h.strip()) for h in (start, finish)) or (start is finish is None):
            raise bad
        return _derived(column, FromDates(start, finish), number)
    raise bad


def _derived(column: Column, rule: MonthsBetween | FromDates, number: int) -> Rule:
    if column.type not in DERIVED_TYPES[type(rule)] or (isinstance(rule, FromDates) and column.name != "status"):
        raise _error("derived_not_allowed", f"{type(rule).__name__} cannot fill {column.name}", number=number,
                     column=column.name, rule="months_between" if isinstance(rule, MonthsBetween) else "from_dates")
    return rule


def _constant(column: Column, value: str, number: int) -> Constant:
    if column.type == "enum":
        canonical = enum_lookup(column.name).get(normalise_token(value))
        if canonical is None:
            raise _error("bad_value", f"{value!r} is not a {column.name} value", number=number, column=column.name,
                         value=value, allowed=" / ".join(column.allowed))
        return Constant(canonical)
    return Constant(value)


def _values(data: Any, known: dict[str, Column], number: int) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    if not isinstance(data, dict):
        raise _error("bad_values", f"files entry {number}: [files.values] must hold tables", number=number)
    out = []
    for column_name, pairs in data.items():
        if column_name not in known:
            raise _error("unknown_column", f"no column {column_name!r}", number=number, kind="",
                         column=column_name, columns=", ".join(known))
        if not isinstance(pairs, dict):
            raise _error("bad_values", f"[files.values.{column_name}] must be a table", number=number)
        column = known[column_name]
        mapped = []
        for source, target in pairs.items():
            target_text = _text(target)
            if target_text is None:
                raise _error("bad_values", f"[files.values.{column_name}] {source!r}", number=number)
            if column.type == "enum":
                target_text = _constant(column, target_text, number).value
            mapped.append((str(source), target_text))
        out.append((column_name, tuple(mapped)))
    return tuple(out)

