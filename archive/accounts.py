"""People who may change things: users with hashed passwords, their roles, and the one function
that says what each may do.

Roles: an admin does everything; a chair publishes and manages the action items of the series
they chair; a member reads the private lists they are given. Every check goes through `may`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from archive import store
from archive.errors import AccountError

ROLES = ("admin", "chair", "member")
# scrypt's cost: about 50 ms and 16 MB a check, so guessing is slow and logging in is not.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 10
# What any signed-in admin may do that nobody else may.
ADMIN_ONLY = frozenset({"remove", "audit", "users"})


@dataclass(frozen=True)
class User:
    """A signed-in person: name, role, the series they chair and the private lists they may read."""

    name: str
    role: str
    chairs: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of a password, with its parameters, for storing."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Tell whether a password matches a stored hash, in time that does not depend on where they differ."""
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        found = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(found.hex(), digest)


# Checked against when the name is unknown, so a wrong name takes as long as a wrong password.
_NOBODY_HASH = hash_password(secrets.token_hex(16))


def add_user(engine: Engine, name: str, password: str, role: str, *, series: Sequence[str] = (),
             lists: Sequence[str] = ()) -> None:
    """Create a user; chairs name the series they chair, members the private lists they may read."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise AccountError("a user name is letters, digits, '.', '-' and '_'")
    _check_password(password)
    with engine.begin() as conn:
        if store.user_row(conn, name) is not None:
            raise AccountError(f"there is already a user {name!r}")
        scopes = [("series", s) for s in series] + [("list", l) for l in lists]
        store.add_user(conn, name, hash_password(password), role, scopes)
        store.add_audit(conn, "command line", "user add", name, f"role {role}")


def set_password(engine: Engine, name: str, password: str) -> None:
    """Give a user a new password."""
    _check_password(password)
    with engine.begin() as conn:
        if not store.set_password_hash(conn, name, hash_password(password)):
            raise AccountError(f"no user {name!r}")
        store.add_audit(conn, "command line", "user passwd", name)


def _check_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """Return the user a name and password sign in, or None (as slowly for an unknown name)."""
    found = store.user_row(conn, name)
    if not password_matches(password, found[0] if found else _NOBODY_HASH) or found is None:
        return None
    return user_from(name, found[1], found[2])


def load_user(conn: Connection, name: str) -> User | None:
    """Return a signed-in user by name (None when they no longer exist)."""
    found = store.user_row(conn, name)
    return user_from(name, found[1], found[2]) if found else None


def user_from(name: str, role: str, scopes: Sequence[tuple[str, str]]) -> User:
    """Build a User from a stored role and scopes."""
    return User(name, role, tuple(v for k, v in scopes if k == "series"), tuple(v for k, v in scopes if k == "list"))


def may(user: User | None, action: str, target: str = "") -> bool:
    """Tell whether a user may do an action: the one authorization check.

    Actions: "mark" and "publish" (target: a meeting series, or "" for items from mail), "read-list"
    (target: a private list), and the admin-only "remove", "audit" and "users".
    """
    if user is None:
        return False
    if user.role == "admin":
        return True
    if action in ADMIN_ONLY:
        return False
    if action in ("mark", "publish"):
        return user.role == "chair" and bool(target) and target in user.chairs
    if action == "read-list":  # a private list, or a private series (whose chairs read it too)
        return target in user.lists or target in user.chairs
    return False
