"""Meetings: import MeetBot logs, and read meetings back a page at a time (no Flask here)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from archive import store
from archive.errors import NotFound
from archive.models import Meeting, MeetingPage, MeetingSummary, SeriesPage, SeriesSummary
from ingest.meetbot import MEETING_FILE, NO_MEETING, hcoop_log, log_from_html, parse_meetbot_log, split_channel_log
from ingest.meetbot_minutes import is_minutes_text, minutes_from_html, parse_minutes_text
from ingest.recap import parse_recap_meeting
from ingest.scribe import COMPANIONS as SCRIBE_COMPANIONS
from ingest.scribe import is_scribe_log, parse_scribe_log

# A log file larger than this (a channel's whole history) is refused rather than read at once.
MAX_LOG_BYTES = 50 * 1024 * 1024


def import_meeting_file(engine: Engine, path: Path, *, private: bool = False) -> tuple[list[str], list[str]]:
    """Import the meetings of one file; return the ids of those added or changed, and notes.

    A MeetBot log (`*.log.txt`) is one meeting; the bot's minutes beside it are part of it; a HcoopMeetbot
    JSON log is one meeting (kept as the text log it amounts to); any other log (a whole
    channel's) holds a meeting for every #startmeeting in it.
    """
    match = MEETING_FILE.match(path.name)
    if match and match["kind"] != ".log.txt":
        if path.with_name(match["base"] + ".log.txt").exists():
            return [], []  # minutes and HTML pages the bot wrote from the log beside them
        if match["kind"] == ".txt" and path.with_name(match["base"] + ".log.html").exists():
            return [], []  # the log page beside them is read instead
        if match["kind"] == ".html" and path.with_name(match["base"] + ".txt").exists():
            return [], []  # the same minutes as the .txt beside it, which is read instead
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [f"{path}: cannot read: {error.strerror or error}"]
    if len(data) > MAX_LOG_BYTES:
        return [], [f"{path}: {len(data)} bytes is too large for a meeting log"]
    text, note = _decoded(data)
    if match and match["kind"] == ".log.html":
        segments = [(match["base"] + ".log.txt", log_from_html(text))]  # the page the bot made of its log
    elif match and match["kind"] in (".txt", ".html"):
        minutes = text if match["kind"] == ".txt" else minutes_from_html(text)
        return _import_minutes(engine, path, match["base"], minutes, private=private)
    elif path.suffix == ".json":
        try:
            segments = [hcoop_log(json.loads(text))]
        except (ValueError, AttributeError) as error:
            return [], [f"{path}: not a readable HcoopMeetbot log: {error}"]
    elif match is None and not path.name.endswith(".log.txt"):
        segments = split_channel_log(text, path.name)
    elif _is_rename_stub(path, text):
        return [], []  # #meetingname left the first lines under the old name
    else:
        segments = [(path.name, text)]
    if not segments:
        return [], [f"{path}: {NO_MEETING}"]
    written, notes = [], [f"{path}: {note}"] if note else []
    for file_name, log in segments:
        meeting = parse_meetbot_log(log, file_name)
        notes += [f"{path} ({meeting.meeting_id}): {problem}" for problem in meeting.problems]
        written += _stored(engine, meeting, path, file_name, log, private=private)
    return written, notes


def _stored(engine: Engine, meeting: Meeting, path: Path, file_name: str, log: str,
            recap: str | None = None, *, private: bool = False) -> list[str]:
    """Store a meeting with its log (and recap); return [its id] unless it was stored already as it is."""
    content_hash = hashlib.sha256((log + (recap or "")).encode("utf-8")).hexdigest()
    with engine.begin() as conn:
        if private:  # in the same transaction: the meeting is never public, even for a moment
            store.make_private(conn, "series", meeting.series)
        outcome = store.add_meeting(conn, meeting, file_name=file_name, source=str(path), log=log, recap=recap,
                                    content_hash=content_hash)
    return [] if outcome == "duplicate" else [meeting.meeting_id]


def _import_minutes(engine: Engine, path: Path, base: str, minutes: str, *, private: bool = False
                    ) -> tuple[list[str], list[str]]:
    """Import MeetBot's minutes of a meeting whose log is lost (kept as they are, replayed as minutes)."""
    if not is_minutes_text(minutes):
        return [], [f"{path}: not MeetBot minutes (no meeting summary), and no log beside it"]
    meeting = parse_minutes_text(minutes, base + ".txt")
    return _stored(engine, meeting, path, base + ".txt", minutes, private=private), [f"{path}: {p}" for p in meeting.problems]


def _decoded(data: bytes) -> tuple[str, str]:
    """Return the log's text (UTF-8, else Latin-1) and a note when it was not UTF-8."""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; read as Latin-1"


def _is_rename_stub(path: Path, text: str) -> bool:
    """Tell whether a log is the opening of another log of the same minute (#meetingname renamed it)."""
    match = MEETING_FILE.match(path.name)
    if match is None or not text.strip():
        return False
    stamp = match["base"][len(match["name"]):]
    for sibling in path.parent.glob(f"*{stamp}.log.txt"):
        if sibling != path and sibling.stat().st_size > len(text):
            if sibling.read_text(encoding="utf-8", errors="replace").startswith(text.rstrip("\n")):
                return True
    return False


def replay(summary: MeetingSummary, file_name: str, log: str, recap: str | None = None) -> Meeting:
    """Return a stored meeting's minutes, read again from its log by the rules of its kind."""
    if is_minutes_text(log):
        return parse_minutes_text(log, file_name)
    if is_scribe_log(log[:4096]):
        return parse_scribe_log(log, summary.meeting_id, series=summary.series, title=summary.title, published=recap)
    if recap is not None:
        return parse_recap_meeting(log, recap, summary.meeting_id)
    return parse_meetbot_log(log, file_name)


def import_scribe_file(engine: Engine, path: Path, *, private: bool = False) -> tuple[list[str], list[str]]:
    """Import a scribed IRC log (W3C's `YYYY-MM-DD-group/irc.log`); return the meeting written and notes."""
    if path.name in SCRIBE_COMPANIONS:
        return [], []  # the published minutes and the group's name beside the log
    try:
        text, note = _decoded(path.read_bytes())
    except OSError as error:
        return [], [f"{path}: cannot read: {error.strerror or error}"]
    folder = path.parent.name if path.name == "irc.log" else path.stem
    series = re.sub(r"\A\d{4}-\d\d-\d\d-?", "", folder) or folder
    group = path.with_name("group.txt")
    title = group.read_text(encoding="utf-8", errors="replace").strip().splitlines()[0] if group.is_file() else series
    published = path.with_name("email.log")
    minutes = published.read_text(encoding="utf-8", errors="replace") if published.is_file() else None
    meeting = parse_scribe_log(text, folder, series=series, title=f"{title} telecon" if group.is_file() else title,
                               published=minutes)
    notes = [f"{path}: {problem}" for problem in (note, *meeting.problems) if problem]
    return _stored(engine, meeting, path, path.name, text, minutes, private=private), notes


def import_recap_file(engine: Engine, path: Path, *, private: bool = False) -> tuple[list[str], list[str]]:
    """Import a plain IRC log (`NNN.log`) with its written recap (`NNN.rst`); return the meeting written and notes."""
    if path.suffix != ".log":
        return [], []  # the recap, read with its log
    try:
        text, note = _decoded(path.read_bytes())
        recap, recap_note = _decoded(path.with_suffix(".rst").read_bytes())
    except OSError as error:
        return [], [f"{path}: cannot read: {error.strerror or error}"]
    parsed = parse_recap_meeting(text, recap, path.stem)
    # Named within its series, as replay() will name it again from the stored id.
    meeting = replace(parsed, meeting_id=f"{parsed.series}.{path.stem}")
    notes = [f"{path}: {problem}" for problem in (note, recap_note, *meeting.problems) if problem]
    return _stored(engine, meeting, path, path.name, text, recap, private=private), notes


def all_series(conn: Connection) -> list[SeriesSummary]:
    """Return every meeting series."""
    return store.series_summaries(conn)


def series_page(conn: Connection, series: str) -> SeriesPage:
    """Return a series and its meetings, newest first, or raise NotFound."""
    found = store.series_meetings(conn, series)
    if not found:
        raise NotFound(f"no meeting series named {series!r}")
    years: dict[int | None, list[MeetingSummary]] = {}
    for summary in found:
        years.setdefault(summary.start.year if summary.start else None, []).append(summary)
    return SeriesPage(series, len(found), tuple((year, tuple(group)) for year, group in years.items()))


def _stored_meeting(conn: Connection, series: str, meeting_id: str) -> tuple[MeetingSummary, str, str, str | None]:
    """Return a meeting's summary, file name, log and recap, or raise NotFound (also when in another series)."""
    found = store.meeting_log(conn, meeting_id)
    if found is None or found[0].series != series:
        raise NotFound(f"no meeting {meeting_id!r} in {series!r}")
    return found


def meeting_page(conn: Connection, series: str, meeting_id: str) -> MeetingPage:
    """Return a meeting with its minutes, replayed from the stored log, or raise NotFound."""
    found = _stored_meeting(conn, series, meeting_id)
    return MeetingPage(found[0], replay(*found))


def all_meetings(conn: Connection, series: str | None = None) -> list[Meeting]:
    """Return every stored meeting (or one series'), replayed from its log, oldest first."""
    return [replay(*found) for found in store.all_meeting_logs(conn, series)]


def raw_log(conn: Connection, series: str, meeting_id: str) -> str:
    """Return a meeting's log as imported, or raise NotFound."""
    return _stored_meeting(conn, series, meeting_id)[2]


def series_feed(conn: Connection, series: str, *, limit: int = 20) -> list[Meeting]:
    """Return the newest meetings of a series, newest first, for its Atom feed."""
    page = series_page(conn, series)
    newest = [summary for _year, group in page.years for summary in group][:limit]
    return [meeting_page(conn, series, summary.meeting_id).meeting for summary in newest]


def rebuild(engine: Engine) -> int:
    """Replay every stored log again and re-derive what is kept of it; return the meeting count."""
    with engine.begin() as conn:
        logs = list(store.all_meeting_logs(conn))
        for found in logs:
            store.refresh_meeting(conn, replay(*found))
    return len(logs)

