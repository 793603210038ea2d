"""Reading the archive a page at a time: what each web page shows, as models (no Flask here).

Every function takes a connection and returns one page's worth of data, or raises NotFound.
Counts over the whole archive (messages per list and month, the people) are remembered until
the archive changes, so only the first page after an import pays for them.
"""

from __future__ import annotations

import math
from collections import Counter
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from dataclasses import dataclass, replace
from types import MappingProxyType

from sqlalchemy.engine import Connection

from archive import actions, items, linking, meetings, memo, people, store
from archive.errors import Gone, NotFound
from archive.models import (
    ExtractedItem,
    ItemsPage,
    ListOverview,
    ListPage,
    MeetingPage,
    MessageFeed,
    MessagePage,
    MessageSummary,
    MessageView,
    MonthPage,
    MonthThread,
    PersonPage,
    ThreadEntry,
    ThreadPage,
    ThreadView,
    TrackedAction,
)
from ingest.message import attachment_bytes

PAGE_SIZE = 50
FEED_SIZE = 50
SORTS = ("date", "activity", "author", "subject")
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|sv|antw)\s*(?:\[\d+\])?\s*:)+\s*", re.IGNORECASE)
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def list_overviews(conn: Connection) -> tuple[ListOverview, ...]:
    """Return every list with its counts, latest thread and messages per month, by name."""
    return memo.remembered(conn, "list_overviews", _overviews)


def _overviews(conn: Connection) -> tuple[ListOverview, ...]:
    """Compute list_overviews (the expensive part: one pass over every message)."""
    descriptions = store.list_descriptions(conn)
    summaries = {summary.name: summary for summary in store.list_summaries(conn)}
    months = store.list_month_counts(conn)
    result = []
    for name in sorted(set(descriptions) | set(summaries)):
        summary = summaries.get(name)
        latest = store.list_threads(conn, name, limit=1)
        result.append(ListOverview(
            name=name, description=descriptions.get(name, ""),
            messages=summary.messages if summary else 0, threads=summary.threads if summary else 0,
            first=summary.first if summary else None, last=summary.last if summary else None,
            months=tuple(months.get(name, ())), latest=latest[0] if latest else None,
        ))
    return tuple(result)


def list_overview(conn: Connection, list_name: str) -> ListOverview:
    """Return one list's overview."""
    for overview in list_overviews(conn):
        if overview.name == list_name:
            return overview
    raise NotFound(f"no list named {list_name!r}")


def _pages(total: int, page: int, size: int = PAGE_SIZE) -> int:
    """Return how many pages total items fill, checking that page is one of them."""
    pages = max(1, math.ceil(total / size))
    if not 1 <= page <= pages:
        raise NotFound(f"there is no page {page}; the last is {pages}")
    return pages


