"""Keep the stored action items and decisions in step with what was imported.

Items are derived data: an import re-extracts them from the threads and meetings it touched, and
`minutebook rebuild` from everything, so a better rule reaches old mail without re-importing it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy.engine import Connection, Engine

from archive import actions, meetings, prose_minutes, store
from archive.errors import NotFound
from archive.models import ExtractedItem, ItemMark, MessageView, ProseMinutes, TrackedAction

# Threads whose items are re-derived per transaction.
BATCH = 500


def message_items(message_id: str, subject: str, date: datetime | None, body: str, author: str = ""
                  ) -> list[ExtractedItem]:
    """Return what one message holds: its explicitly marked items, and, if it is minutes, what the minutes record."""
    minutes = _as_minutes(message_id, subject, date, body, author)
    return _with_marked(body, message_id, date, minutes.items if minutes else ())


def minutes_of(message: MessageView) -> ProseMinutes | None:
    """Return what a message records when it is minutes written as prose, else None."""
    minutes = _as_minutes(message.message_id, message.subject, message.date, message.body, message.sender.name)
    if minutes is None:
        return None
    return replace(minutes, items=tuple(_with_marked(message.body, message.message_id, message.date, minutes.items)))


def _as_minutes(message_id: str, subject: str, date: datetime | None, body: str, author: str) -> ProseMinutes | None:
    """Return a message read as prose minutes, or None when it is not minutes."""
    if not prose_minutes.looks_like_minutes(subject, body):
        return None
    return prose_minutes.read_minutes(body, message_id=message_id, date=date, author=author)


def _with_marked(body: str, message_id: str, date: datetime | None, minutes: Sequence[ExtractedItem]
                 ) -> list[ExtractedItem]:
    """Return the minutes' items with the lines the message marks explicitly, numbered per line.

    The minutes' reading of a marked line wins: it knows the attendees' full names and due dates.
    """
    lines = {item.line for item in minutes}
    marked = [item for item in actions.message_items(body, message_id=message_id, date=date) if item.line not in lines]
    return numbered(sorted([*minutes, *marked], key=lambda item: item.line))


def numbered(found: list[ExtractedItem]) -> list[ExtractedItem]:
    """Return items with their ordinal among the items of the same source line, so each has its own id."""
    seen: Counter[tuple[str, int]] = Counter()
    result = []
    for item in found:
        result.append(replace(item, ordinal=seen[(item.source_id, item.line)]))
        seen[(item.source_id, item.line)] += 1
    return result


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


def tracked_actions(conn: Connection) -> list[TrackedAction]:
    """Return every action item, followed through later mentions and people's marks, oldest first."""
    return actions.apply_marks(actions.track_actions(store.stored_items(conn)), store.stored_item_marks(conn))


MARK_STATUSES = ("open", "done", "dropped")


def mark_action(engine: Engine, item_id: str, status: str, *, by: str, owners: Sequence[str] | None = None,
                note: str = "") -> TrackedAction:
    """Record that a person marked an action done, dropped or open (and perhaps reassigned it); return it."""
    if status not in MARK_STATUSES:
        raise ValueError(f"status must be one of {', '.join(MARK_STATUSES)}")
    with engine.begin() as conn:
        known = {mention.item_id: tracked for tracked in tracked_actions(conn)
                 for mention in (tracked.item, *tracked.repeats)}
        if item_id not in known:
            raise NotFound(f"no action item {item_id!r} (`minutebook actions --json` prints the ids)")
        store.add_item_mark(conn, ItemMark(item_id, status, None if owners is None else tuple(owners), by, note,
                                           datetime.now(timezone.utc)))
        return next(t for t in tracked_actions(conn) if t.item.item_id == known[item_id].item.item_id)
