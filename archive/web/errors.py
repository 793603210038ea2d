"""Error pages: every HTTP error, and archive's NotFound, as a page or (under /api/) as JSON."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template
from werkzeug.exceptions import Gone as HTTPGone
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.exceptions import NotFound as HTTPNotFound

from archive.errors import Gone, NotFound, SearchError
from archive.web.render import is_api


def _respond(error: HTTPException) -> Response:
    """Render error as the error page (or JSON) with its status and headers."""
    code = error.code or 500
    if is_api():
        response = jsonify({"error": error.name, "status": code, "description": error.description})
    else:
        response = Response(render_template("errors/error.html", error=error), mimetype="text/html")
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() == "allow":
            response.headers[name] = value
    return response


def http_error(error: HTTPException) -> Response:
    """Show a 400, 404, 405 or any other HTTP error as a page."""
    return _respond(error)


def not_found(error: NotFound) -> Response:
    """Show an archive NotFound (no such list, thread, message, person or page) as a 404."""
    return _respond(HTTPNotFound(description=str(error)))


def gone(error: Gone) -> Response:
    """Show a message an admin removed as 410 Gone, with their note."""
    return _respond(HTTPGone(description=str(error)))


def search_unavailable(error: SearchError) -> Response:
    """Show a missing or unreadable search index as a 503 that says how to fix it."""
    return _respond(ServiceUnavailable(description=f"Search is not available: {error}"))


def server_error(error: InternalServerError) -> Response:
    """Show a plain 500 page instead of a traceback."""
    return _respond(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the error handlers on app."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Gone, gone)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(SearchError, search_unavailable)
    app.register_error_handler(InternalServerError, server_error)
