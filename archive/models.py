"""Frozen domain objects shared by ingest, store, threading and the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# A day without a time; named so because classes below have fields called "date".
CalendarDate = date


# Ends the source of a message read from a web page (or its saved text): the page's copy of a mail.
PAGE_COPY = " [web page]"


@dataclass(frozen=True)
class RawItem:
    """One message's bytes as found in a source file, before parsing."""

    raw: bytes  # the message itself: no mbox From_ line, >From already unescaped
    source: str  # path (or path:commit) the bytes came from
    offset: int  # byte offset in the (decompressed) source, or ordinal for non-files
    envelope: str | None = None  # the mbox "From " line without its newline, if any
    archive_month: tuple[int, int] | None = None  # (year, month) from a "2019-April.txt" name
    source_url: str | None = None  # where the message was published, when known


@dataclass(frozen=True)
class SourceError:
    """A part of a source that could not be turned into a RawItem (kept for quarantine)."""

    source: str
    offset: int
    reason: str
    raw: bytes = b""


@dataclass(frozen=True)
class Address:
    """A display name with its e-mail address (either may be empty)."""

    name: str
    email: str


@dataclass(frozen=True)
class Attachment:
    """A non-body MIME part, retrievable from the raw message by its part index."""

    part_index: int  # position in Message.walk() order of the raw message
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Message:
    """A parsed e-mail message; raw holds the original bytes, the source of truth."""

    message_id: str  # normalised: no <>, no whitespace; generated when missing
    content_hash: str  # sha256 hex of raw
    subject: str
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None  # UTC, timezone-aware
    utc_offset_minutes: int | None  # the offset the sender's Date header carried
    date_uncertain: bool  # True when the date came from a fallback, not a valid Date header
    in_reply_to: str | None  # normalised Message-ID
    references: tuple[str, ...]  # normalised Message-IDs, oldest first
    body: str  # text/plain, or text converted from HTML
    body_from_html: bool
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...]  # what was wrong but recovered (bad charset, bad date, ...)
    raw: bytes
    generated_id: bool = False  # True when message_id came from the content hash
    source_url: str | None = None


@dataclass(frozen=True)
class ThreadNode:
    """A message or ghost placed in a thread tree."""

    message_id: str
    parent_id: str | None
    depth: int
    ghost: bool


@dataclass(frozen=True)
class ThreadInput:
    """What threading needs to know about one message."""

    message_id: str
    references: tuple[str, ...]  # References chain, oldest first
    in_reply_to: str | None
    date: datetime | None
    subject: str = ""


