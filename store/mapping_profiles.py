"""Saved mapping profiles: a named `store.mapping.Mapping` in the database (table `mapping_profiles`).

A profile remembers how an export becomes contract files, with the header row of each file it was
made from; when a file with the same headers arrives (any order, case or spacing), the import applies
it (`with_saved`), so the analyst who imports the same export every month maps it once. Saving a
profile with a name in use replaces it. Every save goes into the decision log
(`mapping_profile_save`) in the same transaction. Managing profiles needs the `mapping_profiles`
right (analysts and above).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb

from store import decision_log
from store.db import next_id, transaction
from store.errors import NotFound
from store.mapping import Mapping, MappingError, from_toml
from store.users import Actor, require

MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class ProfileInfo:
    """One saved profile, for lists."""

    profile_id: int
    name: str
    created_at: dt.datetime
    created_by: str | None
    kinds: tuple[str, ...]
    headers: tuple[tuple[str, ...], ...]  # per file: the header row it matches ((): only by name)


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned or len(cleaned) > MAX_NAME_CHARS:
        raise MappingError("a profile needs a name of 1-120 characters", key="mapping.error.bad_name",
                           limit=MAX_NAME_CHARS)
    return cleaned


def save_profile(con: duckdb.DuckDBPyConnection, name: str, mapping: Mapping, *, actor: Actor | str | None = None) -> int:
    """Save `mapping` as profile `name` (replacing one of that name) and log it; returns its id."""
    actor = require(actor, "mapping_profiles")
    name = _clean_name(name)
    text = mapping.to_toml()
    signatures = json.dumps([f.signature or "" for f in mapping.files])
    with transaction(con):
        replaced = con.execute("SELECT profile_id FROM mapping_profiles WHERE name = ?", [name]).fetchone()
        if replaced is not None:
            con.execute("DELETE FROM mapping_profiles WHERE profile_id = ?", [replaced[0]])
        profile_id = next_id(con, "mapping_profile_id_seq")  # taken first: PostgreSQL via DuckDB has no RETURNING
        con.execute(
            "INSERT INTO mapping_profiles (profile_id, name, created_by, signatures, mapping) VALUES (?, ?, ?, ?, ?)",
            [profile_id, name, actor.label, signatures, text],
        )
        decision_log.append(
            con, "mapping_profile_save", actor=actor,
            summary=f"Mapping profile saved: {name}",
            details={"profile_id": int(profile_id), "name": name, "replaced": replaced is not None,
                     "kinds": [f.kind for f in mapping.files],
                     "columns": {f.kind: [c for c, _ in f.columns] for f in mapping.files}},
        )
    return int(profile_id)


def get_profile(con: duckdb.DuckDBPyConnection, name: str) -> Mapping:
    """The saved mapping `name` (each file marked as coming from it); NotFound when there is none."""
    row = con.execute("SELECT name, mapping FROM mapping_profiles WHERE name = ?", [_clean_name(name)]).fetchone()
    if row is None:
        raise NotFound(f"no mapping profile {name!r}", key="mapping.error.no_profile", name=name)
    mapping = from_toml(row[1])
    return Mapping(tuple(f.from_profile(row[0]) for f in mapping.files), mapping.version)


def list_profiles(con: duckdb.DuckDBPyConnection) -> list[ProfileInfo]:
    """Every saved profile, by name."""
    rows = con.execute(
        "SELECT profile_id, name, created_at, created_by, mapping FROM mapping_profiles ORDER BY name"
    ).fetchall()
    out = []
    for profile_id, name, created_at, created_by, text in rows:
        mapping = from_toml(text)
        out.append(ProfileInfo(int(profile_id), name, created_at, created_by,
                               tuple(f.kind for f in mapping.files), tuple(f.headers for f in mapping.files)))
    return out


def saved_files(con: duckdb.DuckDBPyConnection) -> tuple:
    """Every file mapping of every profile that knows its header row (newest profile first)."""
    rows = con.execute("SELECT name, mapping FROM mapping_profiles ORDER BY created_at DESC, profile_id DESC").fetchall()
    files = []
    for name, text in rows:
        files += [f.from_profile(name) for f in from_toml(text).files if f.headers]
    return tuple(files)


def with_saved(con: duckdb.DuckDBPyConnection, mapping: Mapping | None) -> Mapping | None:
    """`mapping` (or none) with the saved profiles offered to files it does not cover."""
    files = saved_files(con)
    if not files:
        return mapping
    return (mapping or Mapping(())).with_profiles(files)
