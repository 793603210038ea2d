"""The people area: what one person posted, newest first (see archive.people for who is who)."""

from __future__ import annotations

from flask import Blueprint, Response

from archive import browse
from archive.web import render, urls
from archive.web.db import get_engine

bp = Blueprint("people", __name__)


@bp.get("/people/<key>/")
def person(key: str) -> Response:
    """Show the names and addresses a person used and their messages, a page at a time."""
    number = urls.page_arg()
    with get_engine().connect() as conn:
        data = browse.person_page(conn, key, page=number)
    return render.page("people/person.html", data, shown_lists=data.lists)
