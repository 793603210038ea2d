"""Write a meeting's minutes as MeetBot-style text and as Markdown (pure)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from archive.models import Meeting, MeetingItem


def _topics(meeting: Meeting) -> Iterator[tuple[MeetingItem | None, list[MeetingItem]]]:
    """Yield each topic (None for items before the first) with its items."""
    topic: MeetingItem | None = None
    items: list[MeetingItem] = []
    for item in meeting.items:
        if item.type == "TOPIC":
            if topic is not None or items:
                yield topic, items
            topic, items = item, []
        else:
            items.append(item)
    if topic is not None or items:
        yield topic, items


def _when(meeting: Meeting) -> str:
    """Return the meeting's start as "2020-06-10 12:02 UTC", or "date unknown"."""
    return f"{meeting.start:%Y-%m-%d %H:%M} UTC" if meeting.start else "date unknown"


def minutes_text(meeting: Meeting) -> str:
    """Return the minutes laid out as MeetBot's own text minutes."""
    title = meeting.title or meeting.meeting_id
    out = ["=" * len(title), title, "=" * len(title), "", f"Meeting started by {meeting.owner} at {_when(meeting)}.", "",
           "Meeting summary", "---------------"]
    for topic, items in _topics(meeting):
        out.append(_bullet(f"{topic.text}  ({topic.nick}, {topic.time})" if topic else "(before the first topic)", 0))
        for item in items:
            label = "" if item.type == "INFO" else f"{item.type}: "
            out.append(_bullet(f"{label}{item.text}  ({item.nick}, {item.time})", 1))
        out.append("")
    out += ["", "Action Items", "------------"]
    out += [_bullet(item.text, 0) for item in meeting.items if item.type == "ACTION"] or ["* (none)"]
    out += ["", "", "Action Items, by person", "-----------------------"]
    for nick, texts in meeting.actions_by_person:
        out.append(_bullet(nick, 0))
        out += [_bullet(text, 1) for text in texts]
    out.append("* **UNASSIGNED**")
    out += [_bullet(text, 1) for text in meeting.unassigned] or ["  * (none)"]
    out += ["", "", "People Present (lines said)", "---------------------------"]
    out += [_bullet(f"{nick} ({lines})", 0) for nick, lines in meeting.people]
    return "\n".join(out) + "\n"


def _bullet(text: str, level: int) -> str:
    """Return text as a wrapped bullet at a nesting level, MeetBot's way."""
    indent = "  " * level
    return textwrap.fill(text, 72, initial_indent=f"{indent}* ", subsequent_indent=f"{indent}  ",
                         break_long_words=False, break_on_hyphens=False)


def minutes_markdown(meeting: Meeting) -> str:
    """Return the minutes as Markdown, ready to paste into an e-mail or a wiki."""
    out = [f"# {_md(meeting.title or meeting.meeting_id)}", "",
           f"{_when(meeting)}, chaired by {_md(', '.join(meeting.chairs))}.", ""]
    for topic, items in _topics(meeting):
        out += [f"## {_md(topic.text) if topic else 'Before the first topic'}", ""]
        out += [f"- **{item.type}** {_md(item.text)} ({_md(item.nick)}, {item.time})" for item in items] or ["- (no items)"]
        out.append("")
    out += ["## Action items, by person", ""]
    for nick, texts in meeting.actions_by_person:
        out.append(f"- {_md(nick)}")
        out += [f"  - {_md(text)}" for text in texts]
    out += [f"- Unassigned: {_md(text)}" for text in meeting.unassigned]
    if not meeting.actions_by_person and not meeting.unassigned:
        out.append("- (none)")
    out += ["", "## People present (lines said)", ""]
    out += [f"- {_md(nick)} ({lines})" for nick, lines in meeting.people]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Escape the characters Markdown would read as formatting."""
    return "".join(f"\\{c}" if c in "\\`*_[]<>#|" else c for c in text)
