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
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    with engine.begin() as conn:
        hashes, thread_ids = store.remove_message(conn, message_id, mode=mode, note=note, by=by)
        if not hashes:
            raise NotFound(f"no message {message_id!r}")
        store.rethread(conn, thread_ids)
        store.add_audit(conn, by, f"remove ({mode})", message_id, note)
    touched = derive.thread_pending(engine)
    items.derive_items(engine, touched)
    linking.derive_links(engine, touched)
    if index_dir is not None:
        indexing.forget_messages(index_dir, hashes)
        indexing.update_index(engine, index_dir, touched, procs=1)
    return len(hashes)
