"""W3C-style scribed IRC minutes (pure): `Topic:`, `PROPOSAL:`, `RESOLVED:`, `ACTION:`, `present+`.

The scribe types the minutes into the channel as the meeting goes; W3C's tools turn the log into
the published minutes. Read the same conventions here, and the minutes come out as a Meeting.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from archive.models import Meeting, MeetingItem
from ingest.meetbot import actions_by_person, read_log

_SCRIBE_LINE = re.compile(r"\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?\]\t<[^>\t]+>\t")
_ISO = re.compile(r"\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")
# What a line starts with, and the item it makes (a PRE-PROPOSAL is only a draft).
_ITEMS = {"topic": "TOPIC", "proposal": "PROPOSAL", "proposed": "PROPOSAL", "resolved": "AGREED",
          "resolution": "AGREED", "action": "ACTION"}
_ITEM_LINE = re.compile(r"(topic|proposal|proposed|resolved|resolution|action)\s*:\s*(\S.*)", re.I | re.S)
_PRESENT = re.compile(r"present\+\s*(.*)", re.I)
_CHAIR = re.compile(r"chairs?\s*:\s*(\S.*)", re.I)


# What W3C's minutes folders hold beside the raw irc.log (the published minutes, the group's name, audio).
COMPANIONS = frozenset({"email.log", "group.txt", "index.html", "audio.ogg", "audio.m4a"})


def is_scribe_log(head: str) -> bool:
    """Tell whether a file is a scribed IRC log: it opens with a bracketed-ISO, tab-separated line and uses `present+`."""
    return _SCRIBE_LINE.match(head) is not None and ("present+" in head or "Topic:" in head)


def parse_scribe_log(text: str, meeting_id: str, *, series: str, title: str, published: str | None = None) -> Meeting:
    """Return the minutes a scribed log records: topics, proposals, resolutions, actions, people.

    With the published minutes (W3C's `email.log`), the people present are the names they list,
    which W3C's tools took from a roster the log does not hold; else the `present+` nicks.
    """
    lines = read_log(text)
    items: list[MeetingItem] = []
    chairs: dict[str, None] = {}
    present: dict[str, int] = {}
    said: dict[str, int] = {}
    topic = ""
    for line in lines:
        if not line.nick:
            continue
        said[line.nick] = said.get(line.nick, 0) + 1
        said_text = line.text.strip()
        if present_match := _PRESENT.match(said_text):
            present.setdefault(present_match[1].strip() or line.nick, 0)
        elif chair_match := _CHAIR.match(said_text):
            chairs.update(dict.fromkeys(name.strip() for name in chair_match[1].split(",") if name.strip()))
        elif item := _ITEM_LINE.match(said_text):
            kind = _ITEMS[item[1].lower()]
            topic = item[2].strip() if kind == "TOPIC" else topic
            items.append(MeetingItem(kind, item[2].strip(), line.nick, line.time, topic, line.number))
    names = published_present(published) if published else []
    counts = {name: sum(lines for nick, lines in said.items() if _is_nick_of(nick, name, names)) for name in names}
    counts = counts or {nick: said.get(nick, 0) for nick in present}
    people = tuple(sorted(counts.items(), key=lambda p: (-p[1], p[0].lower())))
    by_person, unassigned = actions_by_person(items, list(present))
    stamps = [match[1] for raw in text.splitlines() if (match := _ISO.match(raw))]
    return Meeting(
        meeting_id=meeting_id, series=series, title=title, start=_utc(stamps[0]) if stamps else None,
        end=_utc(stamps[-1]) if stamps else None, owner=next(iter(chairs), ""), chairs=tuple(chairs),
        people=people, items=tuple(items), actions_by_person=by_person, unassigned=unassigned, log=lines,
        problems=() if items else ("no Topic:, PROPOSAL:, RESOLVED: or ACTION: lines",),
    )


def _utc(stamp: str) -> datetime:
    """Return an ISO timestamp (UTC, without zone) as an aware datetime."""
    return datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)



def published_present(minutes: str) -> list[str]:
    """Return the names under "Present:" in W3C's published text minutes."""
    block = re.search(r"^Present:\n((?:  .*\n?)+)", minutes, re.M)
    return [" ".join(name.split()) for name in block.group(1).split(",") if name.strip()] if block else []


def _is_nick_of(nick: str, name: str, names: list[str]) -> bool:
    """Tell whether an IRC nick is one listed name: the name itself, run together, its first name
    (when no other listed name shares it), or its initial and surname (`mprorock`)."""
    spaced = re.sub(r"\(.*?\)", "", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", nick).replace("_", " ")).strip().casefold()
    words = name.casefold().split()
    if not words:
        return False
    firsts = [other.casefold().split()[0] for other in names if other.split()]
    return spaced in (" ".join(words), "".join(words), words[-1], words[0][0] + words[-1]) or (
        spaced == words[0] and firsts.count(words[0]) == 1)
