"""Due dates as minutes write them: find the phrase in a task and the day it names (pure).

"by Friday", "before 2024-06-01", "due March 15", "by the end of the month", "by the next meeting
(2021-03-16)", "before nominations open on 1 November", "(9 June)", "21.10.", "next Monday", "before the
20th": each counted from the meeting's day. A vague phrase ("soon", "next week", "tomorrow or so") or a
meeting whose date the minutes do not give names no day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from dateutil import parser as date_parser

_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_SHORT_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_MONTH_NAMES = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
# Events a task can be due before; the phrase names a day only when the minutes give the event's date.
_EVENT = r"(?:meeting|mtg|meetup|call|session|summit|sprint|freeze|release|milestone[\w-]*|deadline|standup|stand-up|sync|check-in)"
# "(tue 20 feb)", "(June 10)": a date in brackets, which is no remark.
DATE_IN_BRACKETS = rf"(?:{_SHORT_WEEKDAY}[a-z]*\.?,?\s+)?(?:\d{{1,2}}\s+[a-z]{{3,9}}|[a-z]{{3,9}}\.?\s+\d{{1,2}})(?:,?\s+\d{{4}})?\)"

_WHEN = "|".join((
    r"(?:a|one|two|three|four|\d{1,2})\s+(?:days?|weeks?)\b(?!\s+(?:ago|later))",  # "within two weeks"
    r"\d{1,2}\.\d{1,2}\.(?:\d{4})?",  # "21.10."
    rf"end of (?:the\s+|this\s+)?(?:next\s+)?(?:week|month|year|{_MONTH_NAMES})",
    r"next (?:meeting|call|week\b(?!['’]))",  # not "next week's sync", an event
    r"\d{4}-\d\d-\d\d",
    r"tomorrow'?s? (?:meeting|session|call)",
    rf"(?:(?:next|following|upcoming)\s+)?(?:[\w'.-]+\s+){{0,2}}{_EVENT}",  # "the next call", "the 2.3 release"
    r"(?:[\w'.-]+\s+){1,3}(?:opens?|closes?|starts?|begins?|ends?|lifts?)(?=\s+on\s)",  # "nominations open (on 1 November)"
    rf"(?:next\s+)?(?:{_WEEKDAY}|{_SHORT_WEEKDAY}\b\.?)",
    r"tomorrow",
    r"the \d{1,2}(?:st|nd|rd|th)\b",  # "before the 20th"
    rf"{_MONTH}[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",  # "March 15"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}[a-z]*(?:\s+\d{{4}})?",  # "15 March"
))
_DUE = re.compile(
    r"[,;]?\s*\(?\b(?:(?:a|one|two|\d+) (?:days?|weeks?) )?"
    rf"(?:due(?:\s+(?:by|on))?|deadline:?|by|before|until|no later than|within|in|at|target(?:ing)?|aiming for|on(?=\s+(?:next\s+)?{_SHORT_WEEKDAY}|\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\s+{_MONTH}[a-z]*\.?\s+\d))\s+"
    rf"(?P<when>(?:(?:the|our|this)\s+)?(?:{_WEEKDAY},?\s+(?={_MONTH}[a-z]*\.?\s+\d|\d{{1,2}}(?:st|nd|rd|th)?\s+[a-z]{{3}}))?(?:{_WHEN}))"
    # "the next meeting (2021-03-16)", "the next call on 21 June": the day the minutes give for it
    rf"(?:(?:\s+on\s+|\s*\()(?:{_SHORT_WEEKDAY}[a-z]*\.?,?\s+)?"
    r"(?P<stated>\d{4}-\d\d-\d\d|\d{1,2}\s+[a-z]{3,9}(?:\s+\d{4})?|[a-z]{3,9}\s+\d{1,2}(?:,?\s+\d{4})?)\)?)?\)?",
    re.IGNORECASE)

# A vague time names no day, and is left out of the task ("end of next week" is no vague "next week").
_VAGUE = re.compile(r"(?<!\bof),?\s+(?:" + "|".join((
    r"(?:early |later )?(?:this|next) week", r"this weekend", r"over the weekend", r"(?:later )?this month",
    r"soon", r"asap", r"shortly", r"(?:in )?the next (?:few|couple of) days", r"tomorrow or so",
    r"(?:this|next) (?:cycle|quarter)", r"(?:right )?after the (?:call|meeting)", r"(?:some ?time|at some point) (?:this|next) (?:week|month)",
)) + r")\b(?!['’]).*\Z")
# A day that ends a task without "by": "ring the library next Monday", "cut 0.14 29 Jun", "post it end of the month".
_BARE_WHEN = re.compile(r"\s+(?:at\s+)?(" + "|".join((
    rf"(?:next\s+)?{_WEEKDAY}", r"tomorrow", rf"\d{{1,2}}\s+{_MONTH}[a-z]*", rf"{_MONTH}[a-z]*\s+\d{{1,2}}",
    r"(?:the\s+)?end of (?:the\s+|this\s+)?(?:next\s+)?(?:week|month)",
)) + r")\Z", re.IGNORECASE)


def split_due(task: str, day: date | None) -> tuple[str, date | None]:
    """Return the task without its due-date phrase, and the date it names (None when vague or unknown)."""
    task = re.sub(r"[\s-]+ish\W*\Z", "", task)  # "end of next week-ish"
    task = _VAGUE.sub("", task)
    # "chase the speaker, Monday at the latest", "pair on the build, Thursday afternoon"
    task = re.sub(rf",\s+(?:target is\s+)?({_WEEKDAY})(?:\s+(?:at the latest|morning|afternoon|evening))?\s*\Z", r" by \1", task,
                  flags=re.IGNORECASE)
    if not _DUE.search(task):  # "ring the library next Monday", "post it end of the month"
        task = _BARE_WHEN.sub(r" by \1", task)
    if not _DUE.search(task):  # "share the budget (9 June)", "draft (before next meeting)", "fix #4412 (Fri)"; not "(M-1)"
        bracketed = re.sub(rf"\s*\((?:due\s+)?(?P<when>(?:by|before)\s[^)]+|end of [^)]+|[^)]*\d[^)]*|(?i:{_SHORT_WEEKDAY})[a-z]*\.?)\)\s*\.?\Z",
                           lambda m: " " + m["when"] if m["when"].startswith(("by", "before")) else " by " + m["when"], task)
        task = bracketed if _DUE.search(bracketed) else task
    match = _DUE.search(task)
    if match is None:
        return task.strip().rstrip(".").strip(), None
    rest = (task[: match.start()] + task[match.end() :]).strip().rstrip(".,;").strip()
    rest = re.sub(r",?\s+(?:both|each|all)\Z", "", rest)  # "write X and remove Y, both before the freeze"
    return rest, due_date(match["stated"] or match["when"], day)


def due_date(when: str, day: date | None) -> date | None:
    """Return the day a due phrase names, counted from the meeting's day."""
    when = re.sub(r"\A(?:the|our|this)\s+", "", when.casefold()).strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", when):
        return date.fromisoformat(when)
    if day and (dotted := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})?", when)):  # "21.10.": day and month
        try:
            return date(int(dotted[3] or day.year), int(dotted[2]), int(dotted[1]))
        except ValueError:
            return None
    if day is None or when.startswith(("next meeting", "next call")) or re.search(rf"{_EVENT}\Z", when):
        return None  # a meeting whose date the phrase does not give
    if when.startswith("tomorrow"):
        return day + timedelta(days=1)
    span = re.fullmatch(r"(a|one|two|three|four|\d{1,2})\s+(day|week)s?", when)
    if span:
        count = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(span[1]) or int(span[1])
        return day + timedelta(days=count * (7 if span[2] == "week" else 1))
    if when.startswith("end of"):
        return _end_of(when, day)
    if when == "next week":
        return day + timedelta(days=7 - day.weekday())
    weekday = re.fullmatch(rf"(?:next\s+)?({_SHORT_WEEKDAY})(?:s|nes|rs|r|ur)?(?:day)?\.?", when)
    if weekday:
        target = [name[:3].casefold() for name in calendar.day_name].index(weekday[1])
        return day + timedelta(days=(target - day.weekday() - 1) % 7 + 1)
    if ordinal := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", when):  # "the 20th": of this month, or the next when past
        month_start = day.replace(day=1) if int(ordinal[1]) > day.day else (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        try:
            return month_start.replace(day=int(ordinal[1]))
        except ValueError:
            return None
    try:
        named = date_parser.parse(when, default=datetime(day.year, day.month, day.day)).date()
    except (ValueError, OverflowError):
        return None
    if named < day and not re.search(r"\d{4}", when):
        named = named.replace(year=named.year + 1)  # "by January 10" in December minutes
    return named


def _end_of(when: str, day: date) -> date:
    """Return the last day "end of the month", "end of next week" or "end of March" names (a week ends on Friday)."""
    unit = when.split()[-1]
    if unit.capitalize() in calendar.month_name[1:]:
        month = list(calendar.month_name).index(unit.capitalize())
        year = day.year + (month < day.month)
        return date(year, month, calendar.monthrange(year, month)[1])
    if " next " in f" {when} ":
        day = day + timedelta(days=7 if unit == "week" else 0)
        if unit == "month":
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    if unit == "week":
        return day + timedelta(days=(4 - day.weekday()) % 7)
    if unit == "year":
        return date(day.year, 12, 31)
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
