"""Searching the archive: snippets from the store, hidden addresses, a search's feed and mbox."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from archive import searching, settings
from archive.errors import NotFound
from search.indexer import index_dir_for


@pytest.fixture
def sample(sample_dir: Path) -> tuple[object, Path]:
    return settings.engine_for(sample_dir), index_dir_for(sample_dir)


def test_snippets_come_from_the_stored_body_with_matches_marked(sample: tuple) -> None:
    engine, index_dir = sample
    results = searching.search_archive(engine, index_dir, "cadence")
    assert results.hits and "<mark>cadence</mark>" in results.hits[0].snippet.lower()


def test_addresses_are_hidden_unless_shown(sample: tuple) -> None:
    engine, index_dir = sample
    hidden = searching.search_archive(engine, index_dir, "wrote")
    shown = searching.search_archive(engine, index_dir, "wrote", show_addresses=True)
    assert not any("kenji@sato.example" in hit.snippet for hit in hidden.hits)
    assert any("kenji@sato.example" in hit.snippet for hit in shown.hits)


def test_search_feed_holds_the_newest_match_of_each_thread(sample: tuple) -> None:
    engine, index_dir = sample
    feed = searching.search_feed(engine, index_dir, "release")
    dates = [message.date for message in feed.messages]
    assert feed.title == "Search: release" and len(dates) > 2
    assert dates == sorted(dates, reverse=True)
    assert "lanternfish-dev" in feed.lists


def test_search_mbox_holds_whole_threads_and_nothing_when_none_match(sample: tuple) -> None:
    engine, index_dir = sample
    mbox = gzip.decompress(b"".join(searching.search_mbox(engine, index_dir, "s:cadence")))
    assert mbox.count(b"From mboxrd@z ") == 7
    with pytest.raises(NotFound):
        searching.search_mbox(engine, index_dir, "zzqqxxnothing")
