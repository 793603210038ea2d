"""The actions area: action items by owner, series and status, and the decision log."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from archive import atom, browse, ical, indexing, items, store
from archive.models import ExtractedItem
from archive.web import render
from archive.web.auth import require, revealed
from archive.web.db import get_engine, get_index_dir

bp = Blueprint("actions", __name__)


def _filters() -> dict[str, str]:
    """Return the filters of ?owner=, ?series=, ?list=, ?status=, ?year= and ?q= (empty when absent)."""
    return {name: request.args.get(arg, "")[:200] for name, arg in
            (("owner", "owner"), ("series", "series"), ("list_name", "list"), ("year", "year"), ("words", "q"),
             ("status", "status"))}


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


def _source_url(item: ExtractedItem) -> str:
    """Return the absolute URL of the line an item was found on."""
    if item.source_kind == "meeting":
        series, meeting_id = item.source_id.split("/", 1)
        return url_for("meetings.log", series=series, meeting_id=meeting_id, _external=True) + f"#l-{item.line}"
    return url_for("messages.message", message_id=item.source_id, _external=True)


@bp.get("/actions/atom")
def actions_atom() -> Response:
    """Serve the action items that match the filters (?owner= to follow one's own) as an Atom feed."""
    with get_engine().connect() as conn:
        data = browse.items_page(conn, "action", **_filters())
    entries = [(_source_url(t.item), f"[{t.status}] {t.item.text}", t.item.date,
                f"{t.item.text}\nOwners: {', '.join(t.item.owners) or 'nobody named'}\nStatus: {t.status}")
               for t in reversed(data.actions)]
    title = f"Action items of {data.owner}" if data.owner else "Action items"
    xml = atom.items_feed_xml(title=title, feed_url=request.url, entries=entries,
                              page_url=url_for("actions.actions", owner=data.owner or None, _external=True))
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/actions/calendar.ics")
def actions_calendar() -> Response:
    """Serve the due dates of the action items that match the filters as an iCalendar feed."""
    with get_engine().connect() as conn:
        data = browse.items_page(conn, "action", **_filters())
    title = f"Action items of {data.owner}" if data.owner else "Action items"
    body = ical.due_calendar(data.actions, title=title, source_url=_source_url)
    return Response(body, mimetype="text/calendar")


@bp.get("/decisions/atom")
def decisions_atom() -> Response:
    """Serve the decision log (newest first) as an Atom feed."""
    with get_engine().connect() as conn:
        data = browse.items_page(conn, "decision", **_filters())
    entries = [(_source_url(item), item.text, item.date, f"{item.text}\n(found by {item.rule})") for item in data.items]
    xml = atom.items_feed_xml(title="Decisions", feed_url=request.url, entries=entries,
                              page_url=url_for("actions.decisions", _external=True))
    return Response(xml, mimetype="application/atom+xml")


@bp.post("/actions/mark")
def mark() -> Response:
    """Mark an action item done, dropped or open again, perhaps for new owners (a chair of its series, or an admin)."""
    item_id, status = request.form.get("item", "")[:1000], request.form.get("status", "")
    note = request.form.get("note", "")[:500].strip()
    series = item_id.split("/", 1)[0] if "/" in item_id.split("#", 1)[0] else ""
    user = require("mark", series)
    if status not in items.MARK_STATUSES:
        return Response("status must be open, done or dropped", status=400, mimetype="text/plain")
    owners = [name.strip() for name in request.form.get("owners", "")[:300].split(",") if name.strip()]
    with revealed():
        items.mark_action(get_engine(), item_id, status, by=user.name, note=note, owners=owners or None)
        with get_engine().begin() as conn:
            store.add_audit(conn, user.name, f"mark {status}", item_id, note)
        indexing.update_item_documents(get_engine(), get_index_dir())
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url) else url_for("actions.actions"),
                    code=303)  # type: ignore[return-value]
