"""What admins do to the archive itself: remove a message, keeping a note of why, everywhere at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from archive import derive, indexing, items, linking, store
from archive.errors import NotFound

MODES = ("delete", "hide")


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
