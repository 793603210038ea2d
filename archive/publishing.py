"""Chairs publish minutes: from a MeetBot log (or a channel log holding the meeting) or from minutes
written in a form with MeetBot's `#topic`/`#action`/`#agreed` lines; edit and unpublish them; and
send them as the email MeetBot would have written.

Written minutes become a MeetBot log (each plain line an `#info`), so a published meeting is
replayed, tracked, linked and searched exactly like an imported one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy.engine import Engine

from archive import indexing, items, linking, minutes, store
from archive.errors import NotFound, PublishError
from archive.models import Meeting
from ingest.meetbot import is_meetbot_log, parse_meetbot_log, split_channel_log

_PRESENT = re.compile(r"\s*(?:present|attendees)\s*:\s*(.+)", re.IGNORECASE)
# Series and chair names as they may appear in a MeetBot file name and log.
_SAFE = str.maketrans({character: "_" for character in " /\\:#<>\"'"})


def meeting_log(text: str, *, series: str, chair: str, when: datetime) -> tuple[str, str]:
    """Return (file name, MeetBot log) for an uploaded log or for minutes written in the form."""
    stamp = when.astimezone(timezone.utc)
    file_name = f"{series.translate(_SAFE)}.{stamp:%Y-%m-%d-%H.%M}.log.txt"
    text = text.replace("\r\n", "\n")
    if is_meetbot_log(text):
        found = split_channel_log(text, file_name) if "#startmeeting" in text and not text.lstrip().startswith(
            tuple("0123456789")) else [(file_name, text)]
        return found[0] if found else (file_name, text)
    nick = chair.translate(_SAFE) or "chair"
    lines = [f"{stamp:%H:%M:%S} <{nick}> #startmeeting {series}"]
    for line in text.split("\n"):
        present = _PRESENT.match(line)
        if present:  # "Present: priya, kenji": each says so, so actions naming them are theirs
            lines += [f"{stamp:%H:%M:%S} <{name.translate(_SAFE)}> present" for name in re.split(r"[,\s]+", present[1]) if name]
        elif line.strip():
            said = line.strip() if line.strip().startswith("#") else f"#info {line.strip()}"
            lines.append(f"{stamp:%H:%M:%S} <{nick}> {said}")
    lines.append(f"{stamp:%H:%M:%S} <{nick}> #endmeeting")
    return file_name, "\n".join(lines) + "\n"


def preview(text: str, *, series: str, chair: str, when: datetime) -> Meeting:
    """Return the meeting the text gives, as it would be published (nothing is stored)."""
    file_name, log = meeting_log(text, series=series, chair=chair, when=when)
    return parse_meetbot_log(log, file_name)


def publish(engine: Engine, index_dir: Path | None, text: str, *, series: str, chair: str, when: datetime,
            by: str, replacing: str | None = None) -> Meeting:
    """Store the meeting (or a new version of one being edited), derive its items and links, index it."""
    if replacing is not None:
        with engine.connect() as conn:
            stored = store.meeting_log(conn, replacing)
        if stored is None:
            raise NotFound(f"no meeting {replacing!r}")
        # An edited meeting keeps its file name and start, and so its id and address.
        when = stored[0].start or when
        file_name, log = stored[1], meeting_log(text, series=series, chair=chair, when=when)[1]
    else:
        file_name, log = meeting_log(text, series=series, chair=chair, when=when)
    meeting = parse_meetbot_log(log, file_name)
    if meeting.series != series:
        raise PublishError(f"the log is of the series {meeting.series!r}, not {series!r}")
    with engine.begin() as conn:
        previous = store.meeting_log(conn, meeting.meeting_id)
        if previous is not None:
            store.add_meeting_version(conn, meeting.meeting_id, previous[2], by)
        store.add_meeting(conn, meeting, file_name=file_name, source=f"published by {by}", log=log,
                          content_hash=hashlib.sha256(log.encode("utf-8")).hexdigest())
        store.add_audit(conn, by, "edit minutes" if previous is not None else "publish minutes",
                        f"{meeting.series}/{meeting.meeting_id}", f"{len(meeting.items)} items")
    _derive(engine, index_dir, meeting.meeting_id)
    return meeting


def _derive(engine: Engine, index_dir: Path | None, meeting_id: str) -> None:
    """Find a published meeting's items and links and index it."""
    items.derive_items(engine, (), [meeting_id])
    linking.derive_links(engine, (), [meeting_id])
    if index_dir is not None:
        indexing.update_index(engine, index_dir, (), meeting_ids=[meeting_id], procs=1)


def unpublish(engine: Engine, index_dir: Path | None, meeting_id: str, *, by: str) -> None:
    """Take a meeting out of the archive: its page, items, links and index documents."""
    with engine.begin() as conn:
        stored = store.meeting_log(conn, meeting_id)
        if stored is None:
            raise NotFound(f"no meeting {meeting_id!r}")
        source = f"{stored[0].series}/{meeting_id}"
        store.add_meeting_version(conn, meeting_id, stored[2], by)
        store.delete_meeting(conn, meeting_id)
        store.replace_items(conn, meeting_sources=[source])
        store.replace_links(conn, meeting_sources=[source])
        store.add_audit(conn, by, "unpublish minutes", source)
    if index_dir is not None:
        indexing.forget_meeting(index_dir, meeting_id)
        indexing.update_item_documents(engine, index_dir)


def minutes_email(meeting: Meeting, *, to: str, sender: str, domain: str) -> bytes:
    """Return the minutes as a ready-to-send email in MeetBot's plain-text layout."""
    message = EmailMessage()
    day = f"{meeting.start:%Y-%m-%d}" if meeting.start else "date unknown"
    message["Subject"] = f"Minutes of the {meeting.title or meeting.series} meeting, {day}"
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(idstring=meeting.meeting_id.translate(_SAFE), domain=domain)
    message.set_content(minutes.minutes_text(meeting))
    return bytes(message)
