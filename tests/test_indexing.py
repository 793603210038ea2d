"""Keeping the search index in step with the store: what an import indexes, and repairs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from archive import indexing, pipeline, settings
from search import indexer
from search.query import search
from tests.conftest import DATA

TWO_THREADS = DATA / "pipeline" / "two-threads.mbox"
LATE_PARENT = DATA / "pipeline" / "late-parent.mbox"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return settings.engine_for(settings.data_dir(tmp_path / "data"))


def test_the_first_import_builds_the_index(engine: Engine, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    summary = pipeline.import_paths(engine, [TWO_THREADS], workers=0, index_dir=index_dir, index_procs=1)
    assert summary.indexed == 4
    assert indexer.document_count(index_dir) == 4
    assert indexing.check_index(engine, index_dir).ok


def test_a_later_import_reindexes_only_the_threads_it_touched(engine: Engine, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    pipeline.import_paths(engine, [TWO_THREADS], workers=0, index_dir=index_dir, index_procs=1)
    summary = pipeline.import_paths(engine, [LATE_PARENT], workers=0, index_dir=index_dir, index_procs=1)
    # The late parent and the reply it adopted: the release thread is left alone.
    assert (summary.imported, summary.indexed) == (1, 2)
    assert indexer.document_count(index_dir) == 5
    hit = search(index_dir, "s:CI").hits[0]
    assert hit.matches == 2


def test_update_index_adds_what_an_interrupted_import_stored(engine: Engine, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    pipeline.import_paths(engine, [LATE_PARENT], workers=0, index_dir=index_dir, index_procs=1)
    pipeline.import_paths(engine, [TWO_THREADS], workers=0)  # stored and threaded, never indexed
    assert not indexing.check_index(engine, index_dir).ok
    assert indexing.update_index(engine, index_dir, [], procs=1) == 4
    assert indexing.check_index(engine, index_dir).ok


def test_check_reports_documents_the_store_no_longer_has(engine: Engine, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    pipeline.import_paths(engine, [TWO_THREADS], workers=0, index_dir=index_dir, index_procs=1)
    indexer.index_documents(index_dir, [{"key": "message:gone", "id": "gone@example.org", "kind": "message",
                                         "title": "stale", "date": 0}])
    comparison = indexing.check_index(engine, index_dir)
    assert comparison.extra == ("message:gone",) and not comparison.missing
    assert indexing.rebuild_index(engine, index_dir, procs=1) == 4
    assert indexing.check_index(engine, index_dir).ok
