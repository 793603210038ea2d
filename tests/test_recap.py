"""Meetings held without a bot: a plain IRC log and its written recap (the i2p project's way)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingest.recap import parse_recap_meeting
from tests.conftest import DATA

I2P = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "meetings-i2p" / "logs"


def test_the_recap_gives_title_date_and_who_was_present() -> None:
    meeting = parse_recap_meeting((DATA / "recap" / "007.log").read_text(), (DATA / "recap" / "007.rst").read_text(), "x.007")
    assert (meeting.title, meeting.series) == ("Lanternfish dev meeting, April 16, 2024", "lanternfish_dev_meeting")
    assert meeting.start == datetime(2024, 4, 16, 20, 59, tzinfo=timezone.utc)
    assert meeting.end == datetime(2024, 4, 16, 21, 30, tzinfo=timezone.utc)
    assert meeting.people == (("kenji", 5), ("priya", 2), ("dmitri", 1), ("zoe", 0))
    assert [item.text for item in meeting.items] == ["hi", "storage format", "???"]
    assert meeting.chairs == ("kenji",) and meeting.problems == ()


def test_pidgin_lines_and_missing_recaps_are_read() -> None:
    log = "(04:00:50 PM) eyedeekay: 1) Hi\n(04:01:10 PM) zzz: hello\n"
    meeting = parse_recap_meeting(log, "I2P dev meeting, August 4, 2020\n", "x")
    assert meeting.log[1].time == "16:01:10" and meeting.log[1].nick == "zzz"
    assert meeting.start == datetime(2020, 8, 4, 16, 0, 50, tzinfo=timezone.utc)
    assert meeting.problems == ("the recap lists nobody as present",)


@pytest.mark.skipif(not I2P.is_dir(), reason="real corpora not found at ../shared/corpora (only the project's checkout has it)")
def test_real_i2p_meetings_have_the_attendees_their_recaps_list() -> None:
    meeting = parse_recap_meeting((I2P / "200.log").read_text(), (I2P / "200.rst").read_text(), "200")
    assert [nick for nick, _lines in meeting.people] == ["jrandom", "zzz", "green", "jadeSerpent", "thecrypto"]
    assert meeting.people[0] == ("jrandom", 47)
    assert [i.text for i in meeting.items][:2] == ["hi", "Net status and 0.6.1.27"]
    dated = sum(parse_recap_meeting(log.read_text(errors="replace"), log.with_suffix(".rst").read_text(errors="replace"),
                                    log.stem).start is not None for log in I2P.glob("*.log"))
    assert dated >= 270  # the rest have "DATE" in their recap's title and no date in the log
