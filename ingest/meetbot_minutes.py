"""MeetBot's minutes (`.txt`, and `.html` rewritten as text) read back into a meeting (pure).

For meetings whose log is lost: the minutes keep the items, the actions by person and the people
present, but no log lines to link to.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bs4 import BeautifulSoup

from archive.models import LogLine, Meeting, MeetingItem
from ingest.meetbot import meeting_file_parts, moment_of

_MINUTES_START = re.compile(r"Meeting started by (\S+) at (\d\d:\d\d(?::\d\d)?)")
_MINUTES_END = re.compile(r"Meeting ended at (\d\d:\d\d(?::\d\d)?)")
_SAID_BY = re.compile(r"\s+\((\S+), (\d\d:\d\d(?::\d\d)?)\)\Z")
_LABELLED = re.compile(r"(ACTION|AGREED|ACCEPTED|REJECTED|IDEA|HELP|LINK|VOTE): (.*)", re.S)
_PRESENT_LINE = re.compile(r"(\S+) \((\d+)\)\Z")


def is_minutes_text(text: str) -> bool:
    """Tell whether a text is MeetBot's text minutes (rather than a log)."""
    return "Meeting summary\n---------------" in text and _MINUTES_START.search(text) is not None


def parse_minutes_text(text: str, file_name: str) -> Meeting:
    """Return the meeting MeetBot's text minutes describe: items, actions and people, but no log."""
    meeting_id, series, named_start = meeting_file_parts(file_name)
    sections = _sections(text)
    title = next((line for line in text.splitlines() if line.strip() and not line.startswith("=")), "").strip()
    started, ended = _MINUTES_START.search(text), _MINUTES_END.search(text)
    items, topic = [], ""
    for level, bullet in _bullets(sections.get("Meeting summary", "")):
        said = _SAID_BY.search(bullet)
        nick, when = (said[1], said[2]) if said else ("", "")
        body = bullet[: said.start()] if said else bullet
        if level == 0:
            topic = body
            items.append(MeetingItem("TOPIC", body, nick, when, topic, 0))
        else:
            labelled = _LABELLED.match(body)
            kind, content = (labelled[1], labelled[2]) if labelled else ("INFO", body)
            items.append(MeetingItem(kind, content, nick, when, topic, 0))
    people = tuple((found[1], int(found[2])) for _level, line in _bullets(sections.get("People Present (lines said)", ""))
                   if (found := _PRESENT_LINE.match(line)))
    chairs = (started[1],) if started else ()
    start = moment_of(named_start, LogLine(0, started[2], "", "")) if started else named_start
    end = moment_of(named_start, LogLine(0, ended[1], "", "")) if ended else None
    if start and end and end < start:
        end += timedelta(days=1)
    by_person, unassigned = _listed_actions(sections.get("Action Items, by person", ""))
    return Meeting(meeting_id=meeting_id, series=series, title=title.split(": ", 1)[-1], start=start, end=end,
                   owner=started[1] if started else "", chairs=chairs, people=people, items=tuple(items),
                   actions_by_person=by_person, unassigned=unassigned, log=(),
                   problems=("imported from the minutes: the log was not available",))


def _listed_actions(section: str) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """Return the minutes' own "Action Items, by person": (nick, texts) and the unassigned texts."""
    listed: dict[str, list[str]] = {}
    person = ""
    for level, text in _bullets(section):
        if level == 0:
            person = text
            listed.setdefault(person, [])
        elif text != "(none)":
            listed.setdefault(person, []).append(text)
    unassigned = tuple(listed.pop("**UNASSIGNED**", []))
    return tuple((nick, tuple(texts)) for nick, texts in listed.items() if texts), unassigned


def _sections(text: str) -> dict[str, str]:
    """Return the minutes' sections by heading (a line underlined with dashes)."""
    found: dict[str, str] = {}
    parts = re.split(r"^(.+)\n-{3,}\n", text, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2]):
        found[heading.strip()] = body
    return found


def _bullets(section: str) -> list[tuple[int, str]]:
    """Return the (nesting level, text) of each bullet of a section, wrapped lines joined."""
    bullets: list[tuple[int, str]] = []
    for line in section.splitlines():
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped.startswith("* "):
            bullets.append((indent // 2, stripped[2:].strip()))
        elif stripped and bullets and indent > 0:  # a wrapped line of the bullet above
            level, previous = bullets[-1]
            bullets[-1] = (level, f"{previous} {stripped.strip()}")
    return bullets


def minutes_from_html(page: str) -> str:
    """Return MeetBot's HTML minutes rewritten as its text minutes, to be read by parse_minutes_text."""
    soup = BeautifulSoup(page, "html.parser")
    title = _flat(soup.h1) if soup.h1 else ""
    notes = [_flat(span) for span in soup.find_all("span", class_="details")]
    out = ["=" * len(title), title, "=" * len(title), ""]
    out += [note for note in notes if note.startswith("Meeting started by")][:1]
    out += ["", "Meeting summary", "---------------"]
    for topic in _list_items(_list_after(soup, "Meeting summary")):
        items = _list_items(topic.find("ol"))  # before _minutes_item takes the nested list out
        out.append(f"* {_minutes_item(topic)}")
        out += [f"  * {_minutes_item(item)}" for item in items]
    out += ["", *[note for note in notes if note.startswith("Meeting ended")][:1], "", "Action Items, by person",
            "-----------------------"]
    for person in _list_items(_list_after(soup, "Action items, by person")):
        texts = [_flat(item) for item in _list_items(person.find("ol"))]
        nested = person.find("ol")
        if nested is not None:
            nested.extract()
        name = _flat(person)
        out.append("* **UNASSIGNED**" if name.strip("*").upper() == "UNASSIGNED" else f"* {name}")
        out += [f"  * {text}" for text in texts]
    out += ["", "People Present (lines said)", "---------------------------"]
    out += [f"* {_flat(item)}" for item in _list_items(_list_after(soup, "People present (lines said)"))]
    return "\n".join(out) + "\n"


def _flat(tag: Any) -> str:
    """Return a tag's text on one line, its white space folded."""
    return " ".join(tag.get_text(" ").split())


def _list_after(soup: BeautifulSoup, heading: str) -> Any:
    """Return the list that follows an <h3> heading, or None."""
    found = soup.find(lambda tag: tag.name == "h3" and _flat(tag).lower() == heading.lower())
    return found.find_next("ol") if found is not None else None


def _list_items(ordered: Any) -> list[Any]:
    """Return the items of a list (not those of lists inside it)."""
    return list(ordered.find_all("li", recursive=False)) if ordered is not None else []


def _minutes_item(item: Any) -> str:
    """Return one item of the HTML minutes as its text-minutes line: "TYPE: text  (nick, time)"."""
    details = item.find("span", class_="details")
    # "(nick, 12:06:12)": the nick is a link, around which get_text puts spaces.
    said = re.sub(r"\(\s*(\S+?)\s*,\s*([\d:]+)\s*\)", r"(\1, \2)", _flat(details)) if details is not None else ""
    if details is not None:
        details.extract()
    nested = item.find("ol")
    if nested is not None:
        nested.extract()
    kind = item.find("i", class_="itemtype")
    if kind is not None:
        label = _flat(kind)
        kind.extract()
        return f"{label}: {_flat(item).lstrip(': ')}  {said}".rstrip()
    typed = item.find(["span", "b"], class_=True)
    plain = typed is not None and typed.get("class", [""])[0] in ("INFO", "TOPIC")
    return f"{'' if plain else 'LINK: '}{_flat(item)}  {said}".rstrip()
