"""The page-sized views: month ordering, subjects and a message's relatives."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archive import browse
from archive.errors import NotFound
from archive.models import Address, MessageSummary, MonthThread, ThreadEntry, ThreadSummary

UTC = timezone.utc


def month_thread(thread_id: str, subject: str, starter: str, count: int, day: int) -> MonthThread:
    when = datetime(2024, 3, day, tzinfo=UTC)
    summary = ThreadSummary(thread_id, subject, count + 1, when, when, Address(starter, ""))
    return MonthThread(summary, count, when, when)


def test_subject_key_ignores_reply_prefixes_and_case() -> None:
    assert browse.subject_key("Re: RE: Fwd: [PATCH] Foo") == "[patch] foo"
    assert browse.subject_key("AW: Sv[2]: bar") == "bar"


def test_the_four_orders() -> None:
    threads = [month_thread("a", "Re: zebra", "bob", 1, 3), month_thread("b", "apple", "Alice", 5, 9),
               month_thread("c", "Mango", "carol", 2, 1)]
    order = {sort: [t.thread.thread_id for t in browse.sort_month_threads(threads, sort)] for sort in browse.SORTS}
    assert order == {"date": ["c", "a", "b"], "activity": ["b", "c", "a"],
                     "author": ["b", "a", "c"], "subject": ["b", "c", "a"]}


def test_relatives_skip_ghosts_among_replies() -> None:
    def summary(mid: str) -> MessageSummary:
        return MessageSummary(mid, 1, "s", Address("", ""), None, None)

    entries = [ThreadEntry("root", None, 0, summary("root")), ThreadEntry("ghost", "root", 1, None),
               ThreadEntry("a", "ghost", 2, summary("a")), ThreadEntry("b", "a", 3, summary("b"))]
    parent, replies = browse.relatives(entries, "a")
    assert parent is not None and parent.message is None and parent.message_id == "ghost"
    assert [r.message_id for r in replies] == ["b"]
    assert browse.relatives(entries, "root") == (None, ())


def test_pages_beyond_the_last_are_not_found() -> None:
    assert browse._pages(0, 1) == 1 and browse._pages(101, 3) == 3
    with pytest.raises(NotFound):
        browse._pages(100, 3)
