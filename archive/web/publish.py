"""Chairs publish, edit and unpublish minutes, and send them to their list."""

from __future__ import annotations

import smtplib
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from archive import meetings, publishing
from archive.errors import PublishError
from archive.web.auth import require, revealed
from archive.web.db import get_engine, get_index_dir

bp = Blueprint("publish", __name__)
# The largest log or minutes a chair may upload.
MAX_TEXT = 1024 * 1024


def _form() -> tuple[str, datetime]:
    """Return the text of the form (an uploaded log wins over the text box) and the meeting's start."""
    upload = request.files.get("log")
    text = upload.read(MAX_TEXT).decode("utf-8", "replace") if upload and upload.filename else request.form.get("text", "")
    try:
        when = datetime.fromisoformat(f"{request.form.get('date', '')}T{request.form.get('time') or '00:00'}")
    except ValueError:
        when = datetime.now(timezone.utc)
    return text[:MAX_TEXT], when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _page(series: str, meeting_id: str | None, text: str, *, status: int = 200, **shown: object) -> Response:
    """Render the publishing form (with a preview or an error when given)."""
    page = render_template("meetings/publish.html", series=series, meeting_id=meeting_id, text=text,
                           preview=shown.get("preview"), error=shown.get("error"), when=shown.get("when"))
    return Response(page, status=status)


@bp.route("/meetings/<series>/publish", methods=["GET", "POST"])
@bp.route("/meetings/<series>/<meeting_id>/edit", methods=["GET", "POST"])
def publish(series: str, meeting_id: str | None = None) -> Response:
    """Write or upload minutes, preview what was found in them, then publish (or save the edit)."""
    user = require("publish", series)
    if request.method == "GET":
        with get_engine().connect() as conn:
            return _page(series, meeting_id, meetings.raw_log(conn, series, meeting_id) if meeting_id else "")
    text, when = _form()
    try:
        if request.form.get("step") != "publish":
            found = publishing.preview(text, series=series, chair=user.name, when=when)
            return _page(series, meeting_id, text, preview=found, when=when)
        with revealed():
            meeting = publishing.publish(get_engine(), get_index_dir(), text, series=series, chair=user.name, when=when,
                                         by=user.name, replacing=meeting_id)
    except PublishError as error:
        return _page(series, meeting_id, text, status=400, error=str(error))
    return redirect(url_for("meetings.minutes", series=meeting.series, meeting_id=meeting.meeting_id), code=303)  # type: ignore[return-value]


@bp.post("/meetings/<series>/<meeting_id>/unpublish")
def unpublish(series: str, meeting_id: str) -> Response:
    """Take a meeting's minutes down (its earlier log is kept in its history)."""
    user = require("publish", series)
    with revealed():
        publishing.unpublish(get_engine(), get_index_dir(), meeting_id, by=user.name)
    return redirect(url_for("meetings.series", series=series), code=303)  # type: ignore[return-value]


def _email(series: str, meeting_id: str) -> bytes:
    """Return a meeting's minutes as the email to send to its series' list."""
    with get_engine().connect() as conn:
        page = meetings.meeting_page(conn, series, meeting_id)
    config = current_app.config
    return publishing.minutes_email(page.meeting, to=config.get("MEETING_LISTS", {}).get(series, ""),
                                    sender=config.get("MINUTES_FROM", "minutebook@localhost"), domain=request.host)


@bp.get("/meetings/<series>/<meeting_id>/minutes.eml")
def minutes_email(series: str, meeting_id: str) -> Response:
    """Download the minutes as a ready-to-send email."""
    headers = {"Content-Disposition": f'attachment; filename="{meeting_id.replace(chr(34), "")}.eml"'}
    return Response(_email(series, meeting_id), mimetype="message/rfc822", headers=headers)


@bp.post("/meetings/<series>/<meeting_id>/send")
def send(series: str, meeting_id: str) -> Response:
    """Send the minutes to the series' list through the configured SMTP server."""
    user = require("publish", series)
    host, to = current_app.config.get("SMTP_HOST"), current_app.config.get("MEETING_LISTS", {}).get(series)
    if not host or not to:
        abort(400, description="No SMTP server (SMTP_HOST) or list for this series (MEETING_LISTS) is configured.")
    with smtplib.SMTP(host, int(current_app.config.get("SMTP_PORT", 25)), timeout=20) as smtp:
        smtp.sendmail(current_app.config.get("MINUTES_FROM", "minutebook@localhost"), [to], _email(series, meeting_id))
    current_app.logger.info("%s sent the minutes of %s to %s", user.name, meeting_id, to)
    return redirect(url_for("meetings.minutes", series=series, meeting_id=meeting_id), code=303)  # type: ignore[return-value]
