"""Frozen domain objects shared by ingest, store, threading and the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
    seconds: float = 0.0
    errors: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        """Return messages read per second."""
        total = self.imported + self.duplicates + self.quarantined
        return total / self.seconds if self.seconds > 0 else 0.0
