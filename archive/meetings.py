"""Meetings: import MeetBot logs, and read meetings back a page at a time (no Flask here)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from archive import store
from archive.errors import NotFound
from archive.models import Meeting, MeetingPage, MeetingSummary, SeriesPage, SeriesSummary
from ingest.meetbot import MEETING_FILE, NO_MEETING, parse_meetbot_log

# Larger logs are not meetings but whole channel archives (issue 5 imports those differently).
MAX_LOG_BYTES = 20 * 1024 * 1024


def import_meeting_file(engine: Engine, path: Path) -> tuple[str, str, str]:
    """Import one MeetBot file; return (outcome, note, meeting id).

    The outcome is added, updated, duplicate, part (of a meeting imported from its log) or
    skipped; the note says what went wrong, if anything.
    """
    match = MEETING_FILE.match(path.name)
    if match and match["kind"] != ".log.txt":
        if path.with_name(match["base"] + ".log.txt").exists():
            return "part", "", ""  # minutes and HTML pages the bot wrote from the log beside them
        return "skipped", f"{path}: minutes without their raw log (.log.txt) are not imported yet", ""
    try:
        data = path.read_bytes()
    except OSError as error:
        return "skipped", f"{path}: cannot read: {error.strerror or error}", ""
    if len(data) > MAX_LOG_BYTES:
        return "skipped", f"{path}: {len(data)} bytes is too large for one meeting's log", ""
    text, note = _decoded(data, path)
    if _is_rename_stub(path, text):
        return "part", "", ""  # #meetingname left the first lines under the old name
    meeting = parse_meetbot_log(text, path.name)
    if NO_MEETING in meeting.problems:
        return "skipped", f"{path}: {NO_MEETING}", ""
    with engine.begin() as conn:
        outcome = store.add_meeting(conn, meeting, file_name=path.name, source=str(path), log=text,
                                    content_hash=hashlib.sha256(data).hexdigest())
    problems = "; ".join(filter(None, [note, *meeting.problems]))
    return outcome, f"{path}: {problems}" if problems else "", meeting.meeting_id


def _decoded(data: bytes, path: Path) -> tuple[str, str]:
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


def meeting_page(conn: Connection, series: str, meeting_id: str) -> MeetingPage:
    """Return a meeting with its minutes, replayed from the stored log, or raise NotFound."""
    found = store.meeting_log(conn, meeting_id)
    if found is None or found[0].series != series:
        raise NotFound(f"no meeting {meeting_id!r} in {series!r}")
    summary, file_name, log = found
    return MeetingPage(summary, parse_meetbot_log(log, file_name))


def all_meetings(conn: Connection, series: str | None = None) -> list[Meeting]:
    """Return every stored meeting (or one series'), replayed from its log, oldest first."""
    return [parse_meetbot_log(log, file_name) for file_name, log in store.all_meeting_logs(conn, series)]


def raw_log(conn: Connection, series: str, meeting_id: str) -> str:
    """Return a meeting's log as imported, or raise NotFound."""
    found = store.meeting_log(conn, meeting_id)
    if found is None or found[0].series != series:
        raise NotFound(f"no meeting {meeting_id!r} in {series!r}")
    return found[2]


def series_feed(conn: Connection, series: str, *, limit: int = 20) -> list[Meeting]:
    """Return the newest meetings of a series, newest first, for its Atom feed."""
    page = series_page(conn, series)
    newest = [summary for _year, group in page.years for summary in group][:limit]
    return [meeting_page(conn, series, summary.meeting_id).meeting for summary in newest]
