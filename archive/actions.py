"""Action items and decisions, found by explicit rules in meetings and messages (pure).

No guessing from prose: a message contributes only lines that carry a marker (`ACTION:`, `AI:`,
`TODO(name):`, `Decision:`, `RESOLVED:`), and a meeting what its bot or scribe recorded. Each
item says which rule found it and where, so a reader can check it.
"""

from __future__ import annotations

import re
from datetime import datetime

from archive.models import ExtractedItem, Meeting

_ACTION = re.compile(r"\s*(?:ACTION|AI)\s*:\s*(\S.*)")
_TODO = re.compile(r"\s*TODO\(([^)\s]+)\)\s*:?\s*(\S.*)")
_DECISION = re.compile(r"\s*(Decision|DECISION|RESOLVED|Resolved|RESOLUTION|Resolution)\s*:\s*(\S.*)")
# "Priya to draft ...", "Zoë and Dmitri will bisect ...": who the action names before its verb.
_OWNERS = re.compile(r"([^\W\d][\w.'-]*)(?:\s*(?:,|and|&)\s*([^\W\d][\w.'-]*))*\s+(?:to|will|should|shall)\b")
_NAME_WORD = re.compile(r"[^\W\d][\w.'-]*")
_NOT_NAMES = frozenset({"we", "i", "you", "they", "someone", "somebody", "everyone", "all", "the", "this", "it"})
_MEETING_DECISIONS = {"AGREED": "#agreed", "ACCEPTED": "#accepted", "REJECTED": "#rejected"}


def message_items(body: str, *, message_id: str, date: datetime | None) -> list[ExtractedItem]:
    """Return the action items and decisions a message marks explicitly, outside quotes and signatures."""
    found = []
    for number, line in enumerate(body.split("\n"), 1):
        if line == "-- ":
            break  # the signature
        if line.startswith(">"):
            continue  # quoted from an earlier message, which has its own items
        if todo := _TODO.match(line):
            found.append(ExtractedItem("action", todo[2].strip(), (todo[1],), date, "message", message_id, number,
                                       "marker TODO(name):"))
        elif action := _ACTION.match(line):
            text = action[1].strip()
            found.append(ExtractedItem("action", text, owners_named(text), date, "message", message_id, number,
                                       "marker ACTION:"))
        elif decision := _DECISION.match(line):
            found.append(ExtractedItem("decision", decision[2].strip(), (), date, "message", message_id, number,
                                       f"marker {decision[1]}:"))
    return found


def owners_named(text: str) -> tuple[str, ...]:
    """Return the people an action names before its verb ("Priya and Kenji to ..."), else nobody."""
    match = _OWNERS.match(text)
    if match is None:
        return ()
    head = text[: match.end()].rsplit(None, 1)[0]
    names = [word for word in _NAME_WORD.findall(head) if word.lower() != "and"]
    if any(not word[0].isupper() or word.lower() in _NOT_NAMES for word in names):
        return ()  # "we will", "someone should": nobody in particular
    return tuple(names)


def meeting_items(meeting: Meeting) -> list[ExtractedItem]:
    """Return a meeting's action items (with the nicks they are filed under) and decisions."""
    owners = {text: tuple(nick for nick, texts in meeting.actions_by_person if text in texts)
              for text in [item.text for item in meeting.items if item.type == "ACTION"]}
    found = []
    for item in meeting.items:
        if item.type == "ACTION":
            found.append(ExtractedItem("action", item.text, owners.get(item.text, ()), meeting.start, "meeting",
                                       f"{meeting.series}/{meeting.meeting_id}", item.line, "meeting ACTION"))
        elif item.type in _MEETING_DECISIONS:
            text = item.text if item.type != "REJECTED" else f"Rejected: {item.text}"
            found.append(ExtractedItem("decision", text, (), meeting.start, "meeting",
                                       f"{meeting.series}/{meeting.meeting_id}", item.line,
                                       f"meeting {_MEETING_DECISIONS[item.type]}"))
    return found
