"""Keep the search index in step with the store: stored messages become index documents.

This bridge lives in archive/ because search/ never touches the database (STYLE.md rule 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path

from sqlalchemy.engine import Engine

from archive import items, meetings, store
from search import indexer
from search.documents import (
    ITEM_KINDS,
    Document,
    content_hash_of,
    item_document,
    meeting_document,
    meeting_key,
    message_document,
    message_key,
)

# Messages read from the store per query while indexing.
READ_BATCH = 1000
# Imports touching fewer threads than this are indexed in one process.
SMALL_UPDATE = 200


def stored_documents(engine: Engine, *, thread_ids: Iterable[str] | None = None,
                     hashes: Iterable[str] | None = None) -> Iterator[Document]:
    """Yield the index document of every stored message, or of those in some threads or with some hashes."""
    if thread_ids is None and hashes is None:
        yield from _documents(engine)
        return
    by_thread = thread_ids is not None
    wanted = sorted(set(thread_ids if thread_ids is not None else hashes or ()))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        yield from _documents(engine, thread_ids=chunk) if by_thread else _documents(engine, hashes=chunk)


def _documents(engine: Engine, **only: Sequence[str]) -> Iterator[Document]:
    """Yield documents batch by batch, each batch read in its own short transaction."""
    after = 0
    while True:
        with engine.connect() as conn:
            batch = store.messages_to_index(conn, after=after, limit=READ_BATCH, **only)
            keys = store.link_keys(conn, "message", [message.message_id for _pk, message, _l, _t in batch])
        if not batch:
            return
        for pk, message, lists, thread_id in batch:
            yield message_document(message, list_names=lists, thread_id=thread_id, links=keys.get(message.message_id, ()))
            after = pk


def meeting_documents_in_store(engine: Engine, meeting_ids: Iterable[str] | None = None) -> Iterator[Document]:
    """Yield the index documents of every stored meeting (or of some), replayed from their logs."""
    wanted = None if meeting_ids is None else set(meeting_ids)
    with engine.connect() as conn:
        found = [m for m in meetings.all_meetings(conn) if wanted is None or m.meeting_id in wanted]
        keys = store.link_keys(conn, "meeting", [f"{m.series}/{m.meeting_id}" for m in found])
    for meeting in found:
        yield meeting_document(meeting, links=keys.get(f"{meeting.series}/{meeting.meeting_id}", ()))


def item_documents_in_store(engine: Engine) -> list[Document]:
    """Return the index documents of every action item (with the status tracking gives it) and decision."""
    with engine.connect() as conn:
        found = store.stored_items(conn)
        from_messages = [i.source_id for i in found if i.source_kind == "message"]
        thread_of = store.threads_of_messages(conn, from_messages)
        lists_of = store.lists_of_messages(conn, from_messages)
        tracked = items.tracked_actions(conn)
    documents = [item_document(mention, status=t.status, thread_id=thread_of.get(mention.source_id),
                               lists=lists_of.get(mention.source_id, ())) for t in tracked for mention in (t.item, *t.repeats)]
    return documents + [item_document(item, status=None, thread_id=thread_of.get(item.source_id),
                                      lists=lists_of.get(item.source_id, ())) for item in found if item.kind == "decision"]


def update_item_documents(engine: Engine, index_dir: Path) -> int:
    """Write every action item and decision document again (after a person marked an action)."""
    return indexer.replace_kinds(index_dir, ITEM_KINDS, item_documents_in_store(engine))


def update_index(engine: Engine, index_dir: Path, thread_ids: Iterable[str], *,
                 meeting_ids: Iterable[str] = (), procs: int = 2) -> int:
    """Index the threads and meetings an import wrote, then any stored message still missing.

    Re-indexing whole threads keeps each message's thread id current when a late message merges
    two threads; the last step repairs what an interrupted import stored but never indexed.
    """
    if not indexer.index_exists(index_dir):
        return rebuild_index(engine, index_dir, procs=procs)
    wanted = set(thread_ids)
    if len(wanted) < SMALL_UPDATE:
        procs = 1  # starting indexer processes costs more than a few threads' messages take
    documents = chain(stored_documents(engine, thread_ids=wanted), meeting_documents_in_store(engine, meeting_ids))
    written = indexer.index_documents(index_dir, documents, procs=procs)
    missing = _unindexed_hashes(engine, index_dir)
    if missing:
        written += indexer.index_documents(index_dir, stored_documents(engine, hashes=missing), procs=procs)
    # Items are few, and a new "done" line changes an old action's status, so all are written again.
    return written + update_item_documents(engine, index_dir)


def _unindexed_hashes(engine: Engine, index_dir: Path) -> set[str]:
    """Return the content hashes of stored messages the index lacks (counting first, as that is cheap)."""
    with engine.connect() as conn:
        if store.message_count(conn) == indexer.kind_count(index_dir, "message"):
            return set()
        stored = set(store.content_hashes(conn))
    return stored - {content_hash_of(key) for key in indexer.indexed_keys(index_dir)}


def forget_messages(index_dir: Path, hashes: Iterable[str]) -> int:
    """Delete the index documents of removed messages (by their content hashes); return how many."""
    if not indexer.index_exists(index_dir):
        return 0
    return indexer.delete_documents(index_dir, [message_key(content_hash) for content_hash in hashes])


def forget_meeting(index_dir: Path, meeting_id: str) -> int:
    """Delete the index document of an unpublished meeting; return how many went."""
    return indexer.delete_documents(index_dir, [meeting_key(meeting_id)]) if indexer.index_exists(index_dir) else 0


def rebuild_index(engine: Engine, index_dir: Path, *, procs: int = 2) -> int:
    """Build a fresh index of every stored message and meeting and swap it in; return the count."""
    everything = chain(stored_documents(engine), meeting_documents_in_store(engine), item_documents_in_store(engine))
    return indexer.rebuild(index_dir, everything, procs=procs)


def check_index(engine: Engine, index_dir: Path) -> indexer.IndexComparison:
    """Compare the index with the store (for `minutebook check`)."""
    with engine.connect() as conn:
        keys = [message_key(content_hash) for content_hash in store.content_hashes(conn)]
    keys += [str(document["key"]) for document in meeting_documents_in_store(engine)]
    keys += [str(document["key"]) for document in item_documents_in_store(engine)]
    return indexer.compare(index_dir, keys)
