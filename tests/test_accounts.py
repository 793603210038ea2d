"""Users, passwords and the one authorization check."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from archive import accounts, settings
from archive.accounts import User, may
from archive.errors import AccountError


@pytest.fixture
def engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    return settings.engine_for(settings.data_dir(tmp_path))


def test_passwords_are_salted_hashes_that_check_in_constant_time() -> None:
    first, second = accounts.hash_password("correct horse"), accounts.hash_password("correct horse")
    assert first != second and "correct horse" not in first and first.startswith("scrypt$")
    assert accounts.password_matches("correct horse", first)
    assert not accounts.password_matches("correct horsf", first)
    assert not accounts.password_matches("anything", "not a hash")


def test_a_user_signs_in_with_their_password_only(engine: Engine) -> None:
    accounts.add_user(engine, "priya", "long enough pass", "chair", series=["lanternfish_core"])
    with engine.connect() as conn:
        assert accounts.authenticate(conn, "priya", "long enough pass") == User("priya", "chair", ("lanternfish_core",))
        assert accounts.authenticate(conn, "priya", "wrong password") is None
        assert accounts.authenticate(conn, "nobody", "long enough pass") is None
    accounts.set_password(engine, "priya", "another long one")
    with engine.connect() as conn:
        assert accounts.authenticate(conn, "priya", "another long one") is not None


def test_bad_users_are_refused_clearly(engine: Engine) -> None:
    with pytest.raises(AccountError, match="at least 10 characters"):
        accounts.add_user(engine, "kenji", "short", "member")
    with pytest.raises(AccountError, match="role must be one of"):
        accounts.add_user(engine, "kenji", "long enough pass", "owner")
    accounts.add_user(engine, "kenji", "long enough pass", "member", lists=["board-private"])
    with pytest.raises(AccountError, match="already a user"):
        accounts.add_user(engine, "kenji", "long enough pass", "member")
    with pytest.raises(AccountError, match="no user"):
        accounts.set_password(engine, "nobody", "long enough pass")


def test_what_each_role_may_do() -> None:
    admin, chair = User("a", "admin"), User("c", "chair", chairs=("lanternfish_core",))
    member = User("m", "member", lists=("board-private",))
    assert all(may(admin, action, "anything") for action in ("mark", "publish", "remove", "audit", "read-list"))
    assert may(chair, "mark", "lanternfish_core") and not may(chair, "mark", "other_series")
    assert not may(chair, "mark", "") and not may(chair, "remove") and not may(chair, "audit")
    assert may(member, "read-list", "board-private") and not may(member, "read-list", "other")
    assert not may(member, "mark", "lanternfish_core") and not may(None, "read-list", "board-private")
