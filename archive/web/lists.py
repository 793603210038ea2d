"""The lists area: the front page, a list's threads, and one month of a list."""

from __future__ import annotations

from flask import Blueprint, Response

from archive import browse
from archive.web import render, urls
from archive.web.db import get_engine

bp = Blueprint("lists", __name__)


@bp.get("/")
def index() -> Response:
    """Show every list with its counts, latest activity and messages per month."""
    with get_engine().connect() as conn:
        overviews = browse.list_overviews(conn)
    return render.page("lists/index.html", {"lists": overviews}, shown_lists=[o.name for o in overviews])


@bp.get("/l/<list_name>/")
def threads(list_name: str) -> Response:
    """Show a list's threads, most recently active first, a page at a time, with a month picker."""
    number = urls.page_arg()
    with get_engine().connect() as conn:
        data = browse.list_page(conn, list_name, page=number)
    return render.page("lists/list.html", data, shown_lists=[list_name])


@bp.get("/l/<list_name>/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/")
def month(list_name: str, year: int, month: int) -> Response:
    """Show the threads of one month of a list, sorted by date, activity, author or subject."""
    sort = urls.choice_arg("sort", browse.SORTS, "date")
    with get_engine().connect() as conn:
        data = browse.month_page(conn, list_name, year, month, sort=sort)
    return render.page("lists/month.html", data, shown_lists=[list_name])
