"""Keep the stored action items and decisions in step with what was imported.

Items are derived data: an import re-extracts them from the threads and meetings it touched, and
`minutebook rebuild` from everything, so a better rule reaches old mail without re-importing it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.engine import Connection, Engine

from archive import actions, meetings, prose_minutes, store
from archive.models import ExtractedItem, MessageView

# Threads whose items are re-derived per transaction.
BATCH = 500


def message_items(message_id: str, subject: str, date: datetime | None, body: str, author: str = ""
                  ) -> list[ExtractedItem]:
    """Return what one message holds: its explicitly marked items, and, if it is minutes, what the minutes record."""
    marked = actions.message_items(body, message_id=message_id, date=date)
    if not prose_minutes.looks_like_minutes(subject, body):
        return marked
    lines = {item.line for item in marked}
    minutes = prose_minutes.read_minutes(body, message_id=message_id, date=date, author=author)
    return marked + [item for item in minutes.items if item.line not in lines]


def derive_items(engine: Engine, thread_ids: Iterable[str], meeting_ids: Iterable[str] = ()) -> Counter[str]:
    """Re-extract the items of these threads and meetings; return how many of each kind were found."""
    counts: Counter[str] = Counter()
    wanted = sorted(set(thread_ids))
    for start in range(0, len(wanted), BATCH):
        with engine.begin() as conn:
            chunk = wanted[start : start + BATCH]
            found = _thread_items(conn, chunk)
            store.replace_items(conn, thread_ids=chunk, found=found)
        counts.update(item.kind for item in found)
    with engine.begin() as conn:
        replayed = [meetings.replay(*stored) for meeting_id in sorted(set(meeting_ids))
                    if (stored := store.meeting_log(conn, meeting_id)) is not None]
        found = [item for meeting in replayed for item in actions.meeting_items(meeting)]
        store.replace_items(conn, meeting_sources=[f"{m.series}/{m.meeting_id}" for m in replayed], found=found)
    counts.update(item.kind for item in found)
    return counts


def _thread_items(conn: Connection, thread_ids: Sequence[str]) -> list[ExtractedItem]:
    """Return the items of the messages in some threads, and the tallies of their calls for votes."""
    found = [item for candidate in store.item_candidates(conn, thread_ids) for item in message_items(*candidate)]
    for thread_id, subject, root_id in store.vote_threads(conn, thread_ids):
        if actions.is_call_for_votes(subject):
            votes = [(entry.message.sender.email or entry.message.sender.name, entry.message.body, entry.message.date)
                     for entry in store.thread_entries(conn, thread_id, bodies=True)
                     if isinstance(entry.message, MessageView) and actions.is_call_for_votes(entry.message.subject)]
            found.append(actions.tally_votes(subject, root_id, votes))
    return found


def rederive_all(engine: Engine) -> Counter[str]:
    """Extract the items of every thread and meeting again (for `minutebook rebuild`)."""
    with engine.connect() as conn:
        thread_ids, meeting_ids = store.thread_ids_all(conn), store.meeting_ids_all(conn)
    with engine.begin() as conn:
        store.clear_items(conn)
    return derive_items(engine, thread_ids, meeting_ids)
