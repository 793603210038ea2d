"""Atom feeds of messages, built with feedgen from text made XML-safe first."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from archive.minutes import minutes_text
from archive.models import Meeting, MessageView
from archive.render import address_text, email_text, obfuscate_text

# Characters XML 1.0 forbids (C0 controls but tab, CR, LF; surrogates; U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A feed entry carries at most this much of a body: enough to read, never a whole patch bomb.
MAX_CONTENT = 64_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def xml_safe(text: str) -> str:
    """Return text without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def feed_xml(
    *,
    title: str,
    feed_url: str,
    page_url: str,
    messages: Sequence[MessageView],
    permalink: Callable[[MessageView], str],
    show_addresses: bool,
) -> bytes:
    """Return an Atom feed with one entry per message, in the given order."""
    feed = _new_feed(title, feed_url, page_url, [m.date for m in messages if m.date is not None])
    for message in messages:
        _add_entry(feed, message, permalink(message), show_addresses)
    return bytes(feed.atom_str(pretty=True))


def _new_feed(title: str, feed_url: str, page_url: str, dates: list[datetime]) -> FeedGenerator:
    """Return an empty feed: its id, title, links, and the newest of dates as its update time."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(xml_safe(title) or "(untitled)")
    feed.link(href=page_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.generator("Minutebook")
    feed.updated(max(dates) if dates else _EPOCH)
    return feed


def _add_entry(feed: FeedGenerator, message: MessageView, link: str, show_addresses: bool) -> None:
    """Append one message to feed as an entry with its author, dates and text body."""
    entry = feed.add_entry(order="append")
    entry.id(link)
    entry.title(xml_safe(message.subject) or "(no subject)")
    entry.link(href=link, rel="alternate")
    author = {"name": xml_safe(address_text(message.sender, show=show_addresses))}
    if show_addresses and message.sender.email:
        author["email"] = xml_safe(email_text(message.sender, show=True))
    entry.author(author)
    entry.updated(message.date or _EPOCH)
    if message.date is not None:
        entry.published(message.date)
    body = message.body if show_addresses else obfuscate_text(message.body)
    if len(body) > MAX_CONTENT:
        body = body[:MAX_CONTENT] + "\n[…]"
    entry.content(xml_safe(body), type="text")


def meetings_feed_xml(*, title: str, feed_url: str, page_url: str, meetings: Sequence[tuple[str, Meeting]]) -> bytes:
    """Return an Atom feed with one entry per (minutes URL, meeting), the minutes as text."""
    feed = _new_feed(title, feed_url, page_url, [m.start for _link, m in meetings if m.start is not None])
    for link, meeting in meetings:
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(xml_safe(meeting.title or meeting.meeting_id))
        entry.link(href=link, rel="alternate")
        entry.author({"name": xml_safe(meeting.owner or "MeetBot")})
        entry.updated(meeting.end or meeting.start or _EPOCH)
        if meeting.start is not None:
            entry.published(meeting.start)
        entry.content(xml_safe(obfuscate_text(minutes_text(meeting))), type="text")
    return bytes(feed.atom_str(pretty=True))


def items_feed_xml(*, title: str, feed_url: str, page_url: str,
                   entries: Sequence[tuple[str, str, datetime | None, str]]) -> bytes:
    """Return an Atom feed of (link, title, date, text) entries: action items or decisions."""
    feed = _new_feed(title, feed_url, page_url, [date for _l, _t, date, _x in entries if date is not None])
    for link, entry_title, date, text in entries:
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(xml_safe(entry_title) or "(untitled)")
        entry.link(href=link, rel="alternate")
        entry.updated(date or _EPOCH)
        entry.content(xml_safe(obfuscate_text(text)), type="text")
    return bytes(feed.atom_str(pretty=True))
