"""Who may do what: roles, the users table, the caller of a write (`Actor`) and the permission check.

Roles are ordered viewer < analyst < lead < admin; each may do what the roles below it may
(docs/roles.md). Every store function that writes takes the caller as `actor` and starts with
`require(actor, ACTION)`, so a permission is enforced where the action happens, whatever the page
shows. `actor=None` is the local user of local mode (the command line, `make run`): all rights.

Users are identified by the identity provider's email claim (the `sub` claim where there is none),
kept in lower case.
"""

from __future__ import annotations

import contextvars
import getpass
import os
from dataclasses import dataclass
from typing import Any, Literal, get_args

import duckdb

from store.db import transaction
from store.errors import LastAdminError, PermissionDenied, StoreError

Role = Literal["viewer", "analyst", "lead", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)  # in rising order of rights

# Each action and the least role that may do it (the table in docs/roles.md).
ACTIONS: dict[str, Role] = {
    "read": "viewer",  # every page, downloads of packs and exports
    "import": "analyst",
    "snapshot_rename": "analyst",
    "mapping_profiles": "analyst",
    "change_raise": "analyst",  # raise a change request (变更申请)
    "weights": "lead",  # save, activate, delete weight sets
    "optimise": "lead",  # optimiser runs and the re-solves logged with them
    "scenario_save": "lead",
    "scenario_rename": "lead",
    "recommend": "lead",
    "change_decide": "lead",  # approve or reject a change request
    "gate_decide": "lead",  # approve, defer or reject the proposals of a recommended scenario
    "snapshot_delete": "admin",
    "scenario_delete": "admin",
    "users": "admin",
}
Action = str

DEFAULT_ROLE_ENV = "LODESTAR_DEFAULT_ROLE"  # e.g. viewer: everyone who signs in may read


@dataclass(frozen=True)
class Actor:
    """The caller of a write: who signed in (email, display name) and their role (None: no access)."""

    email: str
    name: str
    role: Role | None
    local: bool = False  # the implicit user of local mode

    def can(self, action: Action) -> bool:
        return can(self.role, action)

    @property
    def label(self) -> str:
        """How the decision log and lists show this person."""
        return self.email if not self.name or self.name == self.email else f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class User:
    email: str
    name: str | None
    role: Role


def local_actor() -> Actor:
    """The one user of local mode: the operating-system user, with every right."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "local"
    return Actor(email=name, name=name, role="admin", local=True)


def can(role: Role | None, action: Action) -> bool:
    """Whether `role` may do `action` (an unknown action is a programming error)."""
    needed = ACTIONS[action]
    return role is not None and role in ROLES and ROLES.index(role) >= ROLES.index(needed)


# False while a team-mode app run is being served (ui.auth.gate sets it per run): then a write that
# does not name its caller is refused instead of being done as the local user.
_implicit_local = contextvars.ContextVar("lodestar_implicit_local_actor", default=True)


def require_named_actor(required: bool) -> None:
    """Team mode (True): in this context, every write must pass the signed-in Actor."""
    _implicit_local.set(not required)


def as_actor(actor: Actor | str | None) -> Actor:
    """The caller: an Actor as given; None is the local user; a plain string names the local user
    (the command line and tests of local mode). The app never passes a string: it passes the
    signed-in Actor (ui.auth), so a typed name cannot sign anything; in team mode a missing caller
    has no rights at all (see `require_named_actor`)."""
    if not isinstance(actor, Actor) and not _implicit_local.get():
        return Actor(email="", name="", role=None)
    if actor is None:
        return local_actor()
    if isinstance(actor, str):
        name = actor.strip() or local_actor().name
        return Actor(email=name, name=name, role="admin", local=True)
    if not isinstance(actor, Actor):
        raise TypeError(f"actor must be an Actor, not {type(actor).__name__}")
    return actor


def require(actor: Actor | str | None, action: Action) -> Actor:
    """The caller (see `as_actor`), or PermissionDenied if their role may not do `action`."""
    actor = as_actor(actor)
    if not actor.can(action):
        raise PermissionDenied(
            f"{actor.email} ({actor.role or 'no role'}) may not {action}",
            key=f"auth.permission_denied.{ACTIONS[action]}", action=action, role=actor.role or "", needed=ACTIONS[action], email=actor.email,
        )
    return actor


def normalise_email(email: str) -> str:
    cleaned = (email or "").strip().lower()
    if not cleaned or len(cleaned) > 320 or any(c.isspace() for c in cleaned):
        raise InvalidUser(f"not a user id: {email!r}", email=email)
    return cleaned


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InvalidRole(f"unknown role {role!r}", role=role, roles=", ".join(ROLES))
    return role  # type: ignore[return-value]


class InvalidUser(StoreError):
    key = "auth.invalid_user"


class InvalidRole(StoreError):
    key = "auth.invalid_role"


# --- reading ---------------------------------------------------------------------------------------


def default_role() -> Role | None:
    """The role of a signed-in user who is not in the table ($LODESTAR_DEFAULT_ROLE, else none)."""
    value = os.environ.get(DEFAULT_ROLE_ENV, "").strip().lower()
    return value if value in ROLES else None  # type: ignore[return-value]


def get_user(con: duckdb.DuckDBPyConnection, email: str) -> User | None:
    row = con.execute("SELECT email, name, role FROM users WHERE email = ?", [normalise_email(email)]).fetchone()
    return None if row is None else User(*row)


def list_users(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every user as {email, name, role, added_by, added_at (ISO text)}; admins first, then by email."""
    rows = con.execute(
        "SELECT email, name, role, added_by, strftime(added_at, '%Y-%m-%d %H:%M:%S') FROM users"
        " ORDER BY list_position(?, role) DESC, email",
        [list(ROLES)],
    ).fetchall()
    return [dict(zip(("email", "name", "role", "added_by", "added_at"), row, strict=True)) for row in rows]


