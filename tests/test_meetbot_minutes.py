"""MeetBot's text and HTML minutes read back into the meetings they describe (the real zodbot ones)."""

from __future__ import annotations

import pytest

from ingest.meetbot_minutes import is_minutes_text, minutes_from_html, parse_minutes_text
from tests.test_meetbot import ZODBOT, topics_of, zodbot_meetings


@pytest.mark.skipif(not ZODBOT.is_dir(), reason="real corpora not found at ../shared/corpora")
@pytest.mark.parametrize("expected", zodbot_meetings(), ids=lambda e: str(e["minutes_file"]))
def test_the_bots_text_minutes_read_back_into_the_same_meeting(expected: dict) -> None:
    text = (ZODBOT / str(expected["minutes_file"])).read_text(encoding="utf-8")
    assert is_minutes_text(text)
    meeting = parse_minutes_text(text, str(expected["minutes_file"]))
    topics = topics_of(meeting)
    assert topics == expected["topics"]
    assert [{"nick": n, "lines": l} for n, l in meeting.people] == expected["people_present_lines_said"]
    assert sorted(t for _n, texts in meeting.actions_by_person for t in texts) == sorted(expected["action_items"])


@pytest.mark.skipif(not ZODBOT.is_dir(), reason="real corpora not found at ../shared/corpora")
def test_the_bots_html_minutes_read_back_like_its_text_minutes() -> None:
    for base in ("magazine.2020-06-10-12.02", "fedora_iot_working_group_meeting.2020-06-10-14.10"):
        text = parse_minutes_text((ZODBOT / f"{base}.txt").read_text(), f"{base}.txt")
        html = parse_minutes_text(minutes_from_html((ZODBOT / f"{base}.html").read_text()), f"{base}.txt")
        assert (html.title, html.start, html.end) == (text.title, text.start, text.end)
        assert (html.items, html.people, html.actions_by_person) == (text.items, text.people, text.actions_by_person)
