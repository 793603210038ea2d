"""The iCalendar feed of action items' due dates (pure: items in, RFC 5545 text out)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

from archive.models import ExtractedItem, TrackedAction

# An all-day event on the due date shows in every calendar application; VTODO, the type made for
# tasks, is ignored by several popular ones.
STATUS_OF = {"open": "CONFIRMED", "done": "CONFIRMED", "dropped": "CANCELLED"}


def due_calendar(actions: Sequence[TrackedAction], *, title: str, source_url: Callable[[ExtractedItem], str],
                 now: datetime | None = None) -> bytes:
    """Return an iCalendar file with an all-day event on the due date of each action that has one."""
    calendar = Calendar()
    calendar.add("prodid", "-//Minutebook//action items//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    stamp = now or datetime.now(timezone.utc)
    for tracked in actions:
        if tracked.due is None:
            continue
        item = tracked.item
        event = Event()
        event.add("uid", f"{item.source_kind}-{item.item_id}@minutebook")
        event.add("dtstamp", stamp)
        event.add("dtstart", tracked.due)
        event.add("dtend", tracked.due + timedelta(days=1))
        prefix = "" if tracked.status == "open" else f"[{tracked.status}] "
        event.add("summary", f"{prefix}{item.text}")
        owners = ", ".join(item.owners) or "nobody named"
        event.add("description", f"{item.text}\nOwners: {owners}\nStatus: {tracked.status}\nFound by: {item.rule}")
        event.add("url", source_url(item))
        event.add("status", STATUS_OF[tracked.status])
        calendar.add_component(event)
    return calendar.to_ical()
