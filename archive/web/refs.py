"""The references area: one page per key (a code review, bug, commit or message) with everything that mentions it."""

from __future__ import annotations

from flask import Blueprint, Response

from archive import linking
from archive.web import render
from archive.web.db import get_engine

bp = Blueprint("refs", __name__)


@bp.get("/reviews/<path:key>")
@bp.get("/refs/<path:key>")
def reference(key: str) -> Response:
    """Show what a key is in this archive (a review's own discussion) and every mention of it, oldest first."""
    with get_engine().connect() as conn:
        data = linking.reference_page(conn, key[:500])
    return render.page("refs/reference.html", data)
