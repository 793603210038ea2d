"""The messages area: a message's permalink in its thread, its raw bytes and its attachments."""

from __future__ import annotations

import io

from flask import Blueprint, Response, send_file

from archive import browse
from archive.web import render, urls
from archive.web.db import get_engine

bp = Blueprint("messages", __name__)

# Downloads are never rendered by the browser as part of this site.
DOWNLOAD_HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'", "X-Content-Type-Options": "nosniff"}


@bp.get("/m/<mid:message_id>/")
def message(message_id: str) -> Response:
    """Show one message in its thread, with what it replies to and its replies (?v=2 for a twin id)."""
    version = urls.positive_arg("v")
    with get_engine().connect() as conn:
        data = browse.message_page(conn, message_id, version=version)
    return render.page("messages/message.html", data, shown_lists=data.message.lists)


@bp.get("/m/<mid:message_id>/raw")
def raw(message_id: str) -> Response:
    """Serve a message's original bytes as plain text."""
    version = urls.positive_arg("v")
    with get_engine().connect() as conn:
        data = browse.raw_message(conn, message_id, version=version)
    return Response(data, mimetype="text/plain", headers=DOWNLOAD_HEADERS)


@bp.get("/m/<mid:message_id>/part/<int:part>")
def attachment(message_id: str, part: int) -> Response:
    """Serve one attachment as a download under its own name and type."""
    version = urls.positive_arg("v")
    with get_engine().connect() as conn:
        name, content_type, data = browse.attachment(conn, message_id, part, version=version)
    response = send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=name)
    response.headers.update(DOWNLOAD_HEADERS)
    return response