def list_page(conn: Connection, list_name: str, *, page: int = 1) -> ListPage:
    """Return one page of a list's threads, most recently active first."""
    overview = list_overview(conn, list_name)
    pages = _pages(overview.threads, page)
    threads = store.list_threads(conn, list_name, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return ListPage(overview, tuple(threads), page, pages)


def subject_key(subject: str) -> str:
    """Return a subject as sorted in a subject index: without Re:/Fwd: prefixes, case-folded."""
    return _REPLY_PREFIX.sub("", subject).casefold()


def sort_month_threads(threads: Sequence[MonthThread], sort: str) -> list[MonthThread]:
    """Order a month's threads like Pipermail's four indexes: date, activity, author or subject."""
    by_date = sorted(threads, key=lambda t: (t.first or _EARLIEST, t.thread.thread_id))
    if sort == "activity":
        return sorted(by_date, key=lambda t: -t.messages)
    if sort == "author":
        return sorted(by_date, key=lambda t: (t.thread.starter.name or t.thread.starter.email).casefold())
    if sort == "subject":
        return sorted(by_date, key=lambda t: subject_key(t.thread.subject))
    return by_date


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_page(conn: Connection, list_name: str, year: int, month: int, *, sort: str = "date") -> MonthPage:
    """Return the threads with messages in one list and month, in the chosen order."""
    overview = list_overview(conn, list_name)
    known = [m for m in overview.months if m.messages]
    if not 1 <= month <= 12 or not any((m.year, m.month) == (year, month) for m in known):
        raise NotFound(f"{list_name} has no messages in {year}-{month:02d}")
    start = datetime(year, month, 1, tzinfo=timezone.utc)
    end = datetime(*_month_after(year, month), 1, tzinfo=timezone.utc)
    threads = store.month_threads(conn, list_name, start, end)
    earlier = [m for m in known if (m.year, m.month) < (year, month)]
    later = [m for m in known if (m.year, m.month) > (year, month)]
    return MonthPage(
        list_name=list_name, year=year, month=month, sort=sort,
        messages=sum(t.messages for t in threads), threads=tuple(sort_month_threads(threads, sort)),
        previous=earlier[-1] if earlier else None, next=later[0] if later else None,
    )


def by_date(entries: Sequence[ThreadEntry]) -> list[ThreadEntry]:
    """Return a thread's real messages oldest first, flat (ghosts left out)."""
    real = [entry for entry in entries if entry.message is not None]
    return sorted(real, key=lambda e: (e.message.date or _EARLIEST) if e.message else _EARLIEST)


def thread_page(conn: Connection, thread_id: str, *, list_name: str | None = None, flat: bool = False) -> ThreadPage:
    """Return a whole thread with its bodies, nested (or flat by date), and its neighbours in a list."""
    summary = store.thread_summary(conn, thread_id)
    if summary is None:
        raise NotFound(f"no thread {thread_id!r}")
    lists = store.thread_list_names(conn, thread_id)
    context = list_name if list_name in lists else (lists[0] if lists else None)
    entries = store.thread_entries(conn, thread_id, bodies=True)
    previous, following = store.neighbour_threads(conn, context, summary) if context else (None, None)
    shown = by_date(entries) if flat else entries
    return ThreadPage(ThreadView(summary, lists, tuple(shown)), context, flat, previous, following,
                      linking.thread_panel(conn, thread_id))


def meeting_page(conn: Connection, series: str, meeting_id: str) -> MeetingPage:
    """Return a meeting's minutes with what its log links to and what links to the meeting."""
    return replace(meetings.meeting_page(conn, series, meeting_id), links=linking.meeting_panel(conn, series, meeting_id),
                   edits=tuple(store.meeting_edits(conn, meeting_id)))


def relatives(entries: Sequence[ThreadEntry], message_id: str) -> tuple[ThreadEntry | None, tuple[MessageSummary, ...]]:
    """Return the entry message_id replies to (a ghost, maybe) and the messages replying to it."""
    parent_id = next((e.parent_id for e in entries if e.message_id == message_id), None)
    parent = next((e for e in entries if parent_id is not None and e.message_id == parent_id), None)
    replies = tuple(e.message for e in entries if e.parent_id == message_id and e.message is not None)
    return parent, replies


def message_page(conn: Connection, message_id: str, *, version: int = 1) -> MessagePage:
    """Return one message with its thread outline, its parent and its replies."""
    keys = store.message_keys(conn, message_id)
    message = store.message_view(conn, keys[version - 1]) if 1 <= version <= len(keys) else None
    if message is None:
        if (removal := store.removal_of(conn, message_id)) is not None:
            raise Gone(f"This message was removed from the archive on {removal[1]:%Y-%m-%d}: {removal[0]}"
                       if removal[1] else f"This message was removed from the archive: {removal[0]}")
        raise NotFound(f"no message {message_id!r}" + (f" version {version}" if version > 1 else ""))
    thread_id = store.message_thread_id(conn, message_id)
    summary = store.thread_summary(conn, thread_id) if thread_id else None
    panel = linking.message_panel(conn, message_id)
    minutes = items.minutes_of(message)
    if thread_id is None or summary is None:
        return MessagePage(message, None, None, (), len(keys), panel, minutes)
    entries = store.thread_entries(conn, thread_id, bodies=False)
    parent, replies = relatives(entries, message_id)
    thread = ThreadView(summary, store.thread_list_names(conn, thread_id), tuple(entries))
    return MessagePage(message, thread, parent, replies, len(keys), panel, minutes)


def _message_key(conn: Connection, message_id: str, version: int) -> int:
    """Return the primary key of one version of a message."""
    keys = store.message_keys(conn, message_id)
    if not 1 <= version <= len(keys):
        raise NotFound(f"no message {message_id!r}")
    return keys[version - 1]


def raw_message(conn: Connection, message_id: str, *, version: int = 1) -> bytes:
    """Return a message's original bytes."""
    raw = store.raw_message(conn, _message_key(conn, message_id, version))
    if raw is None:
        raise NotFound(f"no raw bytes for {message_id!r}")
    return raw


def attachment(conn: Connection, message_id: str, part: int, *, version: int = 1) -> tuple[str, str, bytes]:
    """Return (file name, content type, bytes) of one attachment the message lists."""
    message = store.message_view(conn, _message_key(conn, message_id, version))
    if message is None or part < 0 or all(a.part_index != part for a in message.attachments):
        raise NotFound(f"{message_id!r} has no attachment {part}")
    return attachment_bytes(raw_message(conn, message_id, version=version), part)


def _people(conn: Connection) -> Mapping[str, people.Person]:
    """Compute every person from the From headers (remembered by person_page)."""
    return MappingProxyType(dict(people.group_people(store.sender_pairs(conn))))


def person_page(conn: Connection, key: str, *, page: int = 1) -> PersonPage:
    """Return one page of what a person posted, newest first."""
    everyone = memo.remembered(conn, "people", _people)
    person = everyone.get(key)
    if person is None:
        raise NotFound(f"nobody is known as {key!r}")
    total = store.count_from(conn, person.addresses, person.shared)
    pages = _pages(total, page)
    found = store.messages_from(conn, person.addresses, person.shared, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE)
    lists = store.lists_posted_to(conn, person.addresses, person.shared)
    first_names = Counter(people.first_name(someone.name) for someone in everyone.values())
    nicks = people.nicks_of(person, store.meeting_nicks(conn), first_names)
    attended = store.meetings_of(conn, nicks)[:PAGE_SIZE] if nicks else []
    # Their action items: those whose owners (nicks in meetings, names in messages) are clearly them.
    owner_keys = memo.remembered(conn, "owner_keys", _owner_keys)
    owned = tuple(tracked for tracked in tracked_actions(conn)
                  if any(owner_keys.get(name) == key for name in tracked.item.owners))
    return PersonPage(key, person.name, person.senders, lists, tuple(found), page, pages, total,
                      nicks=nicks, meetings=tuple(attended), actions=owned)



def list_feed(conn: Connection, list_name: str) -> MessageFeed:
    """Return the newest messages of a list, for its Atom feed."""
    overview = list_overview(conn, list_name)
    found = store.recent_messages(conn, list_name=list_name, limit=FEED_SIZE)
    return MessageFeed(overview.name, (overview.name,), tuple(found))


def thread_feed(conn: Connection, thread_id: str) -> MessageFeed:
    """Return the newest messages of a thread, for its Atom feed."""
    summary = store.thread_summary(conn, thread_id)
    if summary is None:
        raise NotFound(f"no thread {thread_id!r}")
    found = store.recent_messages(conn, thread_id=thread_id, limit=FEED_SIZE)
    return MessageFeed(summary.subject, store.thread_list_names(conn, thread_id), tuple(found))


def extracted_items(conn: Connection, kind: str | None = None) -> list[ExtractedItem]:
    """Return the stored action items, decisions or "done"/"dropped" lines (all with kind None), oldest first."""
    everything = memo.remembered(conn, "items", lambda c: tuple(store.stored_items(c)))
    return [item for item in everything if kind is None or item.kind == kind]


def tracked_actions(conn: Connection) -> list[TrackedAction]:
    """Return every action item, followed through later mentions to done, dropped or still open, oldest first."""
    return list(memo.remembered(conn, "tracked", lambda c: tuple(items.tracked_actions(c))))


STATUSES = ("open", "done", "dropped")


def items_page(conn: Connection, kind: str, *, owner: str = "", series: str = "", year: str = "", words: str = "",
               status: str = "", list_name: str = "") -> ItemsPage:
    """Return the tracked action items (oldest first) or decisions (newest first) that match the filters.

    owner is a person's key (their items under any nick or name) or a name or nick as written.
    """
    found = extracted_items(conn, kind)
    where = memo.remembered(conn, "item_lists", _item_lists)
    owner_keys = memo.remembered(conn, "owner_keys", _owner_keys)
    filters = ItemFilter(owner.casefold(), series, year, words.casefold().split(), list_name)
    names = tuple(sorted({item.source_id.split("/")[0] for item in found if item.source_kind == "meeting"}))
    lists = tuple(sorted({name for item in found for name in where.get(item.source_id, ())}))
    threads = memo.remembered(conn, "item_threads", _item_threads)
    page = ItemsPage(kind, (), (), owner, series, year, words, (), names, status, list_name, lists,
                     tuple(sorted(owner_keys.items())), tuple(sorted(threads.items())))
    if kind == "action":
        chosen = [t for t in tracked_actions(conn) if filters.passes(t.item, where, owner_keys)]
        counts = tuple((name, sum(1 for t in chosen if t.status == name)) for name in STATUSES)
        return replace(page, actions=tuple(t for t in chosen if not status or t.status == status), counts=counts)
    return replace(page, items=tuple(item for item in reversed(found) if filters.passes(item, where, owner_keys)))


@dataclass(frozen=True)
class ItemFilter:
    """What an items page was asked to show (an empty filter passes everything)."""

    owner: str  # casefolded: a person's key, or a name or nick as written
    series: str
    year: str
    words: list[str]  # casefolded
    list_name: str

    def passes(self, item: ExtractedItem, lists_of: Mapping[str, tuple[str, ...]], owner_keys: Mapping[str, str]) -> bool:
        """Tell whether an item passes every filter."""
        return ((not self.owner or any(self.owner in (name.casefold(), owner_keys.get(name)) for name in item.owners))
                and (not self.series or (item.source_kind == "meeting" and item.source_id.split("/")[0] == self.series))
                and (not self.list_name or self.list_name in lists_of.get(item.source_id, ()))
                and (not self.year or (item.date is not None and str(item.date.year) == self.year))
                and all(word in item.text.casefold() for word in self.words))


def _item_lists(conn: Connection) -> Mapping[str, tuple[str, ...]]:
    """Return the lists of every message that holds items, by Message-ID."""
    ids = [item.source_id for item in extracted_items(conn) if item.source_kind == "message"]
    return MappingProxyType(store.lists_of_messages(conn, ids))


def _item_threads(conn: Connection) -> Mapping[str, str]:
    """Return the thread of every message that holds items, by Message-ID: the discussion around them."""
    ids = [item.source_id for item in extracted_items(conn) if item.source_kind == "message"]
    return MappingProxyType(store.threads_of_messages(conn, ids))


def _owner_keys(conn: Connection) -> Mapping[str, str]:
    """Return the person each owner name or nick clearly is, by the name as written."""
    everyone = memo.remembered(conn, "people", _people)
    first_names = Counter(people.first_name(someone.name) for someone in everyone.values())
    owners = sorted({name for item in extracted_items(conn) for name in item.owners})
    found: dict[str, list[str]] = {}
    for key, person in everyone.items():
        for name in people.nicks_of(person, owners, first_names):
            found.setdefault(name, []).append(key)
    return MappingProxyType({name: keys[0] for name, keys in found.items() if len(keys) == 1})