def admins(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT email FROM users WHERE role = 'admin' ORDER BY email").fetchall()]


def actor_for(con: duckdb.DuckDBPyConnection, email: str, name: str | None = None) -> Actor:
    """The Actor of a signed-in user: their stored role, else the default role, else none."""
    key = normalise_email(email)
    user = get_user(con, key)
    role = user.role if user is not None else default_role()
    return Actor(email=key, name=(name or (user.name if user else None) or key), role=role)


# --- writing (admins only) -------------------------------------------------------------------------


def _log(con: duckdb.DuckDBPyConnection, action: str, actor: Actor, email: str, details: dict) -> None:
    from store import decision_log  # decision_log imports this module

    decision_log.append(con, action, actor=actor, summary=email, details={"email": email, **details})


def add_user(
    con: duckdb.DuckDBPyConnection, email: str, role: str, *, actor: Actor | None = None, name: str | None = None
) -> User:
    """Add a user or change their role. Refuses to take the admin role from the last admin."""
    actor = require(actor, "users")
    key, role = normalise_email(email), check_role(role)
    with transaction(con):
        old = get_user(con, key)
        if old is not None and old.role == "admin" and role != "admin":
            _refuse_last_admin(con, key)
        con.execute(
            # added_at given, not left to its default: PostgreSQL through DuckDB sends NULL for it with ON CONFLICT
            "INSERT INTO users (email, name, role, added_by, added_at) VALUES (?, ?, ?, ?, current_timestamp::TIMESTAMP)"
            " ON CONFLICT (email) DO UPDATE SET role = excluded.role, name = coalesce(excluded.name, users.name)",
            [key, name, role, actor.email],
        )
        _log(con, "user_role", actor, key, {"from": None if old is None else old.role, "to": role})
    return User(key, name if name is not None else (old.name if old else None), role)


def remove_user(con: duckdb.DuckDBPyConnection, email: str, *, actor: Actor | None = None) -> None:
    """Remove a user (they keep what they signed in the log). The last admin cannot be removed."""
    actor = require(actor, "users")
    key = normalise_email(email)
    with transaction(con):
        old = get_user(con, key)
        if old is None:
            from store.errors import NotFound

            raise NotFound(f"no user {key}", what=key)
        if old.role == "admin":
            _refuse_last_admin(con, key)
        con.execute("DELETE FROM users WHERE email = ?", [key])
        _log(con, "user_remove", actor, key, {"from": old.role})


def _refuse_last_admin(con: duckdb.DuckDBPyConnection, email: str) -> None:
    others = con.execute("SELECT count(*) FROM users WHERE role = 'admin' AND email <> ?", [email]).fetchone()[0]
    if others == 0:
        raise LastAdminError(f"{email} is the last admin", email=email)


def remember_name(con: duckdb.DuckDBPyConnection, email: str, name: str | None) -> None:
    """Keep the display name the identity provider sent at the last sign-in (no role needed)."""
    if name:
        con.execute("UPDATE users SET name = ? WHERE email = ? AND name IS DISTINCT FROM ?",
                    [name, normalise_email(email), name])


# --- preferences (each user their own; no role needed) ----------------------------------------------


def language(con: duckdb.DuckDBPyConnection, email: str) -> str | None:
    row = con.execute("SELECT lang FROM user_preferences WHERE email = ?", [normalise_email(email)]).fetchone()
    return None if row is None else row[0]


def set_language(con: duckdb.DuckDBPyConnection, email: str, lang: str) -> None:
    con.execute(
        "INSERT INTO user_preferences (email, lang, updated_at) VALUES (?, ?, now()::TIMESTAMP)"
        " ON CONFLICT (email) DO UPDATE SET lang = excluded.lang, updated_at = now()::TIMESTAMP",
        [normalise_email(email), lang],
    )
