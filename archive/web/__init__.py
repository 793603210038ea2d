"""The Flask application: create_app() and its blueprints (the only package importing flask)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from archive import settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the instance config file, then the given mapping."""
    app = Flask(
        __name__,
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
        instance_relative_config=False,
    )
    # SHOW_ADDRESSES: {list name: True} shows that list's addresses; "*" sets the default (hidden).
    app.config.from_mapping(
        DATA_DIR=None, DATABASE_URL=None, JSON_SORT_KEYS=False, SHOW_ADDRESSES={},
        # Sessions: not readable by scripts, not sent by other sites' forms, over HTTPS when SECURE_COOKIES.
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SECURE_COOKIES=False,
        PERMANENT_SESSION_LIFETIME=8 * 3600, MAX_CONTENT_LENGTH=2 * 1024 * 1024, LOGIN_LIMIT="5 per minute",
    )
    if config is None:
        app.config.from_pyfile(str(settings.data_dir() / "config.py"), silent=True)
    else:
        app.config.from_mapping(config)
    app.config["DATA_DIR"] = str(settings.data_dir(app.config["DATA_DIR"]))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(Path(app.config["DATA_DIR"]))
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["SECURE_COOKIES"])

    from archive.web import (actions, admin, auth, db, errors, feeds, lists, meetings, messages, people, publish, refs,
                             render, search, threads, urls)

    # Message-IDs may hold "//", which must reach the converter rather than be merged away.
    app.url_map.merge_slashes = False
    app.url_map.converters["mid"] = urls.MessageIdConverter
    db.init_app(app)
    render.init_app(app)
    errors.init_app(app)
    for blueprint in (lists.bp, threads.bp, messages.bp, people.bp, search.bp, meetings.bp, actions.bp, refs.bp):
        app.register_blueprint(blueprint)
        app.register_blueprint(blueprint, url_prefix="/api", name=f"api_{blueprint.name}")
    app.register_blueprint(feeds.bp)
    auth.init_app(app)
    app.register_blueprint(admin.bp)
    app.register_blueprint(publish.bp)
    return app
