"""What admins see and do: the audit log, and removing a message."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from archive import moderation, store
from archive.web.auth import require, revealed
from archive.web.db import get_engine, get_index_dir

bp = Blueprint("admin", __name__)


@bp.get("/admin/audit")
def audit() -> Response:
    """Show every change people made, newest first."""
    require("audit")
    with get_engine().connect() as conn:
        entries = store.audit_entries(conn)
    return Response(render_template("admin/audit.html", entries=entries))


@bp.post("/admin/redact")
def redact() -> Response:
    """Replace a passage of a message with "[redacted]" (its original bytes are dropped)."""
    user = require("remove")
    message_id, text = request.form.get("message_id", "")[:1000], request.form.get("text", "")[:5000]
    try:
        with revealed():
            moderation.redact_message(get_engine(), get_index_dir(), message_id, text=text, by=user.name)
    except ValueError as error:
        return Response(str(error), status=400, mimetype="text/plain")
    return redirect(url_for("messages.message", message_id=message_id), code=303)  # type: ignore[return-value]


def _removal() -> tuple[str, str]:
    """Return the mode and note of a removal form (stopping with 400 on an unknown mode)."""
    mode = request.form.get("mode", "delete")
    if mode not in moderation.MODES:
        abort(400, description="mode must be delete or hide")
    return mode, request.form.get("note", "")[:500].strip() or "removed by an admin"


@bp.post("/admin/remove-thread")
def remove_thread() -> Response:
    """Remove every message of a thread (each permalink then answers 410 Gone)."""
    user = require("remove")
    mode, note = _removal()
    with revealed():
        moderation.remove_thread(get_engine(), get_index_dir(), request.form.get("thread_id", "")[:100], mode=mode,
                                 note=note, by=user.name)
    return redirect(url_for("lists.index"), code=303)  # type: ignore[return-value]


@bp.post("/admin/remove")
def remove() -> Response:
    """Remove a message (deleting its bytes, or hiding them), so its permalink answers 410 Gone."""
    user = require("remove")
    message_id = request.form.get("message_id", "")[:1000]
    mode, note = _removal()
    with revealed():
        moderation.remove_message(get_engine(), get_index_dir(), message_id, mode=mode, note=note, by=user.name)
    return redirect(url_for("messages.message", message_id=message_id), code=303)  # type: ignore[return-value]
