"""Search the archive: results with snippets from the store, a search's Atom feed, its threads as mbox."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from archive import exports, store
from archive.errors import NotFound
from archive.models import MessageFeed
from archive.render import obfuscate_text
from search import query
from search.documents import content_hash_of, message_key
from search.results import SearchResults

# A search's feed and its mbox download cover at most this many threads (the newest matching).
FEED_SIZE = 50
MBOX_THREADS = query.MAX_PAGE_SIZE


def search_archive(
    engine: Engine,
    index_dir: Path,
    q: str,
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = query.DEFAULT_PAGE_SIZE,
    lists: Iterable[str] | None = None,
    show_addresses: bool = False,
    now: datetime | None = None,
) -> SearchResults:
    """Search the index, with snippets cut from the stored bodies; a bad query never raises.

    Unless show_addresses, addresses are shortened in snippets and senders, as on every page.
    """
    results = query.search(index_dir, q, sort=sort, page=page, page_size=page_size, lists=lists,
                           texts=lambda keys: _bodies(engine, keys, show_addresses), now=now, hidden=store.hidden())
    if results.suggestion and any(store.hidden()):
        # A word of a private list must not be suggested: keep the suggestion only if it finds what the reader may see.
        if not query.search(index_dir, results.suggestion, lists=lists, now=now, hidden=store.hidden()).matches:
            results = replace(results, suggestion=None)
    if show_addresses:
        return results
    hits = tuple(replace(hit, sender=obfuscate_text(hit.sender)) for hit in results.hits)
    return replace(results, hits=hits)


def _bodies(engine: Engine, keys: Sequence[str], show_addresses: bool) -> Mapping[str, str]:
    """Return {index key: body} of the stored messages among keys."""
    hashes = [h for h in map(content_hash_of, keys) if h is not None]
    with engine.connect() as conn:
        bodies = store.bodies_by_hash(conn, hashes)
    return {message_key(h): body if show_addresses else obfuscate_text(body) for h, body in bodies.items()}


def search_feed(engine: Engine, index_dir: Path, q: str, *, lists: Iterable[str] | None = None) -> MessageFeed:
    """Return the newest matching message of each of the newest matching threads, for an Atom feed."""
    results = query.search(index_dir, q, sort="-date", page_size=FEED_SIZE, lists=lists, hidden=store.hidden())
    hashes = [h for h in (content_hash_of(hit.key) for hit in results.hits) if h is not None]
    with engine.connect() as conn:
        found = store.message_views_by_hash(conn, hashes)
    shown = sorted({name for message in found for name in message.lists})
    return MessageFeed(f"Search: {q}", tuple(shown), tuple(found))


def search_mbox(engine: Engine, index_dir: Path, q: str, *, lists: Iterable[str] | None = None) -> Iterator[bytes]:
    """Return the best matching threads' messages as a gzip mboxrd stream; NotFound when none match."""
    results = query.search(index_dir, q, page_size=MBOX_THREADS, lists=lists, hidden=store.hidden())
    thread_ids = list(dict.fromkeys(hit.thread_id for hit in results.hits if hit.thread_id))
    if not thread_ids:
        raise NotFound(f"no threads match {q!r}")
    return exports.threads_mbox(engine, thread_ids)
