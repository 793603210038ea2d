"""The lists area: the archive's front page."""

from __future__ import annotations

from flask import Blueprint, render_template

from archive import store
from archive.web.db import get_engine

bp = Blueprint("lists", __name__)


@bp.get("/")
def index() -> str:
    """Show every list with its counts and dates."""
    with get_engine().connect() as conn:
        summaries = store.list_summaries(conn)
    return render_template("lists/index.html", lists=summaries)
