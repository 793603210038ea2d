"""Scribed IRC minutes (W3C style): topics, proposals, resolutions, actions and who was present."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingest.scribe import is_scribe_log, parse_scribe_log
from tests.conftest import DATA

LOG = DATA / "scribe" / "2024-04-11-docs" / "irc.log"
W3C = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "meetings-w3c-ccg"


def test_a_scribed_log_gives_its_minutes() -> None:
    text = LOG.read_text()
    assert is_scribe_log(text) and not is_scribe_log("16:00 <a> Topic: x\n")
    meeting = parse_scribe_log(text, "2024-04-11-docs", series="docs", title="Lanternfish Docs telecon")
    assert [(i.type, i.text) for i in meeting.items] == [
        ("TOPIC", "Tutorials"), ("PROPOSAL", "Write one tutorial for 0.10"),
        ("AGREED", "Write one tutorial for 0.10"), ("ACTION", "bob to draft the tutorial"), ("TOPIC", "Next call")]
    assert meeting.items[2].topic == "Tutorials" and meeting.items[2].line == 10
    assert meeting.chairs == ("alice",) and meeting.owner == "alice"
    assert dict(meeting.people) == {"alice": 9, "bob": 3, "Carol Diaz": 0}
    assert dict(meeting.actions_by_person) == {"bob": ("bob to draft the tutorial",)}
    assert meeting.start == datetime(2024, 4, 11, 16, 0, 2, tzinfo=timezone.utc)
    assert meeting.end == datetime(2024, 4, 11, 16, 5, tzinfo=timezone.utc)


def published(email_log: str, heading: str) -> list[str]:
    """Return the numbered entries under a heading of W3C's published text minutes."""
    block = re.search(rf"^{heading}:\n((?:  .*\n)+)", email_log, re.M)
    assert block is not None
    entries = re.split(r"\n  \d+\. ", "\n" + block.group(1).strip("\n"))
    return [" ".join(entry.split()) for entry in entries if entry.strip()]


@pytest.mark.skipif(not W3C.is_dir(), reason="real corpora not found at ../shared/corpora (only the project's checkout has it)")
@pytest.mark.parametrize("folder", ["2021-04-22-vchttpapi", "2021-07-13-vchttpapi"])
def test_real_w3c_minutes_have_the_published_topics_and_resolutions(folder: str) -> None:
    minutes = (W3C / folder / "email.log").read_text()
    meeting = parse_scribe_log((W3C / folder / "irc.log").read_text(), folder, series="vchttpapi", title="t")
    assert [i.text for i in meeting.items if i.type == "TOPIC"] == published(minutes, "Topics")
    assert [" ".join(i.text.split()) for i in meeting.items if i.type == "AGREED"] == published(minutes, "Resolutions")
    with_minutes = parse_scribe_log((W3C / folder / "irc.log").read_text(), folder, series="v", title="t", published=minutes)
    present = " ".join(re.search(r"^Present:\n((?:  .*\n)+)", minutes, re.M).group(1).split())
    assert ", ".join(name for name, _lines in sorted(with_minutes.people, key=lambda p: present.index(p[0]))) == present
    assert dict(with_minutes.people)["Manu Sporny"] > 50  # "manu" and "Manu_Sporny" are both his


def test_published_minutes_name_the_people_present() -> None:
    minutes = (LOG.parent / "email.log").read_text()
    meeting = parse_scribe_log(LOG.read_text(), "d", series="docs", title="t", published=minutes)
    assert meeting.people == (("Alice Wong", 9), ("Bob Builder", 3), ("Carol Diaz", 1))
