"""Remember aggregate query results until the archive changes (per process, keyed by store.data_version)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from archive import store

T = TypeVar("T")
# Entries kept at most; each database adds a handful, so this only bounds a long test run.
LIMIT = 256

_results: dict[tuple[Hashable, ...], tuple[tuple[int, ...], Any]] = {}
_lock = threading.Lock()


def remembered(conn: Connection, name: str, compute: Callable[[Connection], T]) -> T:
    """Return compute(conn), reusing the last result while the archive is unchanged.

    compute must return an immutable value: it is shared by every request of the process.
    """
    key = (str(conn.engine.url), name, store.hidden())  # each reader's view of it is remembered apart
    version = store.data_version(conn)
    hit = _results.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute(conn)
    with _lock:
        if len(_results) >= LIMIT:
            _results.clear()
        _results[key] = (version, value)
    return value
