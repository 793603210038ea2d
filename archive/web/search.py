"""The search area: the threads matching ?q= (its feed and mbox download are in feeds)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from archive import searching, store
from archive.web import render
from archive.web.db import get_engine, get_index_dir

bp = Blueprint("search", __name__)


def query_arg() -> str:
    """Return the typed query (?q=), empty when absent."""
    return request.args.get("q", "")


def _all_lists() -> list[str]:
    """Return every list's name: search results may come from any of them."""
    with get_engine().connect() as conn:
        return list(store.list_descriptions(conn))


def _page() -> int:
    """Return ?page= as a number; anything else is page 1 (search caps it and says so)."""
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 1


@bp.get("/search")
def results() -> Response:
    """Show the threads matching ?q=, ranked or sorted by date (?sort=), a page at a time."""
    lists = _all_lists()
    found = searching.search_archive(
        get_engine(), get_index_dir(), query_arg(), sort=request.args.get("sort", "relevance"), page=_page(),
        show_addresses=render.addresses_shown(lists),
    )
    return render.page("search/results.html", found, shown_lists=lists)
