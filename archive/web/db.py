"""The app's one database engine, opened lazily from the configured data directory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.engine import Engine

from archive import settings
from search.indexer import index_dir_for

_KEY = "minutebook.engine"


def get_engine() -> Engine:
    """Return the engine of the current app, opening the store on first use."""
    engine = current_app.extensions.get(_KEY)
    if engine is None:
        directory = Path(current_app.config["DATA_DIR"])
        engine = settings.engine_for(directory, current_app.config.get("DATABASE_URL"))
        current_app.extensions[_KEY] = engine
    return engine


def get_index_dir() -> Path:
    """Return where the current app's search index lives."""
    return index_dir_for(Path(current_app.config["DATA_DIR"]))


def init_app(app: Flask) -> None:
    """Register the engine slot on app (the engine itself opens on first use)."""
    app.extensions.setdefault(_KEY, None)