@dataclass(frozen=True)
class ThreadTree:
    """One thread: the root's Message-ID and every node in display (depth-first) order."""

    thread_id: str
    root_id: str
    nodes: tuple[ThreadNode, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ListSummary:
    """A mailing list with its counts and date range."""

    name: str
    messages: int
    threads: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class QuarantineEntry:
    """An item that could not be imported, with why and where it came from."""

    id: int
    source: str
    offset: int
    reason: str
    created: datetime
    size: int


@dataclass(frozen=True)
class ImportSummary:
    """What one `minutebook ingest` run did."""

    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    threads_touched: int = 0
    indexed: int = 0  # search index documents written
    meetings: int = 0  # meetings added or updated
    actions: int = 0  # action items found in what was imported
    decisions: int = 0  # decisions found in what was imported
    seconds: float = 0.0
    errors: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        """Return messages read per second."""
        total = self.imported + self.duplicates + self.quarantined
        return total / self.seconds if self.seconds > 0 else 0.0


# What the web pages show: page-sized views read from the store (issue 3).


@dataclass(frozen=True)
class MonthCount:
    """How many messages one list received in one month."""

    year: int
    month: int
    messages: int


@dataclass(frozen=True)
class ThreadSummary:
    """A thread as an index row: subject, size, dates and who started it."""

    thread_id: str
    subject: str
    messages: int
    first: datetime | None
    last: datetime | None
    starter: Address


@dataclass(frozen=True)
class ListOverview:
    """A list with its counts, latest thread and messages per month, oldest month first."""

    name: str
    description: str
    messages: int
    threads: int
    first: datetime | None
    last: datetime | None
    months: tuple[MonthCount, ...]
    latest: ThreadSummary | None


@dataclass(frozen=True)
class ListPage:
    """One page of a list's threads, most recently active first."""

    overview: ListOverview
    threads: tuple[ThreadSummary, ...]
    page: int
    pages: int


@dataclass(frozen=True)
class MonthThread:
    """A thread as it appears in one month: the whole thread and its part in that month."""

    thread: ThreadSummary
    messages: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class MonthPage:
    """The threads with messages in one list and month, in the chosen order."""

    list_name: str
    year: int
    month: int
    sort: str  # date, activity, author or subject
    messages: int
    threads: tuple[MonthThread, ...]
    previous: MonthCount | None
    next: MonthCount | None


@dataclass(frozen=True)
class MessageSummary:
    """A message as a line in an outline or index."""

    message_id: str
    version: int  # 1, or n for the n-th stored message sharing this Message-ID
    subject: str
    sender: Address
    date: datetime | None
    utc_offset_minutes: int | None


@dataclass(frozen=True)
class MessageView(MessageSummary):
    """A message as a reader sees it: headers, body and attachments."""

    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    date_uncertain: bool = False
    body: str = ""
    body_from_html: bool = False
    attachments: tuple[Attachment, ...] = ()
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThreadEntry:
    """One node of a thread in display order; message is None for a ghost."""

    message_id: str
    parent_id: str | None
    depth: int
    message: MessageSummary | None


@dataclass(frozen=True)
class ThreadView:
    """A whole thread: its summary, its lists and every node in tree order."""

    summary: ThreadSummary
    lists: tuple[str, ...]
    entries: tuple[ThreadEntry, ...]


@dataclass(frozen=True)
class ThreadPage:
    """A thread with the previous and next thread of the list it is read in."""

    thread: ThreadView
    list_name: str | None
    flat: bool
    previous: ThreadSummary | None
    next: ThreadSummary | None
    links: LinkPanel = field(default_factory=lambda: LinkPanel((), ()))  # what it links to, and what links to it


@dataclass(frozen=True)
class ProseMinutes:
    """What a message written as minutes holds: who attended, the topics, and the items found in it."""

    attendees: tuple[str, ...]
    topics: tuple[str, ...]
    items: tuple[ExtractedItem, ...]


@dataclass(frozen=True)
class MessagePage:
    """One message in its thread: its parent, its replies and the thread outline."""

    message: MessageView
    thread: ThreadView | None  # entries hold summaries only; None until the message is threaded
    parent: ThreadEntry | None
    replies: tuple[MessageSummary, ...]
    versions: int
    links: LinkPanel = field(default_factory=lambda: LinkPanel((), ()))  # what it links to, and what links to it
    minutes: ProseMinutes | None = None  # what it records, when it is minutes written as prose


@dataclass(frozen=True)
class PersonPage:
    """What one person posted, newest first, with the names and addresses they used."""

    key: str
    name: str
    senders: tuple[Address, ...]
    lists: tuple[str, ...]
    messages: tuple[MessageSummary, ...]
    page: int
    pages: int
    total: int
    nicks: tuple[str, ...] = ()  # their IRC nicks in meetings
    meetings: tuple[MeetingSummary, ...] = ()  # meetings they took part in, newest first
    actions: tuple[TrackedAction, ...] = ()  # action items they own, open and done, oldest first


@dataclass(frozen=True)
class MessageFeed:
    """The newest messages of a list or thread, newest first, for an Atom feed."""

    title: str
    lists: tuple[str, ...]
    messages: tuple[MessageView, ...]


# Meetings (issue 5): a MeetBot log replayed into minutes.


@dataclass(frozen=True)
class LogLine:
    """One line of a meeting log: its number in the file (from 1), time, speaker and text."""

    number: int
    time: str  # "HH:MM:SS" (or "HH:MM") as the log wrote it; "" when the log has no times
    nick: str  # "" for lines that are not somebody speaking
    text: str
    is_action: bool = False  # a "/me" line


@dataclass(frozen=True)
class MeetingItem:
    """One item of the minutes, as MeetBot records it, with the log line it was said on."""

    type: str  # MeetBot's upper-case type: TOPIC, INFO, IDEA, ACTION, AGREED, ACCEPTED, REJECTED, HELP, LINK, VOTE
    text: str
    nick: str
    time: str
    topic: str  # the topic in force when it was said ("" before the first)
    line: int


@dataclass(frozen=True)
class Meeting:
    """A meeting replayed from its log: minutes items, chairs, people and action items."""

    meeting_id: str  # the file's base name: "<name>.YYYY-MM-DD-HH.MM"
    series: str  # the meeting name (#meetingname, else from the file name)
    title: str  # what #startmeeting or #meetingtopic said
    start: datetime | None  # UTC
    end: datetime | None  # UTC; None when the log has no #endmeeting
    owner: str  # who started it
    chairs: tuple[str, ...]
    people: tuple[tuple[str, int], ...]  # (nick, lines said), most lines first
    items: tuple[MeetingItem, ...]
    actions_by_person: tuple[tuple[str, tuple[str, ...]], ...]  # (nick, action texts), by nick
    unassigned: tuple[str, ...]  # action texts naming nobody present
    log: tuple[LogLine, ...]
    problems: tuple[str, ...] = ()  # what could not be understood (no #endmeeting, unreadable lines)


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting as a row of an index: what it was, when, and how much it holds."""

    meeting_id: str
    series: str
    title: str
    start: datetime | None
    end: datetime | None
    people: int
    items: int
    actions: int


@dataclass(frozen=True)
class SeriesSummary:
    """A meeting series (a team's meetings) with its count, last meeting and action items."""

    name: str
    meetings: int
    last: datetime | None
    actions: int


@dataclass(frozen=True)
class SeriesPage:
    """One meeting series: its meetings, newest first, grouped by year (None: date unknown)."""

    name: str
    meetings: int
    years: tuple[tuple[int | None, tuple[MeetingSummary, ...]], ...]


@dataclass(frozen=True)
class MeetingPage:
    """One meeting: its summary row and its minutes replayed from the log."""

    summary: MeetingSummary
    meeting: Meeting
    links: LinkPanel = field(default_factory=lambda: LinkPanel((), ()))  # what it links to, and what links to it
    edits: tuple[tuple[datetime | None, str], ...] = ()  # (when, by) of each edit of published minutes


@dataclass(frozen=True)
class ExtractedItem:
    """An action item or a decision, with where it was found and by which rule."""

    kind: str  # "action", "decision", "done" or "dropped" (a line saying an action was done or dropped)
    text: str
    owners: tuple[str, ...]  # names or nicks the action names; () for decisions and unowned actions
    date: datetime | None
    source_kind: str  # "meeting" or "message"
    source_id: str  # "SERIES/MEETING" or a Message-ID
    line: int  # the line of the log or of the message body (from 1; 0 when unknown)
    rule: str  # which rule found it, e.g. "marker ACTION:" or "meeting #agreed"
    due: CalendarDate | None = None  # when the action is due, if its source says
    context_line: int = 0  # where the discussion that led to it starts (a meeting's topic line); 0: the whole source
    ordinal: int = 0  # its place among the items found on the same line (a sentence may hold two actions)

    @property
    def item_id(self) -> str:
        """Return the item's id: its source and line ("SERIES/MEETING#12", "<message-id>#7", "...#7.2")."""
        return f"{self.source_id}#{self.line}" + (f".{self.ordinal + 1}" if self.ordinal else "")


@dataclass(frozen=True)
class ItemsPage:
    """Action items or decisions, filtered as asked, with the filters and the counts by status."""

    kind: str  # "action" or "decision"
    items: tuple[ExtractedItem, ...]  # the decisions (empty for actions)
    actions: tuple[TrackedAction, ...]  # the tracked action items (empty for decisions)
    owner: str
    series: str
    year: str
    words: str
    counts: tuple[tuple[str, int], ...]  # (status, count) over the filtered items
    series_names: tuple[str, ...]  # every series with items, for the filter
    status: str = ""
    list_name: str = ""
    list_names: tuple[str, ...] = ()  # every list with items, for the filter
    owner_keys: tuple[tuple[str, str], ...] = ()  # (owner as written, person key) for owners known as people
    threads: tuple[tuple[str, str], ...] = ()  # (Message-ID, thread id) of the messages items came from


@dataclass(frozen=True)
class FoundLink:
    """A reference a message or meeting log makes, as stored: where it is, and the key it names."""

    source_kind: str  # "message" or "meeting"
    source_id: str  # a Message-ID or "SERIES/MEETING"
    line: int  # the line of the body or log it is on
    key: str  # what it names, normalised (archive/links.py)
    kind: str  # message, meeting, review, bug or commit
    url: str  # as written ("" when not written as a URL)
    anchor: int  # the line of a meeting a URL points at (#l-N), else 0
    date: datetime | None  # the source's date
    snippet: str  # the line, for showing it in context


@dataclass(frozen=True)
class LinkView:
    """A reference as a page shows it: what it names, where that is in the archive, and its source's title."""

    link: FoundLink
    target: tuple[str, str] | None  # ("message", Message-ID), ("meeting", "SERIES/MEETING") or ("review", key)
    title: str  # the subject or meeting title of the source


@dataclass(frozen=True)
class LinkPanel:
    """What a message, thread, meeting or review links to, and what links to it."""

    outgoing: tuple[LinkView, ...]
    incoming: tuple[LinkView, ...]


@dataclass(frozen=True)
class ReferencePage:
    """Everything the archive knows of one key: what it is here (a review's own thread) and what mentions it."""

    key: str
    target: tuple[str, str] | None  # what the key resolves to in this archive, if anything
    thread_id: str | None  # the thread of an imported review or message
    links: LinkPanel
    title: str = ""  # the subject of its own thread, when it has one
    # Its own posts and every mention, in date order: (date, post or None, mention or None).
    timeline: tuple[tuple[datetime | None, MessageSummary | None, LinkView | None], ...] = ()


@dataclass(frozen=True)
class ItemMark:
    """A person's word on an action item: done, dropped or open again, perhaps with new owners."""

    item_id: str  # the action's id: "SOURCE#LINE", as `minutebook actions --json` prints it
    status: str  # "open", "done" or "dropped"
    owners: tuple[str, ...] | None  # new owners, or None to keep them
    by: str  # who marked it
    note: str
    created: datetime  # UTC


@dataclass(frozen=True)
class TrackedAction:
    """An action item followed through later meetings and messages: repeated, done or still open."""

    item: ExtractedItem  # where it was first raised
    status: str  # "open", "done" or "dropped"
    repeats: tuple[ExtractedItem, ...] = ()  # later mentions: carried over to a meeting, restated in a message
    closed_by: ExtractedItem | None = None  # the line that said it was done or dropped
    marked: ItemMark | None = None  # the last mark a person put on it, which overrides what text says

    @property
    def due(self) -> CalendarDate | None:
        """Return the latest due date stated for the action, when first raised or since."""
        stated = [item.due for item in (self.item, *self.repeats) if item.due is not None]
        return stated[-1] if stated else None
