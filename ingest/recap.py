"""Meetings held without a bot (pure): a plain IRC log beside a written recap, as the i2p project keeps them.

The log (`NNN.log`) is the whole meeting; the recap (`NNN.rst`, reStructuredText) gives its
title and date and lists who was present. The agenda the chair posts (`1) Net status`) gives
the topics.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from dateutil import parser as date_parser

from archive.models import LogLine, Meeting, MeetingItem
from ingest.meetbot import moment_of, read_log

_PRESENT = re.compile(r"\*\*Present:\*\*\s*(.*?)(?:\n\s*\n\S|\Z)", re.S)
_AGENDA = re.compile(r"\s*(\d+)\)\s+(\S.*)")
# irssi's header: "--- Log opened Wed May 22 02:01:22 2002".
_OPENED = re.compile(r"^--- Log opened (.+)$", re.M)
# Pidgin's lines: "(04:00:50 PM) nick: text".
_PIDGIN = re.compile(r"\((\d\d?):(\d\d):(\d\d) ([AP]M)\) ([^:\s]+): (.*)")


def parse_recap_meeting(log: str, recap: str, meeting_id: str) -> Meeting:
    """Return the meeting a plain IRC log records, titled, dated and attended as its recap says."""
    lines = tuple(_pidgin(line) for line in read_log(log))
    title = recap.strip().splitlines()[0].strip() if recap.strip() else meeting_id
    opened = _OPENED.search(log)
    day = _day(title) or (_day(opened[1]) if opened else None)
    listed = _PRESENT.search(recap)
    present = [name.strip() for name in listed[1].replace("\n", " ").split(",")] if listed else []
    said: dict[str, int] = {}
    for line in lines:
        if line.nick:
            said[line.nick.casefold()] = said.get(line.nick.casefold(), 0) + 1
    people = tuple(sorted(((name, said.get(name.casefold(), 0)) for name in present if name),
                          key=lambda p: (-p[1], p[0].casefold())))
    timed = [line for line in lines if line.time]
    start, end = (moment_of(day, timed[0]), moment_of(day, timed[-1])) if timed else (day, None)
    if start and end and end < start:
        end += timedelta(days=1)
    chair = next((line.nick for line in lines if line.nick and _AGENDA.match(line.text)), "")
    return Meeting(
        meeting_id=meeting_id, series=re.sub(r"[^\w]+", "_", _without_date(title).lower()).strip("_") or "meeting",
        title=title, start=start, end=end, owner=chair, chairs=(chair,) if chair else (), people=people,
        items=_agenda(lines, chair), actions_by_person=(), unassigned=(), log=lines,
        problems=tuple(problem for problem, missing in (("the recap lists nobody as present", not present),
                                                        ("no date in the recap's title or the log", day is None))
                       if missing),
    )


def _pidgin(line: LogLine) -> LogLine:
    """Read a Pidgin-style line, which the general log reader leaves as plain text."""
    match = _PIDGIN.match(line.text) if not line.nick else None
    if match is None:
        return line
    hour = int(match[1]) % 12 + (12 if match[4] == "PM" else 0)
    return LogLine(line.number, f"{hour:02d}:{match[2]}:{match[3]}", match[5], match[6])


def _agenda(lines: tuple[LogLine, ...], chair: str) -> tuple[MeetingItem, ...]:
    """Return the chair's first numbered agenda as TOPIC items, each agenda number once."""
    items: list[MeetingItem] = []
    seen: set[str] = set()
    for line in lines:
        match = _AGENDA.match(line.text) if line.nick == chair else None
        if match is None:
            if items:
                break  # the agenda is the chair's first run of numbered lines
            continue
        if match[1] not in seen:
            seen.add(match[1])
            items.append(MeetingItem("TOPIC", match[2].strip(), line.nick, line.time, match[2].strip(), line.number))
    return tuple(items)


def _day(text: str) -> datetime | None:
    """Return the date a text names ("I2P dev meeting, February 13, 2007"), at midnight UTC."""
    try:
        found = date_parser.parse(text, fuzzy=True, ignoretz=True, default=datetime(1970, 1, 1))
    except (ValueError, OverflowError):
        return None
    return None if found.year == 1970 else datetime.combine(found.date(), time(), tzinfo=timezone.utc)


def _without_date(title: str) -> str:
    """Return a recap title without its date: the meeting series' name."""
    return title.split(",")[0]

