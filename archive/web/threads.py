"""The threads area: a whole thread, nested or flat by date; merged thread ids redirect."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for

from archive import browse, store
from archive.errors import NotFound
from archive.web import render, urls
from archive.web.db import get_engine

bp = Blueprint("threads", __name__)


def redirect_if_merged(thread_id: str) -> Response:
    """Send an old thread id to the thread it was merged into (301), or give 404."""
    with get_engine().connect() as conn:
        target = store.resolve_thread_id(conn, thread_id)
    if target is None or target == thread_id or request.endpoint is None:
        abort(404)
    values = {**(request.view_args or {}), "thread_id": target, **request.args.to_dict()}
    return redirect(url_for(request.endpoint, **values), code=301)  # type: ignore[return-value]


@bp.get("/t/<thread_id>/")
def thread(thread_id: str) -> Response:
    """Show a thread with every message, as a tree (default) or flat by date (?view=flat)."""
    view = urls.choice_arg("view", ("tree", "flat"), "tree")
    list_name = request.args.get("list")
    try:
        with get_engine().connect() as conn:
            data = browse.thread_page(conn, thread_id, list_name=list_name, flat=view == "flat")
    except NotFound:
        return redirect_if_merged(thread_id)
    return render.page("threads/thread.html", data, shown_lists=data.thread.lists)
