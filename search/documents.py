"""Turn stored items into index documents (pure): what the author wrote weighs most."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from archive.models import Address, ExtractedItem, Meeting, Message
from search.schema import WORD

Document = dict[str, str | int]

# Index at most this much of a body's own text, quoted text and diff (the rest is rarely searched).
MAX_TEXT = 100_000
# Lines that continue a diff once one has started (an empty line is a mangled context line).
_DIFF_LINES = (" ", "+", "-", "@@", "\\", "diff ", "index ", "new ", "deleted ", "similarity ",
               "dissimilarity ", "rename ", "copy ", "old mode", "Binary files", "GIT binary")
_DIFF_STARTS = ("diff --git ", "diff -", "Index: ", "--- a/")


@dataclass(frozen=True)
class BodyParts:
    """A body split into what the author wrote, what they quoted, and the diff they sent."""

    author: str
    quoted: str
    diff: str


def split_body(body: str) -> BodyParts:
    """Split a body into author text, quoted (`> `) lines and diff lines; drop the signature.

    Only the first level of quoting is kept: deeper levels repeat older messages.
    """
    author: list[str] = []
    quoted: list[str] = []
    diff: list[str] = []
    in_diff = False
    for line in body.split("\n"):
        if line == "-- ":
            break  # the signature (in patches, the git version after the diff)
        if line.startswith(">"):
            if not line[1:].lstrip(" ").startswith(">"):
                quoted.append(line)  # quotes of quotes repeat older messages still further
        elif in_diff and (not line or line.startswith(_DIFF_LINES)):
            _add_diff_line(line, diff)
        elif line.startswith(_DIFF_STARTS):
            in_diff = True
            _add_diff_line(line, diff)
        else:
            in_diff = False
            author.append(line)
    return BodyParts("\n".join(author), "\n".join(quoted), "\n".join(diff))


def _add_diff_line(line: str, diff: list[str]) -> None:
    """Keep what a diff line changes: paths, hunk context, added and removed code."""
    first = line[:1]
    if first in ("+", "-"):
        if not line.startswith(("+++ ", "--- ")):
            diff.append(line[1:])
    elif first == "@":
        diff.append(line.rpartition("@@")[2])  # the enclosing function
    elif line.startswith("diff "):
        diff.append(line[5:])
    elif line.startswith("Index: "):
        diff.append(line[7:])


def distinct_words(text: str) -> str:
    """Return each word of text once, in order: index cheaply where frequency does not matter."""
    return " ".join(dict.fromkeys(WORD.findall(text[:MAX_TEXT].lower())))


def spelling_words(text: str) -> str:
    """Return the plain alphabetic words of text, the vocabulary "did you mean" suggests from."""
    return " ".join(word for word in dict.fromkeys(WORD.findall(text.lower())) if word.isalpha())


def addresses_text(addresses: Iterable[Address]) -> str:
    """Return names and addresses as one searchable string."""
    return " ".join(f"{a.name} {a.email}".strip() for a in addresses)


def date_seconds(date: datetime | None) -> int:
    """Return date as UTC seconds since the epoch, 0 when unknown (the index's "no date")."""
    if date is None:
        return 0
    aware = date if date.tzinfo else date.replace(tzinfo=timezone.utc)
    return max(1, int(aware.timestamp()))


def message_key(content_hash: str) -> str:
    """Return the unique index key of a stored message."""
    return f"message:{content_hash}"


def content_hash_of(key: str) -> str | None:
    """Return the content hash a message's index key holds (None for the keys of other kinds)."""
    kind, _, content_hash = key.partition(":")
    return content_hash if kind == "message" else None


def message_document(message: Message, *, list_names: Sequence[str], thread_id: str | None,
                     links: Sequence[str] = ()) -> Document:
    """Return the index document for a stored message."""
    parts = split_body(message.body)
    document: Document = {
        "key": message_key(message.content_hash),
        "id": message.message_id,
        "kind": "message",
        "title": message.subject,
        "body": parts.author[:MAX_TEXT],
        "quoted": distinct_words(parts.quoted),
        "diff": distinct_words(parts.diff),
        "sender": message.sender.name or message.sender.email,
        "from": addresses_text([message.sender]),
        "to": addresses_text(message.to),
        "cc": addresses_text(message.cc),
        "list": " ".join(list_names),
        "date": date_seconds(message.date),
        "spell": spelling_words(message.subject),
    }
    if thread_id:
        document["thread_id"] = thread_id
    if links:
        document["links"] = " ".join(links)
    if message.date is not None:
        document["year"] = str(message.date.astimezone(timezone.utc).year)
    return document


def meeting_key(meeting_id: str) -> str:
    """Return the index key of a meeting."""
    return f"meeting:{meeting_id}"


def meeting_document(meeting: Meeting, *, links: Sequence[str] = ()) -> Document:
    """Return a meeting's index document, with id "SERIES/MEETING" (its items are documents of their own)."""
    title = meeting.title or meeting.meeting_id
    document: Document = {
        "key": meeting_key(meeting.meeting_id), "id": f"{meeting.series}/{meeting.meeting_id}", "kind": "meeting",
        "thread_id": meeting_key(meeting.meeting_id), "series": meeting.series, "date": date_seconds(meeting.start),
        "sender": meeting.owner, "title": title, "body": "\n".join(line.text for line in meeting.log)[:MAX_TEXT],
        "nick": " ".join(nick for nick, _lines in meeting.people), "spell": spelling_words(title),
    }
    if meeting.start is not None:
        document["year"] = str(meeting.start.year)
    if links:
        document["links"] = " ".join(links)
    return document


# The kinds of index documents made from action items and decisions (replaced together after each import).
ITEM_KINDS = ("action", "decision")


def item_key(item: ExtractedItem) -> str:
    """Return the index key of an action item or decision: its kind and exact source."""
    return f"{item.kind}:{item.source_kind}:{item.item_id}"


def item_source_of(key: str) -> str:
    """Return whether an item document's key says it came from a "message" or a "meeting"."""
    return key.split(":", 2)[1]


def item_document(item: ExtractedItem, *, status: str | None, thread_id: str | None,
                  lists: Sequence[str] = ()) -> Document:
    """Return the index document of an action item (with its tracked status) or a decision.

    A meeting's items share the meeting as their "thread", a message's items its thread, so results
    show each discussion once. Ids are "SERIES/MEETING#LINE" or the Message-ID.
    """
    from_meeting = item.source_kind == "meeting"
    document: Document = {
        "key": item_key(item), "kind": item.kind, "title": item.text, "body": item.text,
        "id": f"{item.source_id}#{item.line}" if from_meeting else item.source_id,
        "nick": " ".join(item.owners), "date": date_seconds(item.date), "spell": spelling_words(item.text),
    }
    if from_meeting:
        document["series"] = item.source_id.split("/")[0]
        document["thread_id"] = meeting_key(item.source_id.split("/", 1)[1])
    elif thread_id:
        document["thread_id"] = thread_id
    if lists:
        document["list"] = " ".join(lists)  # the lists of its message: a private list's items stay private
    if status:
        document["status"] = status
    if item.date is not None:
        document["year"] = str(item.date.astimezone(timezone.utc).year)
    return document
