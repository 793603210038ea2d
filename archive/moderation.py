"""What admins do to the archive itself: remove a message, keeping a note of why, everywhere at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from archive import derive, indexing, items, linking, store
from archive.errors import NotFound

MODES = ("delete", "hide")


def redact_message(engine: Engine, index_dir: Path | None, message_id: str, *, text: str, by: str) -> None:
    """Replace a passage of a message (a leaked secret) with "[redacted]" on every page, in the index and items."""
    if len(text.strip()) < 3:
        raise ValueError("give the passage to redact (at least 3 characters)")
    with engine.begin() as conn:
        thread_ids = store.redact_message(conn, message_id, text)
        if not thread_ids:
            raise NotFound(f"no message {message_id!r}")
        store.add_audit(conn, by, "redact", message_id, f"{len(text)} characters")
    items.derive_items(engine, thread_ids)
    linking.derive_links(engine, thread_ids)
    if index_dir is not None:
        indexing.update_index(engine, index_dir, thread_ids, procs=1)


def remove_message(engine: Engine, index_dir: Path | None, message_id: str, *, mode: str, note: str, by: str) -> int:
    """Remove a message from the store, its threads, items, links and the index; return how many copies went.

    "delete" deletes its raw bytes; "hide" keeps them apart, never served. Its permalink answers
    410 Gone with the note.
    """
    return _remove(engine, index_dir, [message_id], mode=mode, note=note, by=by)


def remove_thread(engine: Engine, index_dir: Path | None, thread_id: str, *, mode: str, note: str, by: str) -> int:
    """Remove every message of a thread, as remove_message does; return how many stored copies went."""
    with engine.connect() as conn:
        message_ids = store.thread_message_ids(conn, thread_id)
    if not message_ids:
        raise NotFound(f"no thread {thread_id!r}")
    return _remove(engine, index_dir, message_ids, mode=mode, note=note, by=by)


def _remove(engine: Engine, index_dir: Path | None, message_ids: list[str], *, mode: str, note: str, by: str) -> int:
    """Remove these messages in one transaction, then thread, derive and index what is left."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    hashes: list[str] = []
    thread_ids: set[str] = set()
    with engine.begin() as conn:
        for message_id in message_ids:
            removed, threads = store.remove_message(conn, message_id, mode=mode, note=note, by=by)
            if not removed:
                raise NotFound(f"no message {message_id!r}")
            hashes += removed
            thread_ids.update(threads)
            store.add_audit(conn, by, f"remove ({mode})", message_id, note)
        store.rethread(conn, sorted(thread_ids))
        store.drop_empty_threads(conn, sorted(thread_ids))
    touched = derive.thread_pending(engine)
    items.derive_items(engine, touched)
    linking.derive_links(engine, touched)
    if index_dir is not None:
        indexing.forget_messages(index_dir, hashes)
        indexing.update_index(engine, index_dir, touched, procs=1)
    return len(hashes)
