"""The meetings area: every series, one series' meetings, a meeting's minutes and its full log."""

from __future__ import annotations

import re

from flask import Blueprint, Response

from archive import browse, meetings
from archive import minutes as writer
from archive.web import render
from archive.web.db import get_engine
from archive.web.messages import DOWNLOAD_HEADERS

bp = Blueprint("meetings", __name__)


@bp.get("/meetings/")
def index() -> Response:
    """Show every meeting series with its number of meetings, last meeting and action items."""
    with get_engine().connect() as conn:
        series = meetings.all_series(conn)
    return render.page("meetings/index.html", {"series": series})


@bp.get("/meetings/<series>/")
def series(series: str) -> Response:
    """Show the meetings of one series, newest first, by year."""
    with get_engine().connect() as conn:
        data = meetings.series_page(conn, series)
    return render.page("meetings/series.html", data)


@bp.get("/meetings/<series>/<meeting_id>/")
def minutes(series: str, meeting_id: str) -> Response:
    """Show a meeting's minutes: topics with their items, action items by person, people present."""
    with get_engine().connect() as conn:
        data = browse.meeting_page(conn, series, meeting_id)
    return render.page("meetings/minutes.html", data)


@bp.get("/meetings/<series>/<meeting_id>/log")
def log(series: str, meeting_id: str) -> Response:
    """Show a meeting's whole log, every line with its own anchor (#l-N)."""
    with get_engine().connect() as conn:
        data = browse.meeting_page(conn, series, meeting_id)
    return render.page("meetings/log.html", data)


def _download(text: str, name: str, mimetype: str) -> Response:
    """Return text as a UTF-8 download called name."""
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      **DOWNLOAD_HEADERS})


@bp.get("/meetings/<series>/<meeting_id>/minutes.txt")
def minutes_text(series: str, meeting_id: str) -> Response:
    """Download the minutes as MeetBot-style text."""
    with get_engine().connect() as conn:
        data = meetings.meeting_page(conn, series, meeting_id)
    return _download(writer.minutes_text(data.meeting), f"{_safe(meeting_id)}.txt", "text/plain")


@bp.get("/meetings/<series>/<meeting_id>/minutes.md")
def minutes_markdown(series: str, meeting_id: str) -> Response:
    """Download the minutes as Markdown."""
    with get_engine().connect() as conn:
        data = meetings.meeting_page(conn, series, meeting_id)
    return _download(writer.minutes_markdown(data.meeting), f"{_safe(meeting_id)}.md", "text/markdown")


@bp.get("/meetings/<series>/<meeting_id>/log.txt")
def raw_log(series: str, meeting_id: str) -> Response:
    """Serve the log exactly as it was imported."""
    with get_engine().connect() as conn:
        text = meetings.raw_log(conn, series, meeting_id)
    return Response(text, mimetype="text/plain", headers=DOWNLOAD_HEADERS)


def _safe(name: str) -> str:
    """Return name with only the characters a download's file name may safely hold."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)
