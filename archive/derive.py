"""Re-derive what is computed from the stored raw messages: threads (later: actions, links)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Engine

from archive import store
from archive.models import ThreadInput, ThreadTree
from archive.threads import thread_id_for, thread_messages

# Messages threaded per transaction: bounds memory whatever the archive's size.
THREADING_BATCH = 20_000


def thread_pending(engine: Engine, *, batch: int = THREADING_BATCH) -> set[str]:
    """Place every unthreaded message in its thread; return the ids of the threads written."""
    touched: set[str] = set()
    while True:
        with engine.begin() as conn:
            pending = store.pending_thread_inputs(conn, batch)
            if not pending:
                return touched
            inputs = [message for _pk, message in pending]
            old_ids = store.touching_thread_ids(conn, _ids_and_refs(inputs))
            trees = thread_messages(store.thread_members(conn, old_ids) + inputs)
            redirects = vanished_thread_targets(old_ids, trees)
            store.replace_threads(conn, old_ids, trees, redirects, [pk for pk, _message in pending])
            touched.update(tree.thread_id for tree in trees)


def rebuild(engine: Engine) -> int:
    """Forget every derived thread and thread all messages again; return the thread count."""
    with engine.begin() as conn:
        store.clear_threads(conn)
    return len(thread_pending(engine))


def _ids_and_refs(messages: Iterable[ThreadInput]) -> set[str]:
    """Return the Message-IDs of messages and every id they reference."""
    ids: set[str] = set()
    for message in messages:
        ids.add(message.message_id)
        ids.update(message.references)
        if message.in_reply_to:
            ids.add(message.in_reply_to)
    return ids


def vanished_thread_targets(old_ids: set[str], trees: Iterable[ThreadTree]) -> dict[str, str]:
    """Map each old thread id no longer present to the new thread that holds its old root."""
    trees = list(trees)
    current = {tree.thread_id for tree in trees}
    vanished = old_ids - current
    if not vanished:
        return {}
    targets: dict[str, str] = {}
    for tree in trees:
        for node in tree.nodes:
            old = thread_id_for(node.message_id)
            if old in vanished:
                targets[old] = tree.thread_id
    return targets
