"""Keep the search index in step with the store: stored messages become index documents.

This bridge lives in archive/ because search/ never touches the database (STYLE.md rule 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from sqlalchemy.engine import Engine

from archive import store
from search import indexer
from search.documents import Document, message_document, message_key

# Messages read from the store per query while indexing.
READ_BATCH = 1000
_KEY_PREFIX = message_key("")


def stored_documents(engine: Engine, *, thread_ids: Iterable[str] | None = None) -> Iterator[Document]:
    """Yield the index document of every stored message (or of the messages of some threads)."""
    if thread_ids is not None:
        wanted = sorted(set(thread_ids))
        for start in range(0, len(wanted), 500):
            yield from _documents(engine, wanted[start : start + 500])
    else:
        yield from _documents(engine, None)


def _documents(engine: Engine, thread_ids: Sequence[str] | None) -> Iterator[Document]:
    """Yield documents batch by batch, each batch read in its own short transaction."""
    after = 0
    while True:
        with engine.connect() as conn:
            batch = store.messages_to_index(conn, after=after, limit=READ_BATCH, thread_ids=thread_ids)
        if not batch:
            return
        for pk, message, lists, thread_id in batch:
            yield message_document(message, list_names=lists, thread_id=thread_id)
            after = pk


def index_store(engine: Engine, index_dir: Path, *, thread_ids: Iterable[str] | None = None,
                procs: int = 2) -> int:
    """Index (or re-index) every stored message, or those of some threads; return the count.

    Re-indexing the threads an import touched keeps each message's thread id current when
    a late message merges two threads.
    """
    return indexer.index_documents(index_dir, stored_documents(engine, thread_ids=thread_ids), procs=procs)


def rebuild_index(engine: Engine, index_dir: Path, *, procs: int = 2) -> int:
    """Build a fresh index of every stored message and swap it in; return the count."""
    return indexer.rebuild(index_dir, stored_documents(engine), procs=procs)


def check_index(engine: Engine, index_dir: Path) -> indexer.IndexComparison:
    """Compare the index with the store (for `minutebook check`)."""
    with engine.connect() as conn:
        keys = [message_key(content_hash) for content_hash in store.content_hashes(conn)]
    return indexer.compare(index_dir, keys)


def snippet_texts(engine: Engine) -> Callable[[Sequence[str]], Mapping[str, str]]:
    """Return the function search() cuts snippets from: index keys -> message bodies."""

    def texts(keys: Sequence[str]) -> Mapping[str, str]:
        hashes = [key[len(_KEY_PREFIX):] for key in keys if key.startswith(_KEY_PREFIX)]
        with engine.connect() as conn:
            bodies = store.bodies_by_hash(conn, hashes)
        return {message_key(h): body for h, body in bodies.items()}

    return texts
