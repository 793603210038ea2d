"""Writing the index: one writer at a time, replace by key, delete, rebuild, compare with the store."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from archive.errors import SearchError
from search import indexer
from search.query import search
from tests.search_support import FIXTURES, build_index, documents


def test_index_documents_creates_the_index_and_counts(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    written = indexer.index_documents(index_dir, documents(FIXTURES))
    assert written == 9
    assert indexer.index_exists(index_dir)
    assert indexer.document_count(index_dir) == 9
    assert indexer.index_dir_for(tmp_path) == index_dir


def test_indexing_the_same_items_again_replaces_them(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    indexer.index_documents(index_dir, documents(FIXTURES))
    indexer.index_documents(index_dir, documents({"ring-dev": FIXTURES["ring-dev"]}), batch_size=2)
    assert indexer.document_count(index_dir) == 9
    assert sorted(indexer.indexed_keys(index_dir)) == sorted(str(d["key"]) for d in documents(FIXTURES))


def test_several_processes_write_the_same_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert indexer.index_documents(index_dir, documents(FIXTURES), procs=2) == 9
    # frob: both patches and the review; sqpoll: the question and its answer; burnout: both messages
    assert search(index_dir, "frob OR sqpoll OR burnout").matches == 7


def test_delete_documents_removes_them_from_results(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path / "index")
    assert search(index_dir, "reviewers").matches == 2  # Eve's "reviewers", Dana's "review load"
    key = next(str(d["key"]) for d in documents(FIXTURES) if d["id"] == "87eve.fsf@example.com")
    assert indexer.delete_documents(index_dir, [key, "message:unknown"]) == 1
    assert indexer.document_count(index_dir) == 8
    assert search(index_dir, "reviewers").matches == 1  # the open searcher sees the deletion


def test_compare_lists_what_is_missing_and_what_is_extra(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path / "index")
    keys = [str(d["key"]) for d in documents(FIXTURES)]
    assert indexer.compare(index_dir, keys).ok
    comparison = indexer.compare(index_dir, keys[1:] + ["message:not-indexed"])
    assert comparison.indexed == 9
    assert comparison.missing == ("message:not-indexed",)
    assert comparison.extra == (keys[0],)
    assert not comparison.ok


def test_rebuild_swaps_in_a_new_index_while_searches_keep_working(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path / "index")
    assert search(index_dir, "rust").matches == 1
    only_ring = documents({"ring-dev": FIXTURES["ring-dev"]})
    assert indexer.rebuild(index_dir, only_ring, procs=1) == 6
    assert search(index_dir, "rust").matches == 0  # the next search sees the new index
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]


def test_a_second_writer_waits_then_fails_with_a_clear_message(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path / "index")
    with indexer.write_lock(index_dir):
        started = time.monotonic()
        with pytest.raises(SearchError, match="being written by another process; waited 0.3 s"):
            indexer.index_documents(index_dir, documents(FIXTURES), timeout=0.3)
        assert time.monotonic() - started >= 0.3


def test_a_second_writer_proceeds_once_the_first_is_done(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path / "index")
    released = threading.Event()

    def hold() -> None:
        with indexer.write_lock(index_dir):
            released.wait(0.2)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.05)
    assert indexer.delete_documents(index_dir, ["message:none"], timeout=5) == 0
    holder.join()


def test_a_missing_index_is_a_search_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SearchError, match="minutebook reindex"):
        indexer.open_index(tmp_path / "index")
    with pytest.raises(SearchError, match="no search index"):
        search(tmp_path / "index", "anything")


def test_an_index_of_another_format_must_be_rebuilt(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path / "index")
    (index_dir / "minutebook-index.json").write_text(json.dumps({"schema": 0}), encoding="utf-8")
    with pytest.raises(SearchError, match="has format 0"):
        indexer.open_index(index_dir)
