"""Due dates: the phrase found in a task and the day it names, counted from the meeting's day."""

from __future__ import annotations

from datetime import date

import pytest

from archive.due_dates import due_date, split_due

TUESDAY = date(2024, 3, 12)


@pytest.mark.parametrize(("task", "expected"), [
    ("send the survey by Friday", ("send the survey", date(2024, 3, 15))),
    ("send the survey by next Wed", ("send the survey", date(2024, 3, 13))),
    ("fix the build before 2024-06-01", ("fix the build", date(2024, 6, 1))),
    ("draft the policy by the end of the month", ("draft the policy", date(2024, 3, 31))),
    ("book the room by end of March", ("book the room", date(2024, 3, 31))),
    ("file the report within two weeks", ("file the report", date(2024, 3, 26))),
    ("present it at the next meeting (2024-04-09)", ("present it", date(2024, 4, 9))),
    ("share the plan before our next call on 21 March", ("share the plan", date(2024, 3, 21))),
    ("update the guide before nominations open on 1 April", ("update the guide", date(2024, 4, 1))),
    ("redo the screenshots before the 2.3 release on 3 April", ("redo the screenshots", date(2024, 4, 3))),
    ("pull the cost numbers by next standup (tue 19 mar)", ("pull the cost numbers", date(2024, 3, 19))),
    ("land the fix, target Tuesday June 10", ("land the fix", date(2024, 6, 10))),
    ("sign venue contract by 21.10.", ("sign venue contract", date(2024, 10, 21))),
    ("share the budget (9 June)", ("share the budget", date(2024, 6, 9))),
    ("chase the second speaker, Monday at the latest", ("chase the second speaker", date(2024, 3, 18))),
    ("order the stickers by January 10", ("order the stickers", date(2025, 1, 10))),  # the next 10 January
    ("turn off the bot on 1 April", ("turn off the bot", date(2024, 4, 1))),
    ("ring the library next Monday", ("ring the library", date(2024, 3, 18))),
    ("start a thread tomorrow", ("start a thread", date(2024, 3, 13))),
    ("post the report end of the month", ("post the report", date(2024, 3, 31))),
    ("send the draft before the 20th", ("send the draft", date(2024, 3, 20))),
    ("send the draft before the 5th", ("send the draft", date(2024, 4, 5))),  # the 5th of this month is past
    ("write a cleanup cron, aiming for end of next week-ish", ("write a cleanup cron", date(2024, 3, 22))),
    ("cut 0.14 29 Jun", ("cut 0.14", date(2024, 6, 29))),  # a summary list's bare date
])
def test_a_due_phrase_is_taken_out_of_the_task_and_read_as_a_day(task: str, expected: tuple[str, date]) -> None:
    assert split_due(task, TUESDAY) == expected


@pytest.mark.parametrize("task", [
    "update the wiki soon", "send the invite this week", "put up the page this weekend and link it",
    "present it at the next meeting", "write the notes before the freeze", "rack the boards next week",
    "start a thread tomorrow or so", "open the issue in the next few days", "send the reminder before next week's sync",
])
def test_a_vague_phrase_or_an_event_without_a_date_names_no_day(task: str) -> None:
    assert split_due(task, TUESDAY)[1] is None
    assert not split_due(task, TUESDAY)[0].endswith(("soon", "this week", "next week", "or so", "days", "'s sync"))


def test_a_task_without_a_due_phrase_keeps_its_words_and_a_day_needs_the_meeting_day() -> None:
    assert split_due("report on the meeting room", TUESDAY) == ("report on the meeting room", None)
    assert split_due("write the release note, both before the freeze", TUESDAY) == ("write the release note", None)
    assert due_date("friday", None) is None
    assert due_date("2024-05-01", None) == date(2024, 5, 1)
    assert due_date("31.02.", TUESDAY) is None  # no such day
