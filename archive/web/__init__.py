"""The Flask application: create_app() and its blueprints (the only package importing flask)."""

from __future__ import annotations

from collections.abc import Mapping
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
    app.config.from_mapping(DATA_DIR=None, DATABASE_URL=None, JSON_SORT_KEYS=False)
    if config is None:
        app.config.from_pyfile(str(settings.data_dir() / "config.py"), silent=True)
    else:
        app.config.from_mapping(config)
    app.config["DATA_DIR"] = str(settings.data_dir(app.config["DATA_DIR"]))

    from archive.web import db, lists

    db.init_app(app)
    app.register_blueprint(lists.bp)
    return app
