"""Publishing minutes: written or uploaded, previewed, published, edited, unpublished, sent as email."""

from __future__ import annotations

import email
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from archive import browse, items, publishing, settings
from archive.errors import NotFound, PublishError
from tests.conftest import DATA

WHEN = datetime(2024, 4, 9, 16, 0, tzinfo=timezone.utc)
WRITTEN = """Present: priya, kenji
#topic Release 0.9.1
The regression in compaction is fixed on main.
#agreed 0.9.1 ships on Friday with the compaction fix
#action priya to tag 0.9.1
#topic Any other business
Nothing else.
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return settings.engine_for(settings.data_dir(tmp_path))


def test_written_minutes_become_a_meetbot_log_of_the_series() -> None:
    file_name, log = publishing.meeting_log(WRITTEN, series="lanternfish_core", chair="priya", when=WHEN)
    assert file_name == "lanternfish_core.2024-04-09-16.00.log.txt"
    assert log.splitlines()[0] == "16:00:00 <priya> #startmeeting lanternfish_core"
    assert "16:00:00 <priya> #info The regression in compaction is fixed on main." in log
    meeting = publishing.preview(WRITTEN, series="lanternfish_core", chair="priya", when=WHEN)
    assert [(i.type, i.text) for i in meeting.items if i.type != "INFO"] == [
        ("TOPIC", "Release 0.9.1"), ("AGREED", "0.9.1 ships on Friday with the compaction fix"),
        ("ACTION", "priya to tag 0.9.1"), ("TOPIC", "Any other business")]


def test_publish_edit_and_unpublish_keep_a_history(engine: Engine) -> None:
    meeting = publishing.publish(engine, None, WRITTEN, series="lanternfish_core", chair="priya", when=WHEN, by="priya")
    with engine.connect() as conn:
        assert [t.item.text for t in items.tracked_actions(conn)] == ["priya to tag 0.9.1"]
    publishing.publish(engine, None, WRITTEN.replace("priya to tag", "kenji to tag"), series="lanternfish_core",
                       chair="priya", when=datetime.now(timezone.utc), by="alice", replacing=meeting.meeting_id)
    with engine.connect() as conn:
        page = browse.meeting_page(conn, "lanternfish_core", meeting.meeting_id)
        assert [by for _when, by in page.edits] == ["alice"] and page.summary.start == WHEN  # the same meeting
        assert [t.item.owners for t in items.tracked_actions(conn)] == [("kenji",)]
    publishing.unpublish(engine, None, meeting.meeting_id, by="alice")
    with engine.connect() as conn, pytest.raises(NotFound):
        browse.meeting_page(conn, "lanternfish_core", meeting.meeting_id)
    with engine.connect() as conn:
        assert items.tracked_actions(conn) == []


def test_a_log_that_renames_itself_into_another_series_is_refused(engine: Engine) -> None:
    log = "16:00:00 <priya> #startmeeting weekly\n16:00:05 <priya> #meetingname infra\n16:02:00 <priya> #endmeeting\n"
    with pytest.raises(PublishError, match="of the series 'infra', not 'lanternfish_core'"):
        publishing.publish(engine, None, log, series="lanternfish_core", chair="priya", when=WHEN, by="priya")
    uploaded = (DATA / "meetings" / "lanternfish_core.2024-02-13-23.30.log.txt").read_text()
    meeting = publishing.publish(engine, None, uploaded, series="lanternfish_core", chair="x", when=WHEN, by="x")
    assert (meeting.series, meeting.title) == ("lanternfish_core", "lanternfish core")  # a MeetBot log, as it is


def test_the_minutes_email_is_ready_to_send() -> None:
    meeting = publishing.preview(WRITTEN, series="lanternfish_core", chair="priya", when=WHEN)
    raw = publishing.minutes_email(meeting, to="lanternfish-dev@lists.lanternfish.example",
                                   sender="minutes@lanternfish.example", domain="archive.lanternfish.example")
    message = email.message_from_bytes(raw)
    assert message["Subject"] == "Minutes of the lanternfish_core meeting, 2024-04-09"
    assert message["Message-ID"].endswith("@archive.lanternfish.example>") and message["Date"]
    assert message["To"] == "lanternfish-dev@lists.lanternfish.example"
    body = message.get_payload(decode=True).decode()
    assert "0.9.1 ships on Friday with the compaction fix" in body and "priya to tag 0.9.1" in body
