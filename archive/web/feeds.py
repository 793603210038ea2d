"""Feeds and exports: Atom for a list, a thread and a search; gzip mboxrd for a thread, a month and a search."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Blueprint, Response, request, url_for

from archive import atom, browse, exports, meetings, searching
from archive.errors import NotFound
from archive.models import MessageFeed
from archive.web.db import get_engine, get_index_dir
from archive.web.render import addresses_shown, message_url
from archive.web.search import query_arg
from archive.web.threads import redirect_if_merged

bp = Blueprint("feeds", __name__)

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def atom_response(feed: MessageFeed, page_url: str) -> Response:
    """Return feed as an Atom document whose entries link to the messages' permalinks."""
    xml = atom.feed_xml(
        title=feed.title,
        feed_url=request.url,
        page_url=page_url,
        messages=feed.messages,
        permalink=lambda message: message_url(message, external=True),
        show_addresses=addresses_shown(feed.lists),
    )
    return Response(xml, mimetype="application/atom+xml")


def download(stream: Iterator[bytes], name: str) -> Response:
    """Return a streamed gzip download called name."""
    safe = _UNSAFE_NAME.sub("_", name)
    return Response(stream, mimetype="application/gzip",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@bp.get("/l/<list_name>/atom")
def list_atom(list_name: str) -> Response:
    """Serve the newest messages of a list as an Atom feed."""
    with get_engine().connect() as conn:
        feed = browse.list_feed(conn, list_name)
    return atom_response(feed, url_for("lists.threads", list_name=list_name, _external=True))


@bp.get("/t/<thread_id>/atom")
def thread_atom(thread_id: str) -> Response:
    """Serve the newest messages of a thread as an Atom feed."""
    try:
        with get_engine().connect() as conn:
            feed = browse.thread_feed(conn, thread_id)
    except NotFound:
        return redirect_if_merged(thread_id)
    return atom_response(feed, url_for("threads.thread", thread_id=thread_id, _external=True))


@bp.get("/t/<thread_id>.mbox.gz")
def thread_mbox(thread_id: str) -> Response:
    """Stream a thread as gzip-compressed mboxrd."""
    try:
        stream = exports.thread_mbox(get_engine(), thread_id)
    except NotFound:
        return redirect_if_merged(thread_id)
    return download(stream, f"{thread_id}.mbox.gz")


@bp.get("/l/<list_name>/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>.mbox.gz")
def month_mbox(list_name: str, year: int, month: int) -> Response:
    """Stream one month of a list as gzip-compressed mboxrd."""
    stream = exports.month_mbox(get_engine(), list_name, year, month)
    return download(stream, f"{list_name}-{year:04d}-{month:02d}.mbox.gz")


@bp.get("/search/atom")
def search_atom() -> Response:
    """Serve the newest messages matching ?q= as an Atom feed, so a reader can follow a topic."""
    feed = searching.search_feed(get_engine(), get_index_dir(), query_arg())
    return atom_response(feed, url_for("search.results", q=query_arg(), sort="-date", _external=True))


@bp.get("/search/mbox.gz")
def search_mbox() -> Response:
    """Stream the best matching threads (up to 100) as one gzip-compressed mboxrd."""
    return download(searching.search_mbox(get_engine(), get_index_dir(), query_arg()), "search.mbox.gz")


@bp.get("/meetings/<series>/atom")
def series_atom(series: str) -> Response:
    """Serve the newest meetings of a series as an Atom feed, the minutes as text."""
    with get_engine().connect() as conn:
        found = meetings.series_feed(conn, series)
    entries = [(url_for("meetings.minutes", series=series, meeting_id=m.meeting_id, _external=True), m) for m in found]
    xml = atom.meetings_feed_xml(title=f"{series} meetings", feed_url=request.url,
                                 page_url=url_for("meetings.series", series=series, _external=True), meetings=entries)
    return Response(xml, mimetype="application/atom+xml")
