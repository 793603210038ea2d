"""A pool of searchers, and the view of each index generation that concurrent searches share."""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive.errors import SearchError
from search.indexer import WHOOSH_ERRORS, open_index
from search.postings import field_lengths, global_postings
from search.schema import RECENCY_HALF_LIFE_DAYS, RECENCY_WEIGHT

# Idle searchers by index folder, as (folder inode, searcher); at most MAX_IDLE each.
_pool: dict[str, list[tuple[int, Any]]] = {}
_pool_lock = threading.Lock()
MAX_IDLE = 8
_views: dict[str, tuple[tuple[int, int], IndexView]] = {}
_views_lock = threading.Lock()


class IndexView:
    """What every search of one index generation needs, read once and shared by threads."""

    def __init__(self, searcher: Any) -> None:
        reader = searcher.reader()
        self.size: int = reader.doc_count_all()
        self.deleted = frozenset(
            docnum for docnum in range(self.size) if reader.is_deleted(docnum)
        ) if reader.has_deletions() else frozenset()
        self.dates: list[int] = list(reader.column_reader("date")) if self.size else []
        threads = reader.column_reader("thread_id") if reader.has_column("thread_id") else None
        self.threads: list[str] = [t or "" for t in threads] if threads is not None else [""] * self.size
        self._lengths: dict[str, tuple[list[int], float]] = {}
        self._docsets: dict[tuple[str, str], frozenset[int]] = {}
        self._recency: tuple[int, list[float]] = (0, [])
        self._thread_docs: dict[str, list[int]] | None = None
        self._dated: dict[tuple[int, int], set[int]] = {}
        self._lock = threading.Lock()
        # Single-valued facets as one value per document: counting them is then one pass.
        self.values = {name: self._values(searcher, name) for name in ("year", "kind")}

    def _values(self, searcher: Any, name: str) -> list[str]:
        """Return each document's value of a single-valued keyword field ("" when it has none)."""
        values = [""] * self.size
        for value in searcher.reader().lexicon(name):
            text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            for docnum in global_postings(searcher, name, text)[0]:
                values[docnum] = text
        return values

    def dated(self, low: int, high: int) -> set[int]:
        """Return the documents dated in [low, high) seconds (cached: a scan costs milliseconds)."""
        found = self._dated.get((low, high))
        if found is None:
            found = {d for d, seconds in enumerate(self.dates) if low <= seconds < high}
            with self._lock:
                if len(self._dated) >= 64:
                    self._dated.clear()
                self._dated[(low, high)] = found
        return found

    def thread_docs(self, thread: str) -> list[int]:
        """Return the documents of a thread."""
        if self._thread_docs is None:
            grouped: dict[str, list[int]] = {}
            for docnum, name in enumerate(self.threads):
                if name:
                    grouped.setdefault(name, []).append(docnum)
            self._thread_docs = grouped
        return self._thread_docs.get(thread, [])

    def recency(self, now: int) -> list[float]:
        """Return each document's recency factor on the day of timestamp now (cached per day)."""
        day = now // 86400
        cached_day, factors = self._recency
        if cached_day != day or len(factors) != self.size:
            decay = 1 / (RECENCY_HALF_LIFE_DAYS * 86400)
            factors = [1 + RECENCY_WEIGHT * 0.5 ** (max(0, now - seconds) * decay) if seconds else 1.0
                       for seconds in self.dates]
            self._recency = (day, factors)
        return factors

    def lengths(self, searcher: Any, name: str) -> tuple[list[int], float]:
        """Return every document's length in a field, and the average length."""
        found = self._lengths.get(name)
        if found is None:
            lengths: list[int] = []
            for leaf, _offset in searcher.reader().leaf_readers():
                lengths.extend(field_lengths(leaf, name))
            average = (sum(lengths) / len(lengths)) if lengths else 1.0
            found = (lengths, average or 1.0)
            with self._lock:
                self._lengths[name] = found
        return found

    def docset(self, searcher: Any, name: str, term: str) -> frozenset[int]:
        """Return the (cached) documents holding a term: for facets and filters on keyword fields."""
        key = (name, term)
        found = self._docsets.get(key)
        if found is None:
            found = frozenset(global_postings(searcher, name, term)[0]) - self.deleted
            with self._lock:
                self._docsets[key] = found
        return found

    def alive(self) -> set[int]:
        """Return every document number not deleted."""
        return set(range(self.size)) - self.deleted


@contextmanager
def checked_out(index_dir: Path) -> Iterator[tuple[Any, IndexView]]:
    """Lend a searcher of index_dir (reopened when the index changed) and its view for one search.

    Whoosh searchers read through shared file handles, so each is used by one search at a time;
    idle ones wait in a pool instead of living in threads, which would leak them when threads end.
    """
    path = str(index_dir)
    try:
        inode = os.stat(index_dir).st_ino  # a rebuild swaps in a new folder
    except OSError:
        open_index(index_dir)  # raises the SearchError that says what is missing
        raise
    with _pool_lock:
        idle = _pool.setdefault(path, [])
        cached = idle.pop() if idle else None
    try:
        if cached is not None and cached[0] == inode and cached[1].up_to_date():
            searcher = cached[1]
        else:
            if cached is not None:
                cached[1].close()
            # Not Searcher.refresh(): it reuses segment readers and so misses new deletions.
            searcher = open_index(index_dir).searcher()
        view = _view(path, (inode, searcher.reader().generation()), searcher)
    except WHOOSH_ERRORS as error:
        raise SearchError(f"the search index in {index_dir} could not be opened: {error}") from error
    try:
        yield searcher, view
    finally:
        with _pool_lock:
            keep = len(idle) < MAX_IDLE
            if keep:
                idle.append((inode, searcher))
        if not keep:
            searcher.close()


@atexit.register
def close_all() -> None:
    """Close every idle searcher (at exit, and in tests that remove an index)."""
    with _pool_lock:
        idle = [searcher for entries in _pool.values() for _inode, searcher in entries]
        _pool.clear()
    for searcher in idle:
        searcher.close()


def _view(path: str, version: tuple[int, int], searcher: Any) -> IndexView:
    """Return the shared view of one index generation, building it on first use."""
    with _views_lock:
        cached = _views.get(path)
        if cached is None or cached[0] != version:
            cached = (version, IndexView(searcher))
            _views[path] = cached
        return cached[1]
