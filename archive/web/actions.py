"""The actions area: action items by owner, series and status, and the decision log."""

from __future__ import annotations

from flask import Blueprint, Response, request

from archive import browse
from archive.web import render
from archive.web.db import get_engine

bp = Blueprint("actions", __name__)


def _filters() -> dict[str, str]:
    """Return the filters of ?owner=, ?series=, ?year= and ?q= (empty when absent)."""
    return {name: request.args.get(arg, "")[:200] for name, arg in
            (("owner", "owner"), ("series", "series"), ("year", "year"), ("words", "q"))}


@bp.get("/actions/")
def actions() -> Response:
    """Show action items from every meeting and message, oldest first, filtered by owner, series and year."""
    with get_engine().connect() as conn:
        data = browse.items_page(conn, "action", **_filters())
    return render.page("actions/items.html", data)


@bp.get("/decisions/")
def decisions() -> Response:
    """Show the decision log across lists and meetings, newest first, filtered by series, year and words."""
    with get_engine().connect() as conn:
        data = browse.items_page(conn, "decision", **_filters())
    return render.page("actions/items.html", data)
