"""One page, two forms: HTML from templates/<area>/<page>.html, or its JSON twin under /api/.

A view hands its data to page(); the path decides the form. Addresses are obfuscated in both
unless every list the page draws on shows them (config SHOW_ADDRESSES, by list name, with "*"
as the default for lists not named).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request, url_for

from archive import render, store
from archive.browse import subject_key
from archive.charts import month_chart
from archive.models import Address, FoundLink, LinkView, ListOverview, MessageSummary, ThreadSummary
from archive.people import person_key
from archive.web.db import get_engine
from search.documents import ITEM_KINDS, item_source_of
from search.results import SearchHit

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # for browsers that do not know CSP's frame-ancestors
}
# Pages need no script at all; styles and images come only from this site.
HTML_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
               "base-uri 'none'; frame-ancestors 'none'")


def is_api() -> bool:
    """Tell whether this request is for a JSON twin."""
    return request.path.startswith("/api/")


def addresses_shown(lists: Iterable[str]) -> bool:
    """Tell whether addresses may be shown on a page drawing on the given lists."""
    policy: dict[str, bool] = current_app.config.get("SHOW_ADDRESSES") or {}
    default = bool(policy.get("*", False))
    names = list(lists)
    return all(bool(policy.get(name, default)) for name in names) if names else default


def page(template: str, data: Any, *, shown_lists: Iterable[str] = (), status: int = 200) -> Response:
    """Render data with the HTML template, or as JSON under /api/."""
    show = addresses_shown(shown_lists)
    if is_api():
        response = jsonify(to_json(data, show))
    else:
        response = Response(render_template(template, data=data, show_addresses=show), mimetype="text/html")
    response.status_code = status
    return response


def message_url(message: MessageSummary, *, external: bool = False) -> str:
    """Return a message's permalink (with ?v= for a later message sharing its Message-ID)."""
    if message.version > 1:
        return url_for("messages.message", message_id=message.message_id, v=message.version, _external=external)
    return url_for("messages.message", message_id=message.message_id, _external=external)


def hit_url(hit: SearchHit) -> str:
    """Return the page a search hit points to: a message's permalink, a meeting, or a line of its log."""
    if hit.kind == "message" or (hit.kind in ITEM_KINDS and item_source_of(hit.key) == "message"):
        return url_for("messages.message", message_id=hit.id)
    series, _, rest = hit.id.partition("/")
    meeting_id, _, line = rest.partition("#")
    if line:
        return url_for("meetings.log", series=series, meeting_id=meeting_id) + f"#l-{line}"
    return url_for("meetings.minutes", series=series, meeting_id=meeting_id)


def _url_of(value: Any) -> str | None:
    """Return the page URL of a summary object, for the JSON twin's "url" field."""
    if isinstance(value, SearchHit):
        return hit_url(value)
    if isinstance(value, MessageSummary):
        return message_url(value)
    if isinstance(value, ThreadSummary):
        return url_for("threads.thread", thread_id=value.thread_id)
    if isinstance(value, ListOverview):
        return url_for("lists.threads", list_name=value.name)
    return None


def to_json(value: Any, show: bool) -> Any:
    """Return value as plain JSON data, with addresses (and addresses in bodies) obfuscated unless shown."""
    if isinstance(value, Address):
        return {"name": value.name if show else render.obfuscate_text(value.name),
                "email": render.email_text(value, show=show), "person": person_key(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name == "body" and isinstance(item, str) and not show:
                item = render.obfuscate_text(item)
            data[field.name] = to_json(item, show)
        url = _url_of(value)
        if url is not None:
            data["url"] = url
        return data
    if isinstance(value, (list, tuple)):
        return [to_json(item, show) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item, show) for key, item in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def local_time(value: datetime | None, offset_minutes: int | None) -> str:
    """Return a date in the sender's own time zone with its offset: 2024-01-08 09:14 -0800."""
    if value is None:
        return "date unknown"
    if offset_minutes is None:
        return value.strftime("%Y-%m-%d %H:%M UTC")
    local = value.astimezone(timezone(timedelta(minutes=offset_minutes)))
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{local:%Y-%m-%d %H:%M} {sign}{hours:02d}{minutes:02d}"


def person_url(address: Address) -> str | None:
    """Return the people page of whoever sent from address."""
    key = person_key(address)
    return url_for("people.person", key=key) if key else None


def link_target_url(view: LinkView) -> str:
    """Return where a link leads: the thing in the archive (a meeting at its line), else the page of its key."""
    kind, ident = view.target or ("", "")
    if kind == "message":
        return url_for("messages.message", message_id=ident)
    if kind == "meeting":
        series, meeting_id = ident.split("/", 1)
        if view.link.anchor:
            return url_for("meetings.log", series=series, meeting_id=meeting_id) + f"#l-{view.link.anchor}"
        return url_for("meetings.minutes", series=series, meeting_id=meeting_id)
    return url_for("refs.reference", key=view.link.key)


def link_source_url(link: FoundLink) -> str:
    """Return where a link was written: the message, or the meeting log at its line."""
    if link.source_kind == "message":
        return url_for("messages.message", message_id=link.source_id)
    series, meeting_id = link.source_id.split("/", 1)
    return url_for("meetings.log", series=series, meeting_id=meeting_id) + f"#l-{link.line}"


def _filters() -> dict[str, Any]:
    """Return the template filters, all pure functions of archive/."""
    return {
        "body_html": lambda body, show: render.render_body(body, show_addresses=show),
        "who": lambda address, show: render.address_text(address, show=show),
        "email": lambda address, show: render.email_text(address, show=show),
        "local_time": local_time,
        "day": lambda value: value.strftime("%Y-%m-%d") if value else "",
        "person_url": person_url,
        "message_url": message_url,
        "anchor": render.anchor,
        "chart": month_chart,
        "thousands": lambda number: f"{number:,}",
        "subject_key": subject_key,
        "log_html": lambda text, show: render.render_log_text(text, show_addresses=show),
        "nick_colour": render.nick_colour,
        "hit_url": hit_url,
        "link_target_url": link_target_url,
        "link_source_url": link_source_url,
    }


def _globals() -> dict[str, Any]:
    """Return what every page's header needs: the lists for the switcher, and the search page."""
    if is_api():
        return {}
    with get_engine().connect() as conn:
        names = list(store.list_descriptions(conn))
    search = "search.results" in current_app.view_functions
    return {"all_lists": names, "search_url": url_for("search.results") if search else None,
            "month_names": MONTH_NAMES, "json_twin_url": json_twin_url}


def json_twin_url() -> str | None:
    """Return the URL of this page's JSON twin, when it has one."""
    endpoint = request.endpoint or ""
    twin = f"api_{endpoint}"
    if twin not in current_app.view_functions or request.view_args is None:
        return None
    values: dict[str, Any] = {**request.view_args, **request.args.to_dict()}
    return url_for(twin, **values)


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def _secure(response: Response) -> Response:
    """Add the security headers every response carries."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", HTML_POLICY)
    return response


def init_app(app: Flask) -> None:
    """Register the template filters, the page globals and the security headers."""
    app.jinja_env.filters.update(_filters())
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_globals)
    app.after_request(_secure)

