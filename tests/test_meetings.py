"""Importing meeting logs into the store and reading meetings back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from archive import meetings, pipeline, settings
from archive.errors import NotFound
from tests.conftest import DATA

MEETINGS = DATA / "meetings"
CORE = MEETINGS / "lanternfish_core.2024-02-13-23.30.log.txt"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return settings.engine_for(settings.data_dir(tmp_path / "data"))


def test_a_folder_of_logs_imports_as_meetings_and_again_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "meetings" / "lanternfish"
    shutil.copytree(MEETINGS, folder, ignore=shutil.ignore_patterns("not-a-meeting*"))
    first = pipeline.import_paths(engine, [tmp_path / "meetings"], workers=0)
    assert first.meetings == 3 and first.imported == 0
    assert any("not UTF-8" in error for error in first.errors)
    assert any("no #endmeeting" in error for error in first.errors)
    assert pipeline.import_paths(engine, [tmp_path / "meetings"], workers=0).meetings == 0
    with engine.connect() as conn:
        series = {s.name: s for s in meetings.all_series(conn)}
    assert set(series) == {"lanternfish_core", "lanternfish_triage", "lanternfish_cafe"}
    assert series["lanternfish_core"].actions == 3


def test_a_changed_log_replaces_the_meeting(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / CORE.name
    log.write_text(CORE.read_text().replace("#action dmitri to check", "#info dmitri will check"))
    pipeline.import_paths(engine, [log], workers=0)
    shutil.copy(CORE, log)
    assert meetings.import_meeting_file(engine, log) == (["lanternfish_core.2024-02-13-23.30"], [])
    assert meetings.import_meeting_file(engine, log) == ([], [])  # unchanged: nothing to do
    with engine.connect() as conn:
        page = meetings.meeting_page(conn, "lanternfish_core", "lanternfish_core.2024-02-13-23.30")
    assert "dmitri to check Python 3.8 support" in [i.text for i in page.meeting.items]


def test_minutes_beside_their_log_are_part_of_it_and_alone_are_reported(engine: Engine, tmp_path: Path) -> None:
    shutil.copy(CORE, tmp_path / CORE.name)
    html = tmp_path / CORE.name.replace(".log.txt", ".html")
    html.write_text("<html>minutes</html>")
    assert meetings.import_meeting_file(engine, html) == ([], [])
    (tmp_path / CORE.name).unlink()
    written, notes = meetings.import_meeting_file(engine, html)
    assert written == [] and "not MeetBot minutes" in notes[0]


def test_the_stub_a_renamed_meeting_leaves_is_not_a_second_meeting(engine: Engine, tmp_path: Path) -> None:
    shutil.copy(CORE, tmp_path / CORE.name)
    stub = tmp_path / "old_name.2024-02-13-23.30.log.txt"
    stub.write_text("".join(CORE.read_text().splitlines(keepends=True)[:2]))
    assert meetings.import_meeting_file(engine, stub) == ([], [])


def test_pages_raise_not_found_for_unknown_series_and_meetings(engine: Engine) -> None:
    pipeline.import_paths(engine, [CORE], workers=0)
    with engine.connect() as conn:
        page = meetings.series_page(conn, "lanternfish_core")
        assert page.meetings == 1 and page.years[0][0] == 2024
        with pytest.raises(NotFound):
            meetings.series_page(conn, "nope")
        with pytest.raises(NotFound):
            meetings.meeting_page(conn, "other", "lanternfish_core.2024-02-13-23.30")


def test_the_meetings_inside_a_channel_log_are_found_and_imported(engine: Engine) -> None:
    summary = pipeline.import_paths(engine, [DATA / "meetings-channel" / "#lanternfish.2024-04-09.log"], workers=0)
    assert summary.meetings == 2
    assert any("no #endmeeting" in note for note in summary.errors)
    with engine.connect() as conn:
        docs = meetings.meeting_page(conn, "lanternfish_docs", "lanternfish_docs.2024-04-09-16.00")
        late = meetings.series_page(conn, "lanternfish")
    assert [i.text for i in docs.meeting.items] == ["Tutorials", "bob writes the first tutorial"]
    assert docs.meeting.log[0].text == "#startmeeting Lanternfish Docs"  # the meeting's own lines only
    assert dict(docs.meeting.people) == {"alice": 4, "bob": 1}
    assert late.years[0][1][0].meeting_id == "lanternfish.2024-04-09-23.50"


def test_rebuild_replays_every_log(engine: Engine) -> None:
    pipeline.import_paths(engine, [CORE], workers=0)
    assert meetings.rebuild(engine) == 1
    with engine.connect() as conn:
        assert meetings.all_series(conn)[0].actions == 3


def test_a_w3c_minutes_folder_imports_as_one_meeting_of_its_group(engine: Engine) -> None:
    folder = DATA / "scribe"
    summary = pipeline.import_paths(engine, [folder], workers=0)
    assert (summary.meetings, summary.errors) == (1, ())
    with engine.connect() as conn:
        page = meetings.meeting_page(conn, "docs", "2024-04-11-docs")
    assert page.meeting.title == "Lanternfish Docs telecon"
    assert [i.text for i in page.meeting.items if i.type == "AGREED"] == ["Write one tutorial for 0.10"]
    assert meetings.rebuild(engine) == 1


def test_a_log_with_its_recap_imports_as_one_meeting(engine: Engine) -> None:
    summary = pipeline.import_paths(engine, [DATA / "recap"], workers=0)
    assert (summary.meetings, summary.errors) == (1, ())
    with engine.connect() as conn:
        page = meetings.meeting_page(conn, "lanternfish_dev_meeting", "lanternfish_dev_meeting.007")
    assert dict(page.meeting.people)["zoe"] == 0
    assert meetings.rebuild(engine) == 1


def test_a_meetbot_html_log_alone_imports_as_its_meeting(engine: Engine) -> None:
    summary = pipeline.import_paths(engine, [DATA / "meetings-html"], workers=0)
    assert (summary.meetings, summary.errors) == (1, ())
    with engine.connect() as conn:
        page = meetings.meeting_page(conn, "lanternfish_web", "lanternfish_web.2024-05-07-16.00")
    assert [(i.type, i.text) for i in page.meeting.items] == [
        ("TOPIC", "Site redesign"), ("INFO", "mock-ups are at https://web.lanternfish.example/mock & ready"),
        ("ACTION", "bob to publish the mock-ups")]
    assert page.meeting.log[4].is_action and dict(page.meeting.actions_by_person) == {"bob": ("bob to publish the mock-ups",)}


def test_minutes_whose_log_is_lost_import_as_the_meeting_they_describe(engine: Engine) -> None:
    summary = pipeline.import_paths(engine, [DATA / "meetings-minutes"], workers=0)
    assert summary.meetings == 1 and "the log was not available" in summary.errors[0]
    with engine.connect() as conn:
        page = meetings.meeting_page(conn, "lanternfish_ops", "lanternfish_ops.2024-05-14-16.00")
    meeting = page.meeting
    assert (meeting.title, meeting.owner, meeting.log) == ("lanternfish ops", "kenji", ())
    assert [(i.type, i.text, i.nick, i.time) for i in meeting.items] == [
        ("TOPIC", "Backups", "kenji", "16:00:30"),
        ("INFO", "nightly backups now go to two regions, see https://ops.lanternfish.example/backups", "kenji", "16:01:10"),
        ("AGREED", "keep thirty days of backups", "kenji", "16:03:00"),
        ("ACTION", "priya to test a restore from the second region", "kenji", "16:04:00")]
    assert meeting.people == (("kenji", 9), ("priya", 4), ("lanternbot", 3))
    assert dict(meeting.actions_by_person) == {"priya": ("priya to test a restore from the second region",)}
